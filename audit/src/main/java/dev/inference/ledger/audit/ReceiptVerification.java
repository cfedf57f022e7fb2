package dev.inference.ledger.audit;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.kernel.audit.Checkpoint;
import dev.inference.ledger.kernel.audit.MerkleTree;

/**
 * Checks a receipt's proof offline, with the ledger's verifier key alone: the checkpoint is signed by that key; the audit
 * row is in the checkpoint's tree (RFC 9162 inclusion); the row is of this event and hashes its payload byte for byte;
 * and the payload charges the receipt's record, to this account, at this cost. Any altered byte, or a proof against another
 * checkpoint, fails one of these.
 */
public final class ReceiptVerification {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReceiptVerification() {
    }

    /** What is wrong with the proof: empty when it verifies. */
    public static List<String> problems(ReceiptProof proof, String verifierKey) {
        List<String> problems = new ArrayList<>();
        try {
            String[] name = new String[1];
            byte[] key = Checkpoint.parseVerifierKey(verifierKey, name);
            Checkpoint head = Checkpoint.verify(proof.checkpoint(), name[0], key);
            ReceiptProof.Row row = proof.auditRow();
            if (head.size() != proof.treeSize()) {
                problems.add("the proof is for a tree of " + proof.treeSize() + " entries, the checkpoint for " + head.size());
            }
            byte[] payload = Base64.getDecoder().decode(proof.payload());
            if (!Hashes.hex(Hashes.sha256(payload)).equals(row.payloadHash())) {
                problems.add("the payload is not the one the audit row hashes");
            }
            AuditEntry entry = new AuditEntry(row.logIndex(), row.globalIndex(), row.eventId(), row.aggregateId(), row.sequence(),
                    row.eventType(), row.recordedAt(), hexBytes(row.payloadHash()));
            List<byte[]> path = proof.inclusion().stream().map(h -> Base64.getDecoder().decode(h)).toList();
            if (!MerkleTree.verifyInclusion(entry.leafHash(), row.logIndex(), head.size(), path, head.root())) {
                problems.add("the audit row is not in the checkpoint's tree at " + row.logIndex());
            }
            problems.addAll(charge(proof, payload));
        } catch (IllegalArgumentException | IOException | NullPointerException e) {
            problems.add("unreadable: " + e.getMessage());
        }
        return problems;
    }

    /** The receipt names this event and a record of it; the payload is a usage batch of the account that charged it so. */
    private static List<String> charge(ReceiptProof proof, byte[] payload) throws IOException {
        List<String> problems = new ArrayList<>();
        ReceiptProof.Row row = proof.auditRow();
        ReceiptProof.Charged claimed = proof.record();
        if (!proof.receiptId().equals(row.eventId() + ":" + claimed.index())) {
            problems.add("the receipt " + proof.receiptId() + " is not record " + claimed.index() + " of event " + row.eventId());
        }
        if (!"UsageBatchCharged".equals(row.eventType()) || !proof.accountId().equals(row.aggregateId())) {
            problems.add("the audit row is not a usage batch of account " + proof.accountId());
        }
        JsonNode batch = JSON.readTree(payload);
        JsonNode record = batch.path("records").path(claimed.index());
        if (record.isMissingNode() || !proof.accountId().equals(batch.path("accountId").asText())) {
            problems.add("the payload has no record " + claimed.index() + " of account " + proof.accountId());
            return problems;
        }
        if (!record.path("eventId").asText().equals(claimed.usageEventId())
                || new BigDecimal(record.path("cost").asText("0")).compareTo(new BigDecimal(claimed.cost())) != 0
                || !record.path("occurredAt").asText().equals(claimed.occurredAt())
                || !batch.path("currency").asText().equals(claimed.currency())) {
            problems.add("the payload charged record " + claimed.index() + " otherwise than the receipt says");
        }
        return problems;
    }

    private static byte[] hexBytes(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }
}
