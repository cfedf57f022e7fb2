package dev.inference.ledger.notifications;

import dev.inference.ledger.ingest.KafkaConnection;

/**
 * Where notifications go: the broker, {@code topic} (billing.notifications), the topic on which the publisher records in
 * the same transaction how far it told ({@code positionsTopic}), and its transactional id.
 */
public record NotificationSettings(KafkaConnection connection, String topic, String positionsTopic, String transactionalId) {
}
