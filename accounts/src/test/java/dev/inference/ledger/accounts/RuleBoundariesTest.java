package dev.inference.ledger.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.money.Money;

/**
 * Each rule of what charged usage triggers, at its boundary: the single charge and the batch (which places each
 * consequence after the record where it first held) both ask these functions. The account tests show them in use.
 */
class RuleBoundariesTest {

    private static Money usd(String amount) {
        return Money.of(amount, "USD");
    }

    @Test
    void tier_promotion_comes_at_the_tiers_minimum_paid_spend_not_a_cent_before() {
        UsageTiers.Tier second = new UsageTiers.Tier(2, usd("100"), usd("1000"));

        assertThat(TierPromotion.reaches(usd("99.999999999999"), second)).isFalse();
        assertThat(TierPromotion.reaches(usd("100"), second)).isTrue();
        assertThat(new UsageTiers(List.of(new UsageTiers.Tier(1, usd("0"), usd("100")), second)).forPaidSpend(usd("100")).level())
                .as("the tier table asks the same rule").isEqualTo(2);
    }

    @Test
    void the_threshold_invoice_is_due_when_unbilled_usage_reaches_the_billing_limit() {
        assertThat(ThresholdInvoice.reached(usd("49.99"), usd("50"))).isFalse();
        assertThat(ThresholdInvoice.reached(usd("50"), usd("50"))).isTrue();
    }

    @Test
    void a_budget_blocks_at_its_hard_cap_and_an_alert_at_its_share_rounded_up() {
        assertThat(BudgetCap.reached(usd("9.99"), usd("10"))).isFalse();
        assertThat(BudgetCap.reached(usd("10"), usd("10"))).isTrue();
        assertThat(BudgetCap.alertAt(usd("0.000000000001"), new BigDecimal("0.5"))).isEqualTo(usd("0.000000000001"));
        assertThat(BudgetCap.alertAt(usd("10"), new BigDecimal("0.8"))).isEqualTo(usd("8"));
    }

    @Test
    void a_balance_is_low_strictly_below_the_threshold_and_never_without_one() {
        assertThat(LowBalance.below(usd("20"), usd("20"))).isFalse();
        assertThat(LowBalance.below(usd("19.99"), usd("20"))).isTrue();
        assertThat(LowBalance.below(usd("-5"), null)).isFalse();
    }

    @Test
    void a_recharge_is_called_for_below_the_threshold_or_at_zero_even_without_a_threshold() {
        assertThat(AutoRechargeTrigger.calledFor(usd("20"), usd("20"))).isFalse();
        assertThat(AutoRechargeTrigger.calledFor(usd("19.99"), usd("20"))).isTrue();
        assertThat(AutoRechargeTrigger.calledFor(usd("0"), null)).isTrue();
        assertThat(AutoRechargeTrigger.calledFor(usd("0.01"), null)).isFalse();
    }

    @Test
    void a_balance_is_exhausted_at_zero_and_below() {
        assertThat(Suspension.exhausted(usd("0.000000000001"))).isFalse();
        assertThat(Suspension.exhausted(usd("0"))).isTrue();
        assertThat(Suspension.exhausted(usd("-1"))).isTrue();
    }
}
