package dev.inference.ledger.service.account.entries;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.account.AccountEvent.UsageCharged;
import dev.inference.ledger.kernel.money.Currencies;
import dev.inference.ledger.kernel.pricing.Charge;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.kernel.money.Money;

/** Ledger entries for billing staff and auditors, keyed by the account's event sequence. */
@Component
@ProcessingGroup(EntriesProjection.GROUP)
public class EntriesProjection {

    public static final String GROUP = "entries";
    public static final String TOP_UP = "top-up";
    public static final String USAGE = "usage";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public EntriesProjection(JdbcTemplate jdbc, @Qualifier("defaultAxonObjectMapper") ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @EventHandler
    void on(TopUpCredited event, @SequenceNumber long sequence) {
        insert(event.accountId(), sequence, TOP_UP, event.topUpId(), event.amount(), Money.zero(event.amount().currency()),
                event.balanceAfter(), event.creditedAt(), event.creditedAt(), null);
    }

    @EventHandler
    void on(UsageCharged event, @SequenceNumber long sequence) {
        insert(event.accountId(), sequence, USAGE, event.usageEventId(), event.balanceChange(), event.unbilledChange(),
                event.balanceAfter(), event.occurredAt(), event.chargedAt(), new UsageDetails(event));
    }

    /** What an auditor needs to re-rate the entry: the prices and catalog version used, and who spent it. */
    record UsageDetails(String source, Attribution attribution, Charge charge) {
        UsageDetails(UsageCharged e) {
            this(e.source(), e.attribution(), e.charge());
        }
    }

    private void insert(String accountId, long sequence, String type, String reference, Money balanceChange,
                        Money unbilledChange, Money balanceAfter, Instant occurredAt, Instant recordedAt, Object details) {
        jdbc.update("""
                INSERT INTO ledger_entries (account_id, sequence, entry_type, reference, balance_change, unbilled_change,
                                            balance_after, occurred_at, recorded_at, details)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
                ON CONFLICT DO NOTHING""",
                accountId, sequence, type, reference, balanceChange.amount(), unbilledChange.amount(), balanceAfter.amount(),
                Timestamp.from(occurredAt), Timestamp.from(recordedAt), toJson(details));
    }

    private String toJson(Object details) {
        try {
            return details == null ? null : json.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write entry details", e);
        }
    }

    /** Entries after the {@code after} sequence, oldest first. */
    public List<LedgerEntry> page(String accountId, long after, int limit) {
        return jdbc.query("""
                SELECT * FROM ledger_entries WHERE account_id = ? AND sequence > ? ORDER BY sequence LIMIT ?""",
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
