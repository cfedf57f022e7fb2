package dev.inference.ledger.service.notification;

import java.time.Instant;
import java.util.Map;

/**
 * One outbound fact on {@code billing.notifications}: its {@code type} (docs/contract.md), the id of the
 * ledger event it tells of (the key a consumer deduplicates by) and what a gateway needs to act.
 */
public record Notification(String type, String eventId, String accountId, Instant at, Map<String, Object> details) {
}
