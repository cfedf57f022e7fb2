package dev.inference.ledger.service.audit;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.audit.ReceiptProof;
import dev.inference.ledger.kernel.audit.MerkleTree;
import dev.inference.ledger.service.api.ApiException;

/**
 * A {@code usage.charged} receipt's proof: the stored event its charge is in, the audit log's row for it, the inclusion of
 * that row in the tree of the latest signed checkpoint, and the checkpoint. Read from the event store and the audit log as
 * they are: nothing here is computed for the customer to trust.
 */
@Component
public class ReceiptProofs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcTemplate jdbc;

    public ReceiptProofs(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The account a receipt's charge belongs to: the aggregate of its event; empty for no such event. */
    public Optional<String> accountOf(String receiptId) {
        int colon = receiptId.lastIndexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        return jdbc.queryForList("SELECT aggregateidentifier FROM domainevententry WHERE eventidentifier = ?", String.class,
                receiptId.substring(0, colon)).stream().findFirst();
    }

    /** {@code <eventId>:<index>}: a ledger event's id and a record's index in it (at most 999,999,999). */
    private static final java.util.regex.Pattern RECEIPT_ID = java.util.regex.Pattern.compile("(.+):([0-9]{1,9})");

    public ReceiptProof proof(String receiptId) {
        var parts = RECEIPT_ID.matcher(receiptId);
        if (!parts.matches()) {
            throw ApiException.badRequest("invalid-receipt-id", "a receipt id is <eventId>:<index>, as its receipt says");
        }
        String eventId = parts.group(1);
        int index = Integer.parseInt(parts.group(2));
        // The stored event, read once: its type says whether it charged usage, its bytes are what the proof carries.
        List<Object[]> stored = jdbc.query("SELECT payloadtype, payload FROM domainevententry WHERE eventidentifier = ?",
                (rs, n) -> new Object[] {rs.getString(1), rs.getBytes(2)}, eventId);
        if (stored.isEmpty() || !((String) stored.get(0)[0]).endsWith("UsageBatchCharged")) {
            throw ApiException.notFound("no receipt " + receiptId);
        }
        List<ReceiptProof.Row> rows = jdbc.query("""
                SELECT log_index, global_index, event_id, aggregate_id, sequence, event_type, recorded_at, payload_hash
                  FROM audit_log WHERE event_id = ?""",
                (rs, n) -> new ReceiptProof.Row(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getString(6), rs.getString(7), dev.inference.ledger.audit.Hashes.hex(rs.getBytes(8))), eventId);
        if (rows.isEmpty()) {
            throw new ApiException(409, "receipt-not-yet-logged", "Not yet", "the charge is not in the audit log yet: ask again in a moment");
        }
        ReceiptProof.Row row = rows.get(0);
        List<Object[]> checkpoint = jdbc.query("""
                SELECT tree_size, signed_note FROM audit_checkpoints WHERE tree_size > ? ORDER BY tree_size DESC LIMIT 1""",
                (rs, n) -> new Object[] {rs.getLong(1), rs.getString(2)}, row.logIndex());
        if (checkpoint.isEmpty()) {
            throw new ApiException(409, "receipt-not-yet-checkpointed", "Not yet",
                    "no signed checkpoint covers the charge yet: ask again after the next one");
        }
        long size = (long) checkpoint.get(0)[0];
        byte[] payload = (byte[]) stored.get(0)[1];
        ReceiptProof.Charged charged = charged(payload, index, receiptId);
        List<String> path = new MerkleTree(new AuditNodes(jdbc)).inclusionProof(row.logIndex(), size).stream()
                .map(h -> Base64.getEncoder().encodeToString(h)).toList();
        return new ReceiptProof(receiptId, row.aggregateId(), (String) stored.get(0)[0], Base64.getEncoder().encodeToString(payload), row, size,
                path, (String) checkpoint.get(0)[1], charged);
    }

    private static ReceiptProof.Charged charged(byte[] payload, int index, String receiptId) {
        try {
            JsonNode batch = JSON.readTree(payload);
            JsonNode record = batch.path("records").path(index);
            if (record.isMissingNode()) {
                throw ApiException.notFound("no receipt " + receiptId);
            }
            return new ReceiptProof.Charged(record.path("eventId").asText(), record.path("occurredAt").asText(), record.path("cost").asText(),
                    batch.path("currency").asText(), index);
        } catch (IOException e) {
            throw new IllegalStateException("a stored usage event cannot be read (run audit verify): " + e.getMessage(), e);
        }
    }
}
