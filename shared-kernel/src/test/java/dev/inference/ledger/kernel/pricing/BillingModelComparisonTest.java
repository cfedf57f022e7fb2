package dev.inference.ledger.kernel.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.pricing.BillingModelComparison.Comparison;
import dev.inference.ledger.kernel.pricing.BillingModelComparison.Hardware;

class BillingModelComparisonTest {

    private final PriceCatalog catalog = new PriceCatalog.Builder()
            .tokens("m", "p", new TokenPrice(new BigDecimal("1.00"), null, new BigDecimal("1.00")))
            .meter("gpu.sec", "c", new MeterPrice.PerSecond(new BigDecimal("0.001")))
            .meter("gpu.hour", "c", new MeterPrice.Hourly(new BigDecimal("2.00")))
            .build(1, Instant.EPOCH, "USD");

    /** 1,000 requests a day of 1,000 tokens for 30 days: 30M tokens, $30 at $1 per million. */
    private final CostEstimate.Workload workload = new CostEstimate.Workload(1_000, 500, 0, 500, BigDecimal.ZERO, 30);

    @Test
    void a_per_second_meter_costs_the_busy_seconds_and_is_cheaper_or_not_at_every_volume() {
        var models = CostEstimate.monthly(workload, List.of("m"), catalog).models();
        Comparison c = BillingModelComparison.compare(workload, models, List.of(new Hardware("gpu.sec", 1_000)), catalog).comparisons().get(0);

        assertThat(c.tokensPerMonth()).isEqualByComparingTo("30000000");
        assertThat(c.perTokenMonthlyCost()).isEqualByComparingTo("30");
        assertThat(c.hardwareMonthlyCost()).isEqualByComparingTo("30"); // 30,000 busy seconds × 0.001
        assertThat(c.cheaper()).isEqualTo("tokens"); // a tie is not a reason to move
        assertThat(c.breakEvenTokensPerMonth()).isNull();
    }

    @Test
    void a_dedicated_instance_costs_the_month_whatever_it_serves_and_crosses_the_per_token_line_once() {
        var models = CostEstimate.monthly(workload, List.of("m"), catalog).models();
        Comparison c = BillingModelComparison.compare(workload, models, List.of(new Hardware("gpu.hour", 1_000)), catalog).comparisons().get(0);

        assertThat(c.instances()).isOne();
        assertThat(c.hardwareMonthlyCost()).isEqualByComparingTo("1440"); // 30 × 24 h × $2
        assertThat(c.cheaper()).isEqualTo("tokens");
        // $1,440 of tokens at $1 per million: 1.44 billion tokens, within one instance's 2.592 billion a month.
        assertThat(c.breakEvenTokensPerMonth()).isEqualByComparingTo("1440000000");
    }

    @Test
    void the_largest_workload_an_estimate_takes_is_computed_without_overflow_and_a_larger_one_is_refused() {
        var largest = new CostEstimate.Workload(CostEstimate.MAX_REQUESTS_PER_DAY, 10_000_000, 0, 10_000_000, BigDecimal.ZERO, 31);
        var models = CostEstimate.monthly(largest, List.of("m"), catalog).models();
        for (String meter : List.of("gpu.sec", "gpu.hour")) {
            Comparison c = BillingModelComparison.compare(largest, models, List.of(new Hardware(meter, 1)), catalog).comparisons().get(0);
            assertThat(c.tokensPerMonth()).as(meter).isEqualByComparingTo("620000000000000000000");
            assertThat(c.hardwareMonthlyCost().signum()).as(meter).isPositive();
            assertThat(c.instances()).as(meter).isPositive();
        }
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new CostEstimate.Workload(1, Long.MAX_VALUE, 0, Long.MAX_VALUE, BigDecimal.ZERO, 30));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new CostEstimate.Workload(Long.MAX_VALUE, 1, 0, 1, BigDecimal.ZERO, 30));
    }

    @Test
    void more_work_than_an_instance_serves_takes_more_instances_and_an_unpriced_meter_is_named() {
        var heavy = new CostEstimate.Workload(100_000, 50_000, 0, 50_000, BigDecimal.ZERO, 30); // 300 billion tokens
        var models = CostEstimate.monthly(heavy, List.of("m"), catalog).models();
        var result = BillingModelComparison.compare(heavy, models, List.of(new Hardware("gpu.hour", 1_000), new Hardware("nope", 5)), catalog);

        assertThat(result.comparisons().get(0).instances()).isEqualTo(116); // 300e9 / 2.592e9 per instance, rounded up
        assertThat(result.comparisons().get(0).cheaper()).isEqualTo("hardware"); // $167,040 against $300,000
        assertThat(result.unpricedMeters()).containsExactly("nope");
    }
}
