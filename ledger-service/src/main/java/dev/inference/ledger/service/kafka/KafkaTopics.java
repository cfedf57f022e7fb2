package dev.inference.ledger.service.kafka;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import dev.inference.ledger.ingest.TopicSetup;
import dev.inference.ledger.service.config.LedgerProperties;

/**
 * The contract's topics, created when missing before anything consumes or produces (on a managed
 * cluster, deploy/ creates them beforehand with the replication the cluster wants).
 */
@Component
public class KafkaTopics {

    public KafkaTopics(LedgerProperties properties, @Value("${ledger.audit.checkpoints-topic}") String checkpointsTopic) {
        var kafka = properties.kafka();
        TopicSetup.ensure(kafka.connection(),
                List.of(kafka.usageTopic(), kafka.deadLetterTopic(), kafka.notificationsTopic()), kafka.partitions());
        // Only the newest position matters, and it is read back from one partition.
        TopicSetup.ensure(kafka.connection(), List.of(new NewTopic(kafka.notificationPositionsTopic(), 1, (short) 1)
                .configs(Map.of("cleanup.policy", "compact"))));
        // Signed tree heads, kept forever: what an auditor compares a later log with.
        TopicSetup.ensure(kafka.connection(), List.of(new NewTopic(checkpointsTopic, 1, (short) 1).configs(Map.of("retention.ms", "-1"))));
    }
}
