package dev.inference.ledger.service.account.authorize;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class SpendGuardConfiguration {

    /** Every instance keeps its own guard: its progress through the stream lives in its memory, never shared. */
    @Bean
    public ConfigurerModule spendGuardReadsTheWholeStream() {
        return configurer -> configurer.eventProcessing()
                .registerTokenStore(SpendGuard.GROUP, c -> new InMemoryTokenStore());
    }
}
