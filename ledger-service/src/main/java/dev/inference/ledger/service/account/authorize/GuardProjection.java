package dev.inference.ledger.service.account.authorize;

import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.account.BalanceMovement;
import dev.inference.ledger.kernel.account.AccountEvent;
import org.axonframework.config.ProcessingGroup;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
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
import dev.inference.ledger.kernel.hold.HoldEvent;
import dev.inference.ledger.accounts.Budget;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.processing.AccountViews;

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
    void on(UsageReversed event) {
        if (event.billingMode() == dev.inference.ledger.kernel.account.BillingMode.PREPAID) {
            credited(event.accountId(), event.balanceAfter());
        }
    }

    /** Credit in or out: a top-up, a recharge, a grant counting, expiring or voided (every other event: nothing). */
    @EventHandler
    void on(AccountEvent event) {
        BalanceMovement.of(event).ifPresent(moved -> credited(event.accountId(), moved.balanceAfter()));
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

    @EventHandler
    void on(HoldEvent event, @Timestamp Instant at) {
        Guarded.Holds holds = Guarded.Holds.of(event.standing(), Budget.periodOf(at));
        jdbc.update("""
                INSERT INTO authorize_guards (account_id, held, held_out, held_period, held_full_scopes) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (account_id) DO UPDATE SET held = excluded.held, held_out = excluded.held_out,
                                                       held_period = excluded.held_period, held_full_scopes = excluded.held_full_scopes""",
                event.accountId(), holds.held(), holds.out(), holds.period(), String.join(",", holds.fullScopes()));
    }

    /** A credit clears a spent balance, and frees what holds took unless they still take all of it. */
    private void credited(String accountId, Money balanceAfter) {
        set(accountId, "exhausted", !balanceAfter.isPositive());
        List<BigDecimal> held = jdbc.queryForList("SELECT held FROM authorize_guards WHERE account_id = ?", BigDecimal.class, accountId);
        if (!held.isEmpty()) {
            set(accountId, "held_out", Guarded.Holds.takeAll(held.get(0), balanceAfter));
        }
    }

    private void set(String accountId, String flag, boolean value) {
        // flag is one of this class's column names, never input
        jdbc.update("INSERT INTO authorize_guards (account_id, " + flag + ") VALUES (?, ?) "
                + "ON CONFLICT (account_id) DO UPDATE SET " + flag + " = excluded." + flag, accountId, value);
    }
}
