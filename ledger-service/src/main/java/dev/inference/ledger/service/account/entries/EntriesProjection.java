package dev.inference.ledger.service.account.entries;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.RechargeSucceeded;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.account.AccountEvent.UsageCharged;
import dev.inference.ledger.kernel.money.Currencies;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.service.projection.AccountViews;
import dev.inference.ledger.service.projection.ProcessingBatch;

/**
 * Ledger entries for billing staff and auditors, keyed by the account's event sequence; a batch of
 * events is inserted in one statement, and a redelivered one is ignored by its key.
 */
@Component
@ProcessingGroup(AccountViews.GROUP)
public class EntriesProjection {

    public static final String TOP_UP = "top-up";
    public static final String USAGE = "usage";
    public static final String RECHARGE = "recharge";

    private final JdbcTemplate jdbc;

    public EntriesProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(TopUpCredited event, @SequenceNumber long sequence) {
        insert(event.accountId(), sequence, TOP_UP, event.topUpId(), event.amount(), Money.zero(event.amount().currency()),
                event.balanceAfter(), event.creditedAt(), event.creditedAt());
    }

    @EventHandler
    void on(RechargeSucceeded event, @SequenceNumber long sequence) {
        insert(event.accountId(), sequence, RECHARGE, event.rechargeId(), event.amount(), Money.zero(event.amount().currency()),
                event.balanceAfter(), event.succeededAt(), event.succeededAt());
    }

    @EventHandler
    void on(UsageCharged event, @SequenceNumber long sequence) {
        insert(event.accountId(), sequence, USAGE, event.usageEventId(), event.balanceChange(), event.unbilledChange(),
                event.balanceAfter(), event.occurredAt(), event.chargedAt());
    }

    private void insert(String accountId, long sequence, String type, String reference, Money balanceChange,
                        Money unbilledChange, Money balanceAfter, Instant occurredAt, Instant recordedAt) {
        ProcessingBatch.<List<Object[]>>pending("entries", ArrayList::new, this::write).add(new Object[] {
                accountId, sequence, type, reference, balanceChange.amount(), unbilledChange.amount(), balanceAfter.amount(),
                Timestamp.from(occurredAt), Timestamp.from(recordedAt)});
    }

    private void write(List<Object[]> rows) {
        jdbc.batchUpdate("""
                INSERT INTO ledger_entries (account_id, sequence, entry_type, reference, balance_change, unbilled_change,
                                            balance_after, occurred_at, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""", rows);
    }

    /** Entries after the {@code after} sequence, oldest first. */
    public List<LedgerEntry> page(String accountId, long after, int limit) {
        // A usage entry's details (prices, catalog version, attribution) are those of its UsageCharged event.
        return jdbc.query("""
                SELECT e.*, CASE WHEN e.entry_type = 'usage' THEN
                           jsonb_build_object('source', p -> 'source', 'attribution', p -> 'attribution', 'charge', p -> 'charge')
                       END AS details
                  FROM ledger_entries e
                  LEFT JOIN domainevententry d ON d.aggregateidentifier = e.account_id AND d.sequencenumber = e.sequence
                  CROSS JOIN LATERAL (SELECT convert_from(d.payload, 'UTF8')::jsonb AS p) payload
                 WHERE e.account_id = ? AND e.sequence > ? ORDER BY e.sequence LIMIT ?""",
                EntriesProjection::row, accountId, after, limit);
    }

    private static LedgerEntry row(ResultSet rs, int n) throws SQLException {
        String currency = Currencies.USD;
        return new LedgerEntry(rs.getLong("sequence"), rs.getString("entry_type"), rs.getString("reference"),
                    new Money(rs.getBigDecimal("balance_change"), currency), new Money(rs.getBigDecimal("unbilled_change"), currency),
                    new Money(rs.getBigDecimal("balance_after"), currency), rs.getTimestamp("occurred_at").toInstant(),
                rs.getTimestamp("recorded_at").toInstant(), rs.getString("details"));
    }
}
