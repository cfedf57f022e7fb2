package dev.inference.ledger.service.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.Map;

import dev.inference.ledger.ingest.IngestSettings;
import dev.inference.ledger.ingest.KafkaConnection;

/** The service's own settings ({@code ledger.*}); application.yml maps the LEDGER_* variables onto them. */
@ConfigurationProperties("ledger")
public record LedgerProperties(Kafka kafka, Ingest ingest) {

    /**
     * {@code notificationPositionsTopic}: compacted, one partition; where the notifications publisher keeps its place.
     * {@code client}: Kafka client properties (SASL, TLS) given to every consumer, producer and admin client alike
     * ({@code ledger.kafka.client.security.protocol}, or {@code LEDGER_KAFKA_CLIENT_SECURITY_PROTOCOL}).
     */
    public record Kafka(String bootstrapServers, String usageTopic, String deadLetterTopic, String notificationsTopic,
                        String notificationPositionsTopic, String notificationsTransactionalId, int partitions,
                        Map<String, String> client) {

        public KafkaConnection connection() {
            return new KafkaConnection(bootstrapServers, client);
        }
    }

    public record Ingest(String consumerGroup, int maxPollRecords, String instanceId) {
    }

    public IngestSettings ingestSettings() {
        return new IngestSettings(kafka.connection(), kafka.usageTopic(), kafka.deadLetterTopic(),
                ingest.consumerGroup(), ingest.maxPollRecords(),
                ingest.instanceId() == null || ingest.instanceId().isBlank() ? null : ingest.instanceId());
    }
}
