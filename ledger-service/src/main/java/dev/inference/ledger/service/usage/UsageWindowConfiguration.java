package dev.inference.ledger.service.usage;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.inference.ledger.kernel.usage.UsageWindow;
import dev.inference.ledger.service.config.LedgerProperties;

/** One usage time window, on the application's clock, for both doors: the ingest and the quote endpoint. */
@Configuration(proxyBeanMethods = false)
public class UsageWindowConfiguration {

    @Bean
    public UsageWindow usageWindow(LedgerProperties properties, Clock clock) {
        return properties.usageWindow(clock);
    }
}
