package dev.inference.ledger.accounts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.BalanceExhausted;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;

/**
 * Suspension: a prepaid balance at or below zero is told exhausted once, and suspends the account unless a recharge is
 * on its way; money credited reinstates it.
 */
public final class Suspension {

    private Suspension() {
    }

    /** Whether {@code balance} is exhausted. */
    public static boolean exhausted(Money balance) {
        return !balance.isPositive();
    }

    static List<AccountEvent> decide(AccountState state, boolean rechargeOnItsWay, Instant now) {
        List<AccountEvent> events = new ArrayList<>(0);
        Money balance = state.balance();
        if (state.billingMode() != BillingMode.PREPAID || !exhausted(balance)) {
            return events;
        }
        if (!state.funding().exhausted()) {
            events.add(new BalanceExhausted(state.accountId(), balance, now));
        }
        if (!state.suspended() && !rechargeOnItsWay) {
            events.add(new AccountSuspended(state.accountId(), "balance-exhausted", balance, now));
        }
        return events;
    }
}
