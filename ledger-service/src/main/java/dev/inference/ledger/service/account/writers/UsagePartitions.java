package dev.inference.ledger.service.account.writers;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.springframework.stereotype.Component;

import dev.inference.ledger.ingest.TopicSetup;
import dev.inference.ledger.service.config.LedgerProperties;
import dev.inference.ledger.service.kafka.KafkaTopics;

/**
 * The partition of the usage topic an account's records are on: usage is keyed by account id (a record
 * keyed otherwise is dead-lettered), so it is the Kafka producer's own choice for that key. The topic's
 * size is read once, at start: a keyed topic is not resized under a running ledger (it would reorder
 * every account's records).
 */
@Component
public class UsagePartitions {

    private final String topic;
    private final int count;

    public UsagePartitions(LedgerProperties properties, KafkaTopics created) {
        this.topic = properties.kafka().usageTopic();
        this.count = TopicSetup.partitions(properties.kafka().connection(), topic);
    }

    public int of(String accountId) {
        return BuiltInPartitioner.partitionForKey(accountId.getBytes(StandardCharsets.UTF_8), count);
    }

    public String topic() {
        return topic;
    }
}
