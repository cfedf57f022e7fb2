package dev.inference.ledger.accounts;

import java.time.Instant;
import java.util.Optional;

import dev.inference.ledger.kernel.account.AccountEvent.TierPromoted;
import dev.inference.ledger.kernel.money.Money;

/**
 * Tier promotion: an account moves up the usage tiers when its paid spend (usage paid for, never usage owed)
 * reaches a higher tier's minimum; a tier raises the postpaid billing limit. Never down.
 */
final class TierPromotion {

    private TierPromotion() {
    }

    /** Whether {@code paidSpend} has reached {@code tier}. */
    static boolean reaches(Money paidSpend, UsageTiers.Tier tier) {
        return !paidSpend.isLessThan(tier.minPaidSpend());
    }

    /** The promotion the account's paid spend calls for, if any. */
    static Optional<TierPromoted> decide(AccountState state, UsageTiers tiers, Instant now) {
        UsageTiers.Tier reached = tiers.forPaidSpend(state.paidSpend());
        return reached.level() > state.tier()
                ? Optional.of(new TierPromoted(state.accountId(), state.tier(), reached.level(), reached.billingLimit(), state.paidSpend(), now))
                : Optional.empty();
    }
}
