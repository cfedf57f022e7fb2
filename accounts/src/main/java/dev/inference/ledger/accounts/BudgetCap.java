package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetAlertRaised;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetBlocked;
import dev.inference.ledger.kernel.money.Money;

/**
 * A budget's hard cap and soft alerts: a scope (account, project, member, API key) whose spend this month reaches
 * its hard cap is blocked until the month turns or the cap is raised; each soft alert (a fraction of the cap) is
 * raised once a month when the spend reaches it.
 */
final class BudgetCap {

    private BudgetCap() {
    }

    /** Whether {@code spent} has reached {@code limit}: the hard cap, or an alert's share of it. */
    static boolean reached(Money spent, Money limit) {
        return !spent.isLessThan(limit);
    }

    /** The spend at which a soft alert of {@code fraction} of the hard cap is raised, rounded up to the ledger's scale. */
    static Money alertAt(Money hardCap, BigDecimal fraction) {
        return new Money(hardCap.amount().multiply(fraction).setScale(Money.SCALE, RoundingMode.CEILING), hardCap.currency());
    }

    /** The alerts and blocks the account's budgets call for. */
    static List<AccountEvent> decide(AccountState state, Instant now) {
        List<AccountEvent> events = new ArrayList<>(0);
        for (Budget budget : state.budgets().values()) {
            for (BigDecimal threshold : budget.alertsDue()) {
                events.add(new BudgetAlertRaised(state.accountId(), budget.scope(), budget.scopeId(), budget.period(), threshold,
                        budget.spent(), budget.hardCap(), now));
            }
            if (!budget.blocked() && budget.capReached()) {
                events.add(new BudgetBlocked(state.accountId(), budget.scope(), budget.scopeId(), budget.period(), budget.spent(),
                        budget.hardCap(), now));
            }
        }
        return events;
    }
}
