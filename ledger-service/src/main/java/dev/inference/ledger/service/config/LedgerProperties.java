package dev.inference.ledger.service.config;

import java.time.Clock;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.Map;

import dev.inference.ledger.ingest.IngestSettings;
import dev.inference.ledger.kernel.usage.UsageWindow;
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

    /**
     * {@code lateness} ({@code ledger.ingest.lateness}, {@code LEDGER_INGEST_LATENESS}, like "35d"): how old a
     * usage record may be and still be charged or quoted; unset means {@link UsageWindow#DEFAULT_LATENESS}.
     */
    public record Ingest(String consumerGroup, int maxPollRecords, String instanceId, Duration lateness) {
    }

    /** The one time window both the ingest and the quote endpoint judge {@code occurredAt} by. */
    public UsageWindow usageWindow(Clock clock) {
        Duration lateness = ingest == null || ingest.lateness() == null ? UsageWindow.DEFAULT_LATENESS : ingest.lateness();
        return new UsageWindow(clock, lateness);
    }

    public IngestSettings ingestSettings() {
        return new IngestSettings(kafka.connection(), kafka.usageTopic(), kafka.deadLetterTopic(),
                ingest.consumerGroup(), ingest.maxPollRecords(),
                ingest.instanceId() == null || ingest.instanceId().isBlank() ? null : ingest.instanceId());
    }
}
