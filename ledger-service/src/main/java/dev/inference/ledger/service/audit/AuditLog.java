package dev.inference.ledger.service.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.springframework.stereotype.Component;

import dev.inference.ledger.audit.AuditEntry;
import dev.inference.ledger.audit.Hashes;
import dev.inference.ledger.kernel.audit.MerkleTree;

/** The audit log as auditors read it: its rows with their links, its signed checkpoints, and proofs. */
@Component
public class AuditLog {

    public record Row(long logIndex, long globalIndex, String eventId, String aggregateId, long sequence, String eventType,
                      String recordedAt, String payloadHash, String previousHash, String rowHash, String leafHash) {
    }

    public record SignedCheckpoint(long treeSize, String root, String note, String createdAt) {
    }

    /** Hashes in base64, as the checkpoints carry them. */
    public record Proof(long size, String root, List<String> hashes, String leafHash, Long index, Long from) {
    }

    private final JdbcTemplate jdbc;

    public AuditLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** How many entries the log holds. */
    public long size() {
        return jdbc.queryForObject("SELECT COALESCE(max(log_index) + 1, 0) FROM audit_log", Long.class);
    }

    public List<Row> after(long after, int limit) {
        return jdbc.query("""
                SELECT log_index, global_index, event_id, aggregate_id, sequence, event_type, recorded_at, payload_hash, previous_hash,
                       row_hash FROM audit_log WHERE log_index > ? ORDER BY log_index LIMIT ?""",
                (rs, n) -> {
                    AuditEntry entry = new AuditEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                            rs.getString(6), rs.getString(7), rs.getBytes(8));
                    return new Row(entry.logIndex(), entry.globalIndex(), entry.eventId(), entry.aggregateId(), entry.sequence(),
                            entry.eventType(), entry.recordedAt(), Hashes.hex(entry.payloadHash()), Hashes.hex(rs.getBytes(9)),
                            Hashes.hex(rs.getBytes(10)), b64(entry.leafHash()));
                }, after, limit);
    }

    public List<SignedCheckpoint> checkpoints(int limit) {
        return jdbc.query("SELECT tree_size, root, signed_note, created_at FROM audit_checkpoints ORDER BY tree_size DESC LIMIT ?",
                (rs, n) -> new SignedCheckpoint(rs.getLong(1), b64(rs.getBytes(2)), rs.getString(3), rs.getTimestamp(4).toInstant().toString()),
                limit);
    }

    public Proof inclusion(long index, long size) {
        AuditNodes nodes = new AuditNodes(jdbc);
        MerkleTree tree = new MerkleTree(nodes);
        byte[] leaf = nodes.hash(0, index);
        return new Proof(size, b64(tree.root(size)), tree.inclusionProof(index, size).stream().map(AuditLog::b64).toList(), b64(leaf),
                index, null);
    }

    public Proof consistency(long from, long to) {
        MerkleTree tree = new MerkleTree(new AuditNodes(jdbc));
        return new Proof(to, b64(tree.root(to)), tree.consistencyProof(from, to).stream().map(AuditLog::b64).toList(), null, null, from);
    }

    /**
     * Streams the whole log as JSON lines, each row with its event's stored type and bytes (base64): what an
     * auditor verifies offline with {@code audit verify --log}. Read through a cursor, never held in memory.
     */
    public void export(OutputStream out) {
        try (Connection c = jdbc.getDataSource().getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT a.log_index, a.global_index, a.event_id, a.aggregate_id, a.sequence, a.event_type, a.recorded_at, a.payload_hash,
                           a.previous_hash, a.row_hash, d.payloadtype, d.payload
                      FROM audit_log a LEFT JOIN domainevententry d ON d.eventidentifier = a.event_id ORDER BY a.log_index""");
                 JsonGenerator json = EXPORT.createGenerator(out)) {
                s.setFetchSize(1_000);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        json.writeStartObject();
                        json.writeNumberField("logIndex", rs.getLong(1));
                        json.writeNumberField("globalIndex", rs.getLong(2));
                        json.writeStringField("eventId", rs.getString(3));
                        json.writeStringField("aggregateId", rs.getString(4));
                        json.writeNumberField("sequence", rs.getLong(5));
                        json.writeStringField("eventType", rs.getString(6));
                        json.writeStringField("recordedAt", rs.getString(7));
                        json.writeStringField("payloadHash", Hashes.hex(rs.getBytes(8)));
                        json.writeStringField("previousHash", Hashes.hex(rs.getBytes(9)));
                        json.writeStringField("rowHash", Hashes.hex(rs.getBytes(10)));
                        json.writeStringField("payloadType", rs.getString(11));
                        byte[] payload = rs.getBytes(12);
                        json.writeStringField("payload", payload == null ? null : b64(payload));
                        json.writeEndObject();
                        json.writeRaw('\n');
                    }
                }
            }
            c.rollback();
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("the export stopped: " + e.getMessage(), e);
        }
    }

    private static final JsonFactory EXPORT = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).setRootValueSeparator(null);

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
