package dev.inference.ledger.service.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.inference.ledger.ingest.IngestSettings;

/** The service's own settings ({@code ledger.*}); application.yml maps the LEDGER_* variables onto them. */
@ConfigurationProperties("ledger")
public record LedgerProperties(Kafka kafka, Ingest ingest) {

    /** {@code notificationPositionsTopic}: compacted, one partition; where the notifications publisher keeps its place. */
    public record Kafka(String bootstrapServers, String usageTopic, String deadLetterTopic, String notificationsTopic,
                        String notificationPositionsTopic, String notificationsTransactionalId, int partitions) {
    }

    public record Ingest(String consumerGroup, int maxPollRecords, String instanceId) {
    }

    public IngestSettings ingestSettings() {
        return new IngestSettings(kafka.bootstrapServers(), kafka.usageTopic(), kafka.deadLetterTopic(),
                ingest.consumerGroup(), ingest.maxPollRecords(),
                ingest.instanceId() == null || ingest.instanceId().isBlank() ? null : ingest.instanceId());
    }
}
