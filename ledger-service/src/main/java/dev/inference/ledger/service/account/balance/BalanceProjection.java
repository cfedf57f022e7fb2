package dev.inference.ledger.service.account.balance;

import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.account.AccountEvent.CommitmentEnded;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceCreditCarried;
import dev.inference.ledger.kernel.account.BalanceMovement;
import dev.inference.ledger.kernel.account.AccountEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;
import dev.inference.ledger.kernel.account.AccountEvent.AccountReinstated;
import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.TierPromoted;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledClosed;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.processing.AccountViews;
import dev.inference.ledger.processing.ProcessingBatch;

/**
 * Balances for reading. Events carry the account's figures after them, so a row is simply the state
 * after the last event applied: a batch writes each account once, and a redelivered event (after a
 * crash or a token reset) changes nothing because the row remembers its last sequence.
 */
@Component
@ProcessingGroup(AccountViews.GROUP)
public class BalanceProjection {

    static final int FIRST_TIER = 1;
    public static final String ACTIVE = "active";
    public static final String SUSPENDED = "suspended";

    private final JdbcTemplate jdbc;

    public BalanceProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(AccountOpened event, @SequenceNumber long sequence) {
        jdbc.update("""
                INSERT INTO account_balances (account_id, name, billing_mode, currency, balance, unbilled, lifetime_spend,
                                              tier, status, as_of, last_sequence)
                VALUES (?, ?, ?, ?, 0, 0, 0, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                event.accountId(), event.name(), event.billingMode().wire(), event.currency(), FIRST_TIER, ACTIVE,
                Timestamp.from(event.openedAt()), sequence);
    }

    @EventHandler
    void on(UsageReversed event, @SequenceNumber long sequence) {
        record(event.accountId(), new After(sequence, event.balanceAfter(), event.unbilledAfter(), event.lifetimeSpendAfter(), null, null,
                event.reversedAt()));
    }

    /** A paid invoice's credit note, credited on the next invoice: unbilled falls by it. */
    @EventHandler
    void on(InvoiceCreditCarried event, @SequenceNumber long sequence) {
        record(event.accountId(), new After(sequence, null, event.unbilledAfter(), null, null, null, event.carriedAt()));
    }

    /** A commitment's true-up is unbilled usage, for the next invoice. */
    @EventHandler
    void on(CommitmentEnded event, @SequenceNumber long sequence) {
        if (event.trueUpLine() != null) {
            record(event.accountId(), new After(sequence, null, event.unbilledAfter(), null, null, null, event.endedAt()));
        }
    }

    /** Credit in or out: a top-up, a recharge, a grant counting, expiring or voided (every other event: nothing). */
    @EventHandler
    void on(AccountEvent event, @SequenceNumber long sequence) {
        BalanceMovement.of(event).ifPresent(moved -> record(event.accountId(),
                new After(sequence, moved.balanceAfter(), null, null, null, null, moved.at())));
    }

    @EventHandler
    void on(TierPromoted event, @SequenceNumber long sequence) {
        record(event.accountId(), new After(sequence, null, null, null, event.toTier(), null, event.promotedAt()));
    }

    @EventHandler
    void on(AccountSuspended event, @SequenceNumber long sequence) {
        record(event.accountId(), new After(sequence, null, null, null, null, SUSPENDED, event.suspendedAt()));
    }

    @EventHandler
    void on(AccountReinstated event, @SequenceNumber long sequence) {
        record(event.accountId(), new After(sequence, null, null, null, null, ACTIVE, event.reinstatedAt()));
    }

    @EventHandler
    void on(UnbilledClosed event, @SequenceNumber long sequence) {
        record(event.accountId(), new After(sequence, null, new Money(event.unbilledAfter(), event.currency()), null, null, null,
                event.closedAt()));
    }

    @EventHandler
    void on(UsageBatchCharged event, @SequenceNumber long sequence) {
        record(event.accountId(), new After(sequence, event.balanceAfterMoney(), event.unbilledAfterMoney(),
                event.lifetimeSpendAfterMoney(), null, null, event.chargedAt(), event.records().size()));
    }

    /**
     * An account's figures after one event; null where the event does not say. {@code usageRecords}: how
     * many records the events merged so far charged (added to the row's count; the sequence guard keeps a
     * redelivered batch from adding them twice).
     */
    private record After(long sequence, Money balance, Money unbilled, Money lifetimeSpend, Integer tier, String status,
                         Instant at, long usageRecords) {

        After(long sequence, Money balance, Money unbilled, Money lifetimeSpend, Integer tier, String status, Instant at) {
            this(sequence, balance, unbilled, lifetimeSpend, tier, status, at, 0);
        }

        /** The figures after {@code later}, keeping what it does not say from this one. */
        After then(After later) {
            return new After(later.sequence, or(later.balance, balance), or(later.unbilled, unbilled),
                    or(later.lifetimeSpend, lifetimeSpend), or(later.tier, tier), or(later.status, status), later.at,
                    usageRecords + later.usageRecords);
        }

        private static <T> T or(T later, T earlier) {
            return later != null ? later : earlier;
        }
    }

    private void record(String accountId, After after) {
        ProcessingBatch.<Map<String, After>>pending("balances", HashMap::new, this::write)
                .merge(accountId, after, After::then);
    }

    private void write(Map<String, After> accounts) {
        List<Object[]> rows = accounts.entrySet().stream().map(e -> {
            After a = e.getValue();
            return new Object[] {amount(a.balance), amount(a.unbilled), amount(a.lifetimeSpend), a.tier, a.status,
                    a.usageRecords, Timestamp.from(a.at), a.sequence, e.getKey(), a.sequence};
        }).toList();
        jdbc.batchUpdate("""
                UPDATE account_balances
                   SET balance = COALESCE(?, balance), unbilled = COALESCE(?, unbilled),
                       lifetime_spend = COALESCE(?, lifetime_spend), tier = COALESCE(?, tier), status = COALESCE(?, status),
                       usage_records = usage_records + ?, as_of = ?, last_sequence = ?
                 WHERE account_id = ? AND last_sequence < ?""", rows);
    }

    /** A replay of the account views starts from nothing. */
    @ResetHandler
    void reset() {
        jdbc.update("TRUNCATE account_balances");
    }

    private static Object amount(Money money) {
        return money == null ? null : money.amount();
    }

    public Optional<AccountBalance> find(String accountId) {
        List<AccountBalance> rows = jdbc.query("SELECT * FROM account_balances WHERE account_id = ?", BalanceProjection::row, accountId);
        return rows.stream().findFirst();
    }

    /** Accounts whose id is {@code text} or whose id or name starts with it (any case), by name; at most {@code limit}. */
    public List<AccountBalance> search(String text, int limit) {
        String prefix = text.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return jdbc.query("""
                SELECT * FROM account_balances
                 WHERE account_id = ? OR lower(account_id) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\'
                 ORDER BY account_id <> ?, lower(name), account_id LIMIT ?""", BalanceProjection::row, text, prefix, prefix, text, limit);
    }

    private static AccountBalance row(ResultSet rs, int n) throws SQLException {
        String currency = rs.getString("currency");
        return new AccountBalance(rs.getString("account_id"), rs.getString("name"),
                BillingMode.fromWire(rs.getString("billing_mode")), currency,
                new Money(rs.getBigDecimal("balance"), currency), new Money(rs.getBigDecimal("unbilled"), currency),
                new Money(rs.getBigDecimal("lifetime_spend"), currency), rs.getInt("tier"), rs.getString("status"),
                rs.getLong("usage_records"), rs.getTimestamp("as_of").toInstant());
    }
}
