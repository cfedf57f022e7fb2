package dev.inference.ledger.service.account.authorize;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;
import dev.inference.ledger.kernel.account.AccountEvent.PaymentMethodAttached;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.account.AccountEvent.AccountReinstated;
import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.BalanceExhausted;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetBlocked;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetUnblocked;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeSucceeded;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.service.projection.AccountViews;

/**
 * The authorize view's state, kept in PostgreSQL beside the other account views, for instances to
 * start from ({@link GuardSnapshots}). Every write sets a value outright, so applying an event again
 * (a redelivery, or a starting instance reading from the slowest segment's position) changes nothing.
 */
@Component
@ProcessingGroup(AccountViews.GROUP)
public class GuardProjection {

    private final JdbcTemplate jdbc;

    public GuardProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(AccountOpened event) {
        jdbc.update("INSERT INTO authorize_guards (account_id, no_payment_method) VALUES (?, ?) ON CONFLICT DO NOTHING", event.accountId(),
                event.billingMode() == BillingMode.POSTPAID);
    }

    @EventHandler
    void on(PaymentMethodAttached event) {
        set(event.accountId(), "no_payment_method", false);
    }

    @EventHandler
    void on(AccountSuspended event) {
        set(event.accountId(), "suspended", true);
    }

    @EventHandler
    void on(AccountReinstated event) {
        set(event.accountId(), "suspended", false);
    }

    @EventHandler
    void on(BalanceExhausted event) {
        set(event.accountId(), "exhausted", true);
    }

    @EventHandler
    void on(TopUpCredited event) {
        credited(event.accountId(), event.balanceAfter());
    }

    @EventHandler
    void on(RechargeSucceeded event) {
        credited(event.accountId(), event.balanceAfter());
    }

    @EventHandler
    void on(BudgetBlocked event) {
        jdbc.update("""
                INSERT INTO authorize_blocks (account_id, scope, period) VALUES (?, ?, ?)
                ON CONFLICT (account_id, scope) DO UPDATE SET period = excluded.period""",
                event.accountId(), Guarded.scope(event.scope(), event.scopeId()), event.period());
    }

    @EventHandler
    void on(BudgetUnblocked event) {
        jdbc.update("DELETE FROM authorize_blocks WHERE account_id = ? AND scope = ?", event.accountId(),
                Guarded.scope(event.scope(), event.scopeId()));
    }

    private void credited(String accountId, Money balanceAfter) {
        set(accountId, "exhausted", !balanceAfter.isPositive());
    }

    private void set(String accountId, String flag, boolean value) {
        // flag is one of this class's column names, never input
        jdbc.update("INSERT INTO authorize_guards (account_id, " + flag + ") VALUES (?, ?) "
                + "ON CONFLICT (account_id) DO UPDATE SET " + flag + " = excluded." + flag, accountId, value);
    }
}
