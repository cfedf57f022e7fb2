package dev.inference.ledger.kernel.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

class CatalogPublishedTest {

    @Test
    void a_published_catalog_gives_back_the_same_catalog_after_a_trip_through_json() throws Exception {
        PriceCatalog catalog = DefaultCatalog.version1();
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());

        String stored = json.writeValueAsString(CatalogPublished.of("prices", catalog, Instant.EPOCH));
        PriceCatalog read = json.readValue(stored, CatalogPublished.class).catalog();

        assertThat(read.tokenPrices()).isEqualTo(catalog.tokenPrices());
        assertThat(read.meterPrices()).isEqualTo(catalog.meterPrices());
        assertThat(read.unitPrices()).isEqualTo(catalog.unitPrices());
        assertThat(read.defaultProviders()).isEqualTo(catalog.defaultProviders());
        assertThat(stored).contains("\"price\":\"0.0000872083\"").doesNotContain("java.");
    }
}
