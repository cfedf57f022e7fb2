package dev.inference.ledger.kernel.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.Rejection;
import dev.inference.ledger.kernel.usage.UsageKind;
import dev.inference.ledger.kernel.usage.UsageRecord;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.kernel.usage.UsageRecord.TokenCounts;

class RatingTest {

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
        assertThat(Rating.rate(record, catalog)).isEqualTo(Rating.rate(record, catalog));
    }

    private Charge priced(UsageRecord record) {
        return ((Rated.Priced) Rating.rate(record, catalog)).charge();
    }

    static UsageRecord tokens(String model, String provider, long input, long cached, long output) {
        return new UsageRecord("e-1", UsageKind.TOKENS, "acct-1", Instant.parse("2026-11-22T10:00:00Z"), null,
                Attribution.NONE, model, provider, new TokenCounts(input, cached, output), null, null, null, null, null, null);
    }
}
