package dev.inference.ledger.kernel.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.Rejection;
import dev.inference.ledger.kernel.usage.UsageKind;
import dev.inference.ledger.kernel.usage.UsageRecord;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.kernel.usage.UsageRecord.TokenCounts;

class RatingTest {

    /** Rating reads no clock; any recent time will do. */
    private static final Instant OCCURRED = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(3));

    private final PriceCatalog catalog = DefaultCatalog.version1();

    @Test
    void tokens_are_charged_per_million_exactly_with_each_line_and_the_price_used() {
        Charge charge = priced(tokens("deepseek-ai/DeepSeek-V3", null, 2000, 0, 500));

        // 2000 × 0.49 / 1M + 500 × 0.89 / 1M
        assertThat(charge.cost()).isEqualTo(Money.of("0.001425", "USD"));
        assertThat(charge.provider()).isEqualTo("deepinfra");
        assertThat(charge.catalogVersion()).isEqualTo(1);
        assertThat(charge.lines()).extracting(ChargeLine::component).containsExactly("input", "output");
        assertThat(charge.lines().get(0).unitPrice()).isEqualByComparingTo("0.49");
        assertThat(charge.lines().get(0).amount()).isEqualTo(Money.of("0.00098", "USD"));
    }

    @Test
    void cached_input_without_its_own_price_is_charged_at_the_input_price() {
        Charge charge = priced(tokens("meta-llama/Llama-3.3-70B-Instruct", "deepinfra", 0, 1_000_000, 0));

        assertThat(charge.cost()).isEqualTo(Money.of("0.23", "USD"));
        assertThat(charge.lines()).singleElement().extracting(ChargeLine::component).isEqualTo("cached-input");
    }

    @Test
    void a_single_token_keeps_its_exact_fraction_of_a_cent() {
        Charge charge = priced(tokens("deepseek-ai/DeepSeek-R1", null, 1, 0, 1));

        assertThat(charge.cost().amount()).isEqualByComparingTo(new BigDecimal("0.00000315"));
        assertThat(charge.cost().amount().scale()).isEqualTo(Money.SCALE);
    }

    @Test
    void an_unknown_model_or_provider_has_no_price_and_never_a_zero_charge() {
        assertThat(Rating.rate(tokens("acme/unknown", null, 10, 0, 10), catalog))
                .isInstanceOfSatisfying(Rated.Unpriced.class, u -> assertThat(u.rejection().reason()).isEqualTo(Rejection.UNKNOWN_PRICE));
        assertThat(Rating.rate(tokens("deepseek-ai/DeepSeek-V3", "elsewhere", 10, 0, 10), catalog))
                .isInstanceOf(Rated.Unpriced.class);
    }

    @Test
    void rating_is_a_pure_function_of_record_and_catalog() {
        UsageRecord record = tokens("deepseek-ai/DeepSeek-R1-Distill-Llama-70B", null, 1234, 56, 789);

        // (1234 + 56 cached at the input price) × 0.23 / 1M + 789 × 0.69 / 1M = 841.11 / 1M
        assertThat(priced(record).cost()).isEqualTo(Money.of("0.00084111", "USD"));
        assertThat(Rating.rate(record, catalog)).isEqualTo(Rating.rate(record, catalog));
    }

    @Test
    void nine_minutes_streaming_and_one_idle_minute_on_a_micro_llm_meter_bill_ten_minutes() {
        // Seed 001: a 1-minute inactivity shutdown after 9 minutes of streaming bills 600 s.
        Money streaming = priced(compute("llm.micro", "540", 1, "running")).cost();
        Money idle = priced(compute("llm.micro", "60", 1, "idle")).cost();

        assertThat(streaming.plus(idle)).isEqualTo(Money.of("0.05232498", "USD"));
    }

    @Test
    void an_hourly_instance_bills_started_minutes_times_replicas() {
        // Seed 004: rate × (hours × min replicas + scale-up hours × extra replicas).
        Money hour = priced(compute("aws.gpu.small", "3600", 1, "running")).cost();
        Money scaleUp = priced(compute("aws.gpu.small", "900", 2, "running")).cost();
        assertThat(hour.plus(scaleUp)).isEqualTo(Money.of("0.90", "USD"));

        Money month = priced(compute("aws.gpu.small", String.valueOf(730 * 3600), 1, "running")).cost();
        Money scaleUps = priced(compute("aws.gpu.small", String.valueOf(182.5 * 3600), 2, "running")).cost();
        assertThat(month.plus(scaleUps)).isEqualTo(Money.of("657.00", "USD"));
    }

    @Test
    void a_started_minute_is_a_whole_minute() {
        assertThat(priced(compute("aws.gpu.small", "61", 1, "initializing")).cost()).isEqualTo(Money.of("0.02", "USD"));
    }

    @Test
    void an_hourly_rate_that_does_not_divide_into_minutes_is_kept_to_the_ledgers_twelve_places() {
        // 1.30 / 60 per minute is 0.0216666…: the one amount rounded, half-even, below 5e-13.
        Charge minute = priced(compute("aws.gpu.medium", "60", 1, "running"));
        assertThat(minute.cost()).isEqualTo(Money.of("0.021666666667", "USD"));
        assertThat(minute.lines().get(0).unitPrice()).isEqualByComparingTo("1.30");
        assertThat(priced(compute("aws.gpu.medium", "3600", 1, "running")).cost()).isEqualTo(Money.of("1.30", "USD"));
    }

    @Test
    void stopped_paused_and_scaled_to_zero_time_costs_nothing() {
        for (String state : List.of("stopped", "paused", "scaled-to-zero")) {
            assertThat(priced(compute("llm.super", "3600", 4, state)).cost()).as(state).isEqualTo(Money.zero("USD"));
        }
    }

    @Test
    void units_are_quantity_times_the_models_price_per_unit() {
        Charge images = priced(units("black-forest-labs/FLUX-1-schnell", "image", "4"));
        assertThat(images.cost()).isEqualTo(Money.of("0.002", "USD"));
        assertThat(images.lines()).singleElement().satisfies(l -> assertThat(l.priceUnit()).isEqualTo("image"));
    }

    @Test
    void a_unit_the_model_is_not_priced_in_has_no_price() {
        assertThat(Rating.rate(units("black-forest-labs/FLUX-1-schnell", "video-second", "4"), catalog))
                .isInstanceOfSatisfying(Rated.Unpriced.class, u -> assertThat(u.rejection().reason()).isEqualTo(Rejection.UNKNOWN_PRICE));
    }

    @Test
    void a_charge_beyond_a_quadrillion_is_refused_not_stored() {
        assertThat(Rating.rate(units("black-forest-labs/FLUX-1-schnell", "image", "1000000000000000000000"), catalog))
                .isInstanceOfSatisfying(Rated.Unpriced.class, u -> assertThat(u.rejection().reason()).isEqualTo(Rejection.INVALID_FIELD));
    }

    @Test
    void a_quantity_with_a_huge_exponent_is_refused_at_once_not_expanded() {
        assertThat(Rating.rate(compute("llm.micro", "1E-1000000000", 1, "running"), catalog))
                .isInstanceOfSatisfying(Rated.Unpriced.class, u -> assertThat(u.rejection().reason()).isEqualTo(Rejection.INVALID_FIELD));
        assertThat(Rating.rate(units("black-forest-labs/FLUX-1-schnell", "image", "1E+1000000000"), catalog))
                .isInstanceOfSatisfying(Rated.Unpriced.class, u -> assertThat(u.rejection().reason()).isEqualTo(Rejection.INVALID_FIELD));
    }

    @Test
    void a_millisecond_on_a_meter_priced_to_ten_places_is_charged_rounded_half_even_at_twelve_places() {
        // 12.345 s × 0.0000872083 = 0.0010765864635: the 13th place is 5 with nothing after it, and 4 is even.
        Charge charge = priced(compute("llm.micro", "12.345", 1, "running"));
        assertThat(charge.cost()).isEqualTo(Money.of("0.001076586464", "USD"));
        assertThat(charge.lines().get(0).quantity()).isEqualByComparingTo("12.345");
        assertThat(charge.lines().get(0).unitPrice()).isEqualByComparingTo("0.0000872083");
    }

    @Test
    void millisecond_durations_on_every_default_meter_are_chargeable_and_the_sum_of_charges_is_the_sum_of_their_lines() {
        java.util.Random random = new java.util.Random(23);
        for (String meter : catalog.meterPrices().keySet().stream().map(PriceKey::item).sorted().toList()) {
            BigDecimal charged = BigDecimal.ZERO;
            BigDecimal exact = BigDecimal.ZERO;
            int records = 2_000;
            for (int i = 0; i < records; i++) {
                String seconds = BigDecimal.valueOf(random.nextInt(10_000_000), 3).toPlainString();
                int replicas = 1 + random.nextInt(8);
                Rated rated = Rating.rate(compute(meter, seconds, replicas, "running"), catalog);
                assertThat(rated).as(meter + " " + seconds).isInstanceOf(Rated.Priced.class);
                Charge charge = ((Rated.Priced) rated).charge();
                ChargeLine line = charge.lines().get(0);
                assertThat(charge.cost().amount()).isEqualByComparingTo(line.amount().amount());
                charged = charged.add(charge.cost().amount());
                BigDecimal perLine = line.priceUnit().equals(Rating.PER_SECOND) ? BigDecimal.ONE : BigDecimal.valueOf(60);
                exact = exact.add(line.quantity().multiply(line.unitPrice()).divide(perLine, 40, java.math.RoundingMode.HALF_EVEN));
            }
            // Each line is within half a unit of the 12th place of its exact amount, so the stream is within records × 5e-13.
            assertThat(charged.subtract(exact).abs()).as(meter).isLessThanOrEqualTo(new BigDecimal("5E-13").multiply(BigDecimal.valueOf(records)));
            assertThat(charged.scale()).isEqualTo(Money.SCALE);
        }
    }

    @Test
    void cached_input_with_its_own_price_is_charged_at_it() {
        Charge charge = priced(tokens("deepseek-ai/DeepSeek-V3.2", null, 1_000_000, 1_000_000, 1_000_000));
        assertThat(charge.cost()).isEqualTo(Money.of("0.77", "USD"));
    }

    private Charge priced(UsageRecord record) {
        return ((Rated.Priced) Rating.rate(record, catalog)).charge();
    }

    static UsageRecord compute(String meter, String seconds, int replicas, String state) {
        return new UsageRecord("e-1", UsageKind.COMPUTE, "acct-1", OCCURRED, null,
                Attribution.NONE, null, null, null, meter, new BigDecimal(seconds), replicas, state, null, null, null);
    }

    static UsageRecord units(String model, String unit, String quantity) {
        return new UsageRecord("e-1", UsageKind.UNITS, "acct-1", OCCURRED, null,
                Attribution.NONE, model, null, null, null, null, null, null, unit, new BigDecimal(quantity), null);
    }

    static UsageRecord tokens(String model, String provider, long input, long cached, long output) {
        return new UsageRecord("e-1", UsageKind.TOKENS, "acct-1", OCCURRED, null,
                Attribution.NONE, model, provider, new TokenCounts(input, cached, output), null, null, null, null, null, null, null);
    }
}
