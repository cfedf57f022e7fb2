package dev.inference.ledger.audit;

import java.util.List;

/**
 * What anyone needs to check a {@code usage.charged} receipt without trusting the ledger's operator, given the ledger's
 * public verifier key: the stored event the charge is in ({@code payload}, base64 of the bytes the event store keeps), the
 * audit log's row for that event, an RFC 9162 inclusion proof of the row in the tree of {@code treeSize} entries, and the
 * signed checkpoint of that tree. {@code receiptId} is {@code <eventId>:<index>}: the event and the record's index in it.
 * {@code record} is the record as charged, as a convenience: {@link ReceiptVerification} reads it from the payload.
 */
public record ReceiptProof(String receiptId, String accountId, String payloadType, String payload, Row auditRow, long treeSize,
                           List<String> inclusion, String checkpoint, Charged record) {

    public static final String VERSION = "inference-ledger-receipt-proof/v1";

    public ReceiptProof {
        inclusion = List.copyOf(inclusion);
    }

    /** The audit log's row, as hashed ({@link AuditEntry}): {@code payloadHash} in hex. */
    public record Row(long logIndex, long globalIndex, String eventId, String aggregateId, long sequence, String eventType,
                      String recordedAt, String payloadHash) {
    }

    /** The record as charged: its publisher's id, when it occurred, what it cost and in what currency. */
    public record Charged(String usageEventId, String occurredAt, String cost, String currency, int index) {
    }
}
