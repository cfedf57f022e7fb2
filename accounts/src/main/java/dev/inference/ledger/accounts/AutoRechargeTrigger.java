package dev.inference.ledger.accounts;

import java.time.Instant;
import java.util.Optional;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.AutoRechargeLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeRequested;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;

/**
 * The auto-recharge trigger: a prepaid balance below the threshold, or at or below zero, asks the payment provider for
 * the configured amount; one recharge at a time, none while auto-recharge rests after a recharge that failed for good,
 * and none past the policy's daily limit, which is told once that day instead.
 */
final class AutoRechargeTrigger {

    private AutoRechargeTrigger() {
    }

    /** Whether {@code balance} calls for a recharge. */
    static boolean calledFor(Money balance, Money threshold) {
        return LowBalance.below(balance, threshold) || !balance.isPositive();
    }

    /** The recharge asked, or the daily limit told, if the account's balance calls for one. */
    static Optional<AccountEvent> decide(AccountState state, RechargePolicy policy, Instant now) {
        Funding funding = state.funding();
        Money balance = state.balance();
        if (state.billingMode() != BillingMode.PREPAID || !funding.autoRecharge() || funding.resting() || funding.rechargeInFlight()
                || !calledFor(balance, funding.threshold())) {
            return Optional.empty();
        }
        if (policy.allowsAnother(funding, funding.amount(), now)) {
            return Optional.of(new RechargeRequested(state.accountId(), funding.nextRechargeId(state.accountId()), funding.amount(), balance, now));
        }
        String day = Funding.dayOf(now);
        return funding.limitToldOn(day) ? Optional.empty() : Optional.of(new AutoRechargeLimitReached(state.accountId(), day,
                funding.rechargesOn(day), new Money(funding.amountOn(day), state.currency()), balance, now));
    }
}
