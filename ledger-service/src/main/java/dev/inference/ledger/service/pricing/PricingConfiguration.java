package dev.inference.ledger.service.pricing;

import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.inference.ledger.kernel.pricing.CatalogHistory;
import dev.inference.ledger.kernel.pricing.DefaultCatalog;

/** The price catalogs the ledger rates with: for now the default version 1 from the seeds. */
@Configuration(proxyBeanMethods = false)
public class PricingConfiguration {

    @Bean
    public CatalogHistory catalogHistory() {
        return CatalogHistory.of(List.of(DefaultCatalog.version1()));
    }
}
