package dev.inference.ledger.kernel.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.pricing.CostEstimate.ModelCost;
import dev.inference.ledger.kernel.pricing.CostEstimate.Workload;

class CostEstimateTest {

    private final PriceCatalog catalog = DefaultCatalog.version1();

    @Test
    void eighty_thousand_requests_a_day_of_six_thousand_input_tokens_at_3_30_cost_47520_a_month() {
        // Seed 002 rounds this to "around 52,000"; its own prices give 47,520.
        var result = CostEstimate.monthly(new Workload(80_000, 6_000, 0, 0, BigDecimal.ZERO, 30),
                List.of("anthropic/claude-4-sonnet"), catalog);

        assertThat(result.models()).singleElement().satisfies(m -> assertThat(m.monthlyCost()).isEqualByComparingTo("47520"));
    }

    @Test
    void trimming_the_prompt_to_2500_tokens_costs_19800() {
        var result = CostEstimate.monthly(new Workload(80_000, 2_500, 0, 0, BigDecimal.ZERO, 30),
                List.of("anthropic/claude-4-sonnet"), catalog);

        assertThat(result.models().get(0).monthlyCost()).isEqualByComparingTo("19800");
    }

    @Test
    void models_come_cheapest_first_and_unpriced_ones_are_named() {
        var result = CostEstimate.monthly(new Workload(1_000, 1_000, 0, 100, BigDecimal.ZERO, 30),
                List.of("anthropic/claude-4-opus", "meta-llama/Meta-Llama-3.1-8B-Instruct", "acme/unknown"), catalog);

        assertThat(result.models()).extracting(ModelCost::model)
                .containsExactly("meta-llama/Meta-Llama-3.1-8B-Instruct", "anthropic/claude-4-opus");
        assertThat(result.unpriced()).containsExactly("acme/unknown");
    }

    @Test
    void cache_hits_save_the_difference_between_input_and_cached_input_prices() {
        // Claude 3.7 Sonnet: input 3.30, cached 0.33 per 1M; half of 10,000 input tokens hit the cache.
        var cost = CostEstimate.monthly(new Workload(1_000, 10_000, 0, 0, new BigDecimal("0.5"), 30),
                List.of("anthropic/claude-3-7-sonnet"), catalog).models().get(0);

        assertThat(cost.monthlyCost()).isEqualByComparingTo("990");
        assertThat(cost.monthlyCostWithCacheHits()).isEqualByComparingTo("544.5");
        assertThat(cost.saving()).isEqualByComparingTo("445.5");
    }
}
