package dev.inference.ledger.service.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.DomainEventMessage;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.audit.AuditEntry;
import dev.inference.ledger.audit.Hashes;
import dev.inference.ledger.processing.ProcessingBatch;

/**
 * Appends every ledger event to the audit log, in the order this processor reads the event store (one
 * segment, so one order), hashing the event's payload bytes as stored. Rows, tree nodes and the
 * processor's position commit in one transaction; an event already in the log (a replay) is passed over.
 */
@Component
@ProcessingGroup(AuditLogWriter.GROUP)
public class AuditLogWriter {

    public static final String GROUP = "audit-log";

    private final JdbcTemplate jdbc;

    public AuditLogWriter(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Where an event is in the store: its aggregate and sequence (indexed; the store has no index on event ids). */
    private record Key(String aggregateId, long sequence) {
    }

    /**
     * Found again by aggregate and sequence, not by tracking token: the token of an event that filled a gap
     * (committed after later ones) holds the highest index read so far, not the event's own.
     */
    @EventHandler
    void on(Object event, DomainEventMessage<?> message) {
        ProcessingBatch.<List<Key>>pending(GROUP, ArrayList::new, this::append).add(new Key(message.getAggregateIdentifier(),
                message.getSequenceNumber()));
    }

    private record Stored(long globalIndex, String eventId, String aggregateId, long sequence, String payloadType, String timestamp,
                          byte[] payload) {
    }

    private void append(List<Key> keys) {
        Map<Key, Stored> stored = new HashMap<>();
        jdbc.query("""
                SELECT d.globalindex, d.eventidentifier, d.aggregateidentifier, d.sequencenumber, d.payloadtype, d.timestamp, d.payload
                  FROM unnest(?::varchar[], ?::bigint[]) AS k (aggregate_id, sequence)
                  JOIN domainevententry d ON d.aggregateidentifier = k.aggregate_id AND d.sequencenumber = k.sequence""",
                rs -> {
                    stored.put(new Key(rs.getString(3), rs.getLong(4)), new Stored(rs.getLong(1), rs.getString(2), rs.getString(3),
                            rs.getLong(4), rs.getString(5), rs.getString(6), rs.getBytes(7)));
                }, keys.stream().map(Key::aggregateId).toArray(String[]::new), keys.stream().map(Key::sequence).toArray(Long[]::new));
        Set<String> logged = new HashSet<>(jdbc.queryForList("SELECT event_id FROM audit_log WHERE event_id = ANY (?)", String.class,
                (Object) stored.values().stream().map(Stored::eventId).toArray(String[]::new)));
        long next = 0;
        byte[] previous = Hashes.GENESIS;
        List<Map<String, Object>> head = jdbc.queryForList("SELECT log_index, row_hash FROM audit_log ORDER BY log_index DESC LIMIT 1");
        if (!head.isEmpty()) {
            next = ((Number) head.get(0).get("log_index")).longValue() + 1;
            previous = (byte[]) head.get(0).get("row_hash");
        }
        AuditNodes nodes = new AuditNodes(jdbc);
        List<Object[]> rows = new ArrayList<>(keys.size());
        List<Object[]> nodeRows = new ArrayList<>(keys.size() * 2);
        for (Key key : keys) {
            Stored s = stored.get(key);
            if (s == null || !logged.add(s.eventId())) {
                // Not an event of the store (none such is read), or in the log already.
                continue;
            }
            AuditEntry entry = new AuditEntry(next, s.globalIndex(), s.eventId(), s.aggregateId(), s.sequence(),
                    AuditEntry.typeName(s.payloadType()), s.timestamp(), Hashes.sha256(s.payload()));
            byte[] rowHash = entry.rowHash(previous);
            rows.add(new Object[] {entry.logIndex(), entry.globalIndex(), entry.eventId(), entry.aggregateId(), entry.sequence(),
                    entry.eventType(), entry.recordedAt(), entry.payloadHash(), previous, rowHash});
            nodes.append(next, entry.leafHash(), nodeRows);
            previous = rowHash;
            next++;
        }
        jdbc.batchUpdate("""
                INSERT INTO audit_log (log_index, global_index, event_id, aggregate_id, sequence, event_type, recorded_at, payload_hash,
                                       previous_hash, row_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
        jdbc.batchUpdate("INSERT INTO audit_nodes (level, idx, hash) VALUES (?, ?, ?)", nodeRows);
    }
}
