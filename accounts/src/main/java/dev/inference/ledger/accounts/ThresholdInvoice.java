package dev.inference.ledger.accounts;

import java.time.Instant;
import java.util.Optional;

import dev.inference.ledger.kernel.account.AccountEvent.BillingLimitReached;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;

/**
 * The billing limit and its threshold invoice: a postpaid account whose unbilled usage reaches its tier's billing
 * limit is invoiced now, not at the month's end; once, until closing the unbilled usage re-arms it.
 */
final class ThresholdInvoice {

    private ThresholdInvoice() {
    }

    /** Whether {@code unbilled} usage has reached {@code billingLimit}. */
    static boolean reached(Money unbilled, Money billingLimit) {
        return !unbilled.isLessThan(billingLimit);
    }

    /** The billing limit reached, if the account's unbilled usage calls for a threshold invoice now. */
    static Optional<BillingLimitReached> decide(AccountState state, UsageTiers.Tier tier, Instant now) {
        return state.billingMode() == BillingMode.POSTPAID && !state.billingLimitReached() && reached(state.unbilled(), tier.billingLimit())
                ? Optional.of(new BillingLimitReached(state.accountId(), tier.level(), tier.billingLimit(), state.unbilled(), now))
                : Optional.empty();
    }
}
