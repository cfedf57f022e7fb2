package dev.inference.ledger.ingest;

/**
 * How the ingest reaches Kafka and consumes; the topic names default to the contract's. {@code instanceId}, when set, makes the consumer a static member of its
 * group: a restarted instance takes its partitions back at once instead of after the session timeout.
 */
public record IngestSettings(KafkaConnection kafka, String usageTopic, String deadLetterTopic,
                             String consumerGroup, int maxPollRecords, String instanceId) {

    public static final String USAGE_TOPIC = "usage.events";
    public static final String DEAD_LETTER_TOPIC = "usage.events.dlq";
    public static final String CONSUMER_GROUP = "ledger-ingest";

    public static IngestSettings defaults(KafkaConnection kafka) {
        return new IngestSettings(kafka, USAGE_TOPIC, DEAD_LETTER_TOPIC, CONSUMER_GROUP, 2000, null);
    }
}
