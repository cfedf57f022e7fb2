package dev.inference.ledger.service.pricing;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.pricing.CatalogPublished;
import dev.inference.ledger.kernel.pricing.CatalogPublished.TokenEntry;
import dev.inference.ledger.kernel.pricing.DefaultCatalog;
import dev.inference.ledger.service.pricing.PriceListCommand.PublishCatalog;
import dev.inference.ledger.service.pricing.PriceListCommand.PublishDefaultCatalog;

class PriceListTest {

    private static final String ID = "price-list";
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private AggregateTestFixture<PriceList> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(PriceList.class);
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void the_default_catalog_is_frozen_as_version_1_on_first_start_and_only_then() {
        CatalogPublished version1 = CatalogPublished.of(ID, DefaultCatalog.version1(), NOW);
        fixture.givenNoPriorActivity().when(new PublishDefaultCatalog(ID)).expectEvents(version1);
        fixture.given(version1).when(new PublishDefaultCatalog(ID)).expectNoEvents();
    }

    @Test
    void the_next_version_is_numbered_after_the_last_and_takes_effect_when_it_says() {
        Instant tomorrow = NOW.plusSeconds(86_400);
        fixture.given(CatalogPublished.of(ID, DefaultCatalog.version1(), NOW))
                .when(publish(tomorrow, "0.30"))
                .expectResultMessagePayload(2)
                .expectEvents(new CatalogPublished(ID, 2, tomorrow, "USD", List.of(gemma("0.30")), List.of(), List.of(), NOW));
    }

    @Test
    void a_version_never_takes_effect_in_the_past() {
        fixture.given(CatalogPublished.of(ID, DefaultCatalog.version1(), NOW))
                .when(publish(NOW.minusSeconds(60), "0.30"))
                .expectException(PriceListRuleViolation.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("never in the past"));
    }

    @Test
    void a_version_takes_effect_after_every_earlier_one() {
        Instant nextWeek = NOW.plusSeconds(7 * 86_400);
        fixture.given(CatalogPublished.of(ID, DefaultCatalog.version1(), NOW),
                        new CatalogPublished(ID, 2, nextWeek, "USD", List.of(gemma("0.30")), List.of(), List.of(), NOW))
                .when(publish(nextWeek.minusSeconds(1), "0.40"))
                .expectException(PriceListRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void a_negative_price_is_refused() {
        fixture.given(CatalogPublished.of(ID, DefaultCatalog.version1(), NOW))
                .when(publish(NOW.plusSeconds(60), "-0.30"))
                .expectException(PriceListRuleViolation.class)
                .expectNoEvents();
    }

    private static PublishCatalog publish(Instant effectiveFrom, String input) {
        return new PublishCatalog(ID, effectiveFrom, "USD", List.of(gemma(input)), List.of(), List.of());
    }

    private static TokenEntry gemma(String input) {
        return new TokenEntry("google/gemma-3-27b-it", "deepinfra", new BigDecimal(input), null, new BigDecimal("0.16"));
    }
}
