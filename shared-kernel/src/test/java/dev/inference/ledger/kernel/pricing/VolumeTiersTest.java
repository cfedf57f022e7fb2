package dev.inference.ledger.kernel.pricing;

import static dev.inference.ledger.kernel.pricing.RatingTest.compute;
import static dev.inference.ledger.kernel.pricing.RatingTest.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.money.Money;

/** Graduated prices, given a month's volume so far: every figure worked by hand. */
class VolumeTiersTest {

    /** 2.00 / 1M input and 4.00 / 1M output up to 1M tokens of the month; then 1.00 and 2.00; from 3M, 0.50 and 1.00. */
    private static final PriceCatalog CATALOG = new PriceCatalog.Builder()
            .tokens("m", "p", TokenPrice.of("2", null, "4"))
            .tokenTier("m", "p", new BigDecimal("1000000"), TokenPrice.of("1", null, "2"))
            .tokenTier("m", "p", new BigDecimal("3000000"), TokenPrice.of("0.5", null, "1"))
            .meter("gpu", "p", MeterPrice.perSecond("0.001"))
            .meterTier("gpu", "p", new BigDecimal("3600"), MeterPrice.perSecond("0.0005"))
            .build(1, Instant.EPOCH, "USD");

    private static Charge rated(long input, long output) {
        return ((Rated.Priced) Rating.rate(tokens("m", null, input, 0, output), CATALOG)).charge();
    }

    @Test
    void rating_carries_the_higher_tiers_with_a_price_for_each_line() {
        Charge charge = rated(600_000, 100_000);

        // The catalog's first price: 0.6M × 2.00 + 0.1M × 4.00 = 1.20 + 0.40
        assertThat(charge.cost()).isEqualTo(Money.of("1.6", "USD"));
        assertThat(charge.tiers()).extracting(VolumeTiers.Step::from).containsExactly(new BigDecimal("1000000"), new BigDecimal("3000000"));
        assertThat(charge.tiers().get(0).unitPrices()).containsExactly(BigDecimal.ONE, new BigDecimal("2"));
    }

    @Test
    void a_record_below_the_first_tier_is_charged_at_the_first_price_and_counts_all_its_tokens() {
        VolumeTiers.Graduated graduated = VolumeTiers.apply(rated(600_000, 100_000), BigDecimal.ZERO);

        assertThat(graduated.charge().cost()).isEqualTo(Money.of("1.6", "USD"));
        assertThat(graduated.charge().lines()).extracting(ChargeLine::tier).containsExactly(1, 1);
        assertThat(graduated.volume()).isEqualByComparingTo("700000");
    }

    @Test
    void a_record_that_crosses_a_tier_is_split_where_it_crosses_its_lines_taken_in_order() {
        // 700,000 tokens of the month before. Input 600,000: 300,000 at 2.00 (to 1M), 300,000 at 1.00. Output 100,000 at 2.00.
        // 0.60 + 0.30 + 0.20 = 1.10
        VolumeTiers.Graduated graduated = VolumeTiers.apply(rated(600_000, 100_000), new BigDecimal("700000"));

        assertThat(graduated.charge().cost()).isEqualTo(Money.of("1.1", "USD"));
        assertThat(graduated.charge().lines()).extracting(ChargeLine::component, ChargeLine::quantity, ChargeLine::tier).containsExactly(
                org.assertj.core.groups.Tuple.tuple("input", new BigDecimal("300000"), 1),
                org.assertj.core.groups.Tuple.tuple("input", new BigDecimal("300000"), 2),
                org.assertj.core.groups.Tuple.tuple("output", new BigDecimal("100000"), 2));
        assertThat(graduated.volume()).isEqualByComparingTo("700000");
    }

    @Test
    void a_record_may_cross_two_tiers_at_once() {
        // 500,000 before; input 3,000,000: 500,000 at 2.00 = 1.00, 2,000,000 at 1.00 = 2.00, 500,000 at 0.50 = 0.25.
        VolumeTiers.Graduated graduated = VolumeTiers.apply(rated(3_000_000, 0), new BigDecimal("500000"));

        assertThat(graduated.charge().cost()).isEqualTo(Money.of("3.25", "USD"));
        assertThat(graduated.charge().lines()).extracting(ChargeLine::tier).containsExactly(1, 2, 3);
    }

    @Test
    void compute_time_is_graduated_by_billable_seconds_and_a_free_state_counts_for_nothing() {
        Charge running = ((Rated.Priced) Rating.rate(compute("gpu", "1000", 1, "running"), CATALOG)).charge();
        Charge stopped = ((Rated.Priced) Rating.rate(compute("gpu", "1000", 1, "stopped"), CATALOG)).charge();

        // 3,000 s before: 600 s at 0.001 + 400 s at 0.0005 = 0.60 + 0.20
        assertThat(VolumeTiers.apply(running, new BigDecimal("3000")).charge().cost()).isEqualTo(Money.of("0.8", "USD"));
        VolumeTiers.Graduated free = VolumeTiers.apply(stopped, new BigDecimal("3000"));
        assertThat(free.charge().cost()).isEqualTo(Money.of("0", "USD"));
        assertThat(free.volume()).isEqualByComparingTo("0");
        assertThat(free.charge().lines()).extracting(ChargeLine::tier).containsOnlyNulls();
    }

    @Test
    void a_flat_price_is_left_as_it_is() {
        Charge flat = ((Rated.Priced) Rating.rate(tokens("deepseek-ai/DeepSeek-V3", null, 2000, 0, 500), DefaultCatalog.version1())).charge();

        assertThat(VolumeTiers.apply(flat, new BigDecimal("1E12")).charge()).isEqualTo(flat);
    }

    @Test
    void tiers_start_at_rising_volumes_and_a_meter_tier_is_billed_as_its_first_price() {
        assertThatThrownBy(() -> new PriceCatalog.Builder().tokens("m", "p", TokenPrice.of("2", null, "4"))
                .tokenTier("m", "p", new BigDecimal("2000"), TokenPrice.of("1", null, "2"))
                .tokenTier("m", "p", new BigDecimal("1000"), TokenPrice.of("1", null, "2")).build(1, Instant.EPOCH, "USD"))
                .hasMessageContaining("rising");
        assertThatThrownBy(() -> new PriceCatalog.Builder().meter("gpu", "p", MeterPrice.perSecond("0.001"))
                .meterTier("gpu", "p", new BigDecimal("60"), MeterPrice.hourly("2")).build(1, Instant.EPOCH, "USD"))
                .hasMessageContaining("billed");
        assertThatThrownBy(() -> new VolumeTier<>(new BigDecimal("0.5"), TokenPrice.of("1", null, "1"))).hasMessageContaining("whole");
    }

    @Test
    void the_published_catalog_keeps_its_tiers_through_json_and_back() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules();
        CatalogPublished published = CatalogPublished.of("default", CATALOG, Instant.EPOCH);
        CatalogPublished read = json.readValue(json.writeValueAsBytes(published), CatalogPublished.class);

        assertThat(read.catalog().tokenTiers(new PriceKey("m", "p"))).hasSize(2);
        assertThat(read.catalog().meterTiers(new PriceKey("gpu", "p"))).singleElement()
                .satisfies(t -> assertThat(t.from()).isEqualByComparingTo("3600"));
        assertThat(List.of(read.tokens().get(0).tiers().get(1).input())).containsExactly(new BigDecimal("0.5"));
    }
}
