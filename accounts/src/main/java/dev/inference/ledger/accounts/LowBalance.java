package dev.inference.ledger.accounts;

import java.time.Instant;
import java.util.Optional;

import dev.inference.ledger.kernel.account.AccountEvent.BalanceLow;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;

/** Low balance: a prepaid balance below the account's threshold is told once, until the balance recovers. */
final class LowBalance {

    private LowBalance() {
    }

    /** Whether {@code balance} is below {@code threshold}; never, without a threshold. */
    static boolean below(Money balance, Money threshold) {
        return threshold != null && balance.isLessThan(threshold);
    }

    static Optional<BalanceLow> decide(AccountState state, Instant now) {
        Funding funding = state.funding();
        return state.billingMode() == BillingMode.PREPAID && !funding.low() && below(state.balance(), funding.threshold())
                ? Optional.of(new BalanceLow(state.accountId(), state.balance(), funding.threshold(), now))
                : Optional.empty();
    }
}
