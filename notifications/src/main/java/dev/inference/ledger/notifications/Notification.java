package dev.inference.ledger.notifications;

import java.time.Instant;
import java.util.Map;

/**
 * One outbound fact on {@code billing.notifications}: its {@code type} (docs/reference/contract.md), the id a
 * consumer deduplicates by ({@code receiptId}: the ledger event's id, and for a usage receipt that id
 * and the record's index in the event), the ledger event's id and what a gateway needs to act.
 */
public record Notification(String type, String receiptId, String eventId, String accountId, Instant at,
                           Map<String, Object> details) {
}
