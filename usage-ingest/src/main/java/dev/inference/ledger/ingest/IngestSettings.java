package dev.inference.ledger.ingest;

/** How the ingest reaches Kafka; the topic names default to the contract's. */
/**
 * How the ingest consumes. {@code instanceId}, when set, makes the consumer a static member of its
 * group: a restarted instance takes its partitions back at once instead of after the session timeout.
 */
public record IngestSettings(String bootstrapServers, String usageTopic, String deadLetterTopic,
                             String consumerGroup, int maxPollRecords, String instanceId) {

    public static final String USAGE_TOPIC = "usage.events";
    public static final String DEAD_LETTER_TOPIC = "usage.events.dlq";
    public static final String CONSUMER_GROUP = "ledger-ingest";

    public static IngestSettings defaults(String bootstrapServers) {
        return new IngestSettings(bootstrapServers, USAGE_TOPIC, DEAD_LETTER_TOPIC, CONSUMER_GROUP, 2000, null);
    }
}
