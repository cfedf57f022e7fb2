package dev.inference.ledger.service.parking;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The table of parked events. Parking and retrying one account take the same transaction-scoped lock, so
 * a retry never empties an account's park while a processor is adding a later event of it behind.
 */
@Component("parkedEventsTable")
public class ParkedEvents {

    /** One parked event: where it is stored, and why it failed (null for an event parked behind one that failed). */
    public record Parked(String processor, String accountId, long sequence, String eventId, String eventType, String cause,
                         Instant parkedAt) {
    }

    private final JdbcTemplate jdbc;

    public ParkedEvents(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The accounts with parked events of {@code processor}. */
    Set<String> accounts(String processor) {
        return new HashSet<>(jdbc.queryForList("SELECT DISTINCT aggregate_id FROM parked_events WHERE processor = ?",
                String.class, processor));
    }

    /** Locks the account's park until the transaction ends, and says whether anything of it is parked. */
    boolean lockParked(String processor, String accountId) {
        jdbc.queryForList("SELECT pg_advisory_xact_lock(hashtext(?))", processor + "/" + accountId);
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM parked_events WHERE processor = ? AND aggregate_id = ?)", Boolean.class,
                processor, accountId));
    }

    void park(String processor, String accountId, long sequence, String eventId, String eventType, String cause) {
        jdbc.update("""
                INSERT INTO parked_events (processor, aggregate_id, sequence_number, event_id, event_type, cause)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                processor, accountId, sequence, eventId, eventType, cause);
    }

    /** The processors holding events of the account. */
    List<String> processors(String accountId) {
        return jdbc.queryForList("SELECT DISTINCT processor FROM parked_events WHERE aggregate_id = ? ORDER BY processor",
                String.class, accountId);
    }

    /** The account's parked events, oldest first. */
    List<Parked> of(String processor, String accountId) {
        return jdbc.query("SELECT * FROM parked_events WHERE processor = ? AND aggregate_id = ? ORDER BY sequence_number",
                (rs, n) -> row(rs), processor, accountId);
    }

    void remove(String processor, String accountId, long upToSequence) {
        jdbc.update("DELETE FROM parked_events WHERE processor = ? AND aggregate_id = ? AND sequence_number <= ?",
                processor, accountId, upToSequence);
    }

    /** Every parked event, by account and order, at most {@code limit}. */
    public List<Parked> all(int limit) {
        return jdbc.query("SELECT * FROM parked_events ORDER BY aggregate_id, processor, sequence_number LIMIT ?",
                (rs, n) -> row(rs), limit);
    }

    public long count() {
        return jdbc.queryForObject("SELECT count(*) FROM parked_events", Long.class);
    }

    /** The accounts with parked events, at most {@code limit}. */
    public List<String> accounts(int limit) {
        return jdbc.queryForList("SELECT DISTINCT aggregate_id FROM parked_events ORDER BY aggregate_id LIMIT ?",
                String.class, limit);
    }

    private static Parked row(java.sql.ResultSet rs) throws java.sql.SQLException {
        Timestamp at = rs.getTimestamp("parked_at");
        return new Parked(rs.getString("processor"), rs.getString("aggregate_id"), rs.getLong("sequence_number"),
                rs.getString("event_id"), rs.getString("event_type"), rs.getString("cause"), at.toInstant());
    }
}
