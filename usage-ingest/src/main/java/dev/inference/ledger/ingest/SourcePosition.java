package dev.inference.ledger.ingest;

/** Where a record was read: enough to find it again and to dead-letter its original bytes. */
public record SourcePosition(String topic, int partition, long offset, byte[] key, byte[] value) {

    public TopicPartitionId topicPartition() {
        return new TopicPartitionId(topic, partition);
    }
}
