package dev.inference.ledger.audit;

import java.nio.charset.StandardCharsets;

import dev.inference.ledger.kernel.audit.MerkleTree;

/**
 * One row of the audit log as hashed: its fields in a fixed text form. The row's hash chains it to the
 * one before (SHA-256 of the previous row's hash and this text); the Merkle leaf is RFC 6962's hash of
 * this text. {@code payloadHash} is SHA-256 of the event's payload bytes exactly as the event store keeps
 * them, never of a re-serialized or upcast form.
 */
public record AuditEntry(long logIndex, long globalIndex, String eventId, String aggregateId, long sequence, String eventType,
                         String recordedAt, byte[] payloadHash) {

    public static final String VERSION = "inference-ledger-audit/v1";

    public byte[] text() {
        return (VERSION + "\n" + logIndex + "\n" + globalIndex + "\n" + eventId + "\n" + aggregateId + "\n" + sequence + "\n"
                + eventType + "\n" + recordedAt + "\n" + Hashes.hex(payloadHash) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public byte[] rowHash(byte[] previous) {
        return Hashes.sha256(previous, text());
    }

    public byte[] leafHash() {
        return MerkleTree.leafHash(text());
    }

    /** The stored type's simple name: {@code UsageBatchCharged} of {@code …AccountEvent$UsageBatchCharged}. */
    public static String typeName(String payloadType) {
        return payloadType.substring(Math.max(payloadType.lastIndexOf('.'), payloadType.lastIndexOf('$')) + 1);
    }
}
