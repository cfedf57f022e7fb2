package dev.inference.ledger.ingest;

/** A partition of a topic, free of Kafka's client classes so the port stays plain. */
public record TopicPartitionId(String topic, int partition) {
}
