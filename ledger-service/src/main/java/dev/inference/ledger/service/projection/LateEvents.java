package dev.inference.ledger.service.projection;

import java.util.Collection;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The table of events a processor's position passed over before they were committed ({@code projection_gaps}).
 * A row is written in the transaction that moves the position on, so the position never passes an event
 * without the row that brings it back.
 */
@Component
public class LateEvents {

    /** An event a processor's segment still owes, found again in the event store by aggregate and sequence. */
    public record Late(String processor, int segment, long globalIndex, String aggregateId, long sequence) {
    }

    private final JdbcTemplate jdbc;

    public LateEvents(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the indices given up on, with the newest transaction id that could still commit them. */
    void record(String processor, int segment, Collection<Long> indices) {
        jdbc.update("""
                INSERT INTO projection_gaps (processor, segment, global_index, open_before)
                SELECT ?, ?, i, pg_snapshot_xmax(pg_current_snapshot())::text::bigint FROM unnest(?::bigint[]) AS i
                ON CONFLICT DO NOTHING""", processor, segment, indices.toArray(Long[]::new));
    }

    /** The recorded events that have since been committed and not failed: ready to be applied. */
    List<Late> committed() {
        return jdbc.query("""
                SELECT g.processor, g.segment, g.global_index, e.aggregateidentifier, e.sequencenumber
                FROM projection_gaps g JOIN domainevententry e ON e.globalindex = g.global_index
                WHERE g.failure IS NULL ORDER BY g.global_index""",
                (rs, n) -> new Late(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getString(4), rs.getLong(5)));
    }

    /**
     * Forgets the indices whose transactions all ended without committing them (rolled back: a sequence
     * number is never given back). Returns how many, by processor.
     */
    List<String> forgetRolledBack() {
        return jdbc.queryForList("""
                DELETE FROM projection_gaps g
                WHERE g.open_before <= pg_snapshot_xmin(pg_current_snapshot())::text::bigint
                  AND NOT EXISTS (SELECT 1 FROM domainevententry e WHERE e.globalindex = g.global_index)
                RETURNING g.processor""", String.class);
    }

    /** Takes the row in the caller's transaction; false when another transaction already applied it. */
    boolean take(Late late) {
        return jdbc.update("DELETE FROM projection_gaps WHERE processor = ? AND segment = ? AND global_index = ?",
                late.processor(), late.segment(), late.globalIndex()) == 1;
    }

    void fail(Late late, String failure) {
        jdbc.update("UPDATE projection_gaps SET failure = ? WHERE processor = ? AND segment = ? AND global_index = ?",
                failure, late.processor(), late.segment(), late.globalIndex());
    }

    /** Rows still open: waiting for their transaction, for their processor, or failed. */
    public long waiting() {
        return count("failure IS NULL");
    }

    public long failed() {
        return count("failure IS NOT NULL");
    }

    /** Committed events waiting longer than {@code seconds} to be applied (their processor runs nowhere, or is stuck). */
    public long overdue(long seconds) {
        return count("failure IS NULL AND noticed_at < now() - make_interval(secs => ?)"
                + " AND EXISTS (SELECT 1 FROM domainevententry e WHERE e.globalindex = global_index)", seconds);
    }

    private long count(String where, Object... args) {
        Long n = jdbc.queryForObject("SELECT count(*) FROM projection_gaps WHERE " + where, Long.class, args);
        return n == null ? 0 : n;
    }

    /**
     * The indices from {@code first} to {@code last} that have no event committed now. Asked at every
     * position a processor stores, so the common answer, none, costs one range count of the primary key
     * rather than a look-up per index.
     */
    List<Long> missing(long first, long last) {
        if (first > last) {
            return List.of();
        }
        Long present = jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE globalindex BETWEEN ? AND ?",
                Long.class, first, last);
        if (present != null && present == last - first + 1) {
            return List.of();
        }
        return jdbc.queryForList("""
                SELECT i FROM generate_series(?::bigint, ?::bigint) AS i
                WHERE NOT EXISTS (SELECT 1 FROM domainevententry e WHERE e.globalindex = i)""", Long.class, first, last);
    }

    /** An event of the store: where it is, and its id. */
    record Stored(long globalIndex, String eventId, String aggregateId, long sequence) {
    }

    /** Which of the indices have their event committed now. */
    List<Stored> stored(Collection<Long> indices) {
        return jdbc.query("""
                SELECT globalindex, eventidentifier, aggregateidentifier, sequencenumber FROM domainevententry
                WHERE globalindex = ANY(?::bigint[])""",
                (rs, n) -> new Stored(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)),
                (Object) indices.toArray(Long[]::new));
    }
}
