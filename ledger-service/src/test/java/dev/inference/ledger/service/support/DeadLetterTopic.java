package dev.inference.ledger.service.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads {@code usage.events.dlq} as an operator would: each dead letter's key and its reason header. */
public final class DeadLetterTopic {

    private DeadLetterTopic() {
    }

    /** The reason of each dead letter by record key, once {@code expected} of them have arrived (or 30 s passed). */
    public static Map<String, String> reasonsByKey(String bootstrapServers, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        Map<String, String> reasons = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of("usage.events.dlq"));
            long deadline = System.currentTimeMillis() + 30_000;
            while (reasons.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    assertThat(r.headers().lastHeader("x-dlq-detail")).isNotNull();
                    reasons.put(r.key(), new String(r.headers().lastHeader("x-dlq-reason").value(), StandardCharsets.UTF_8));
                }
            }
        }
        return reasons;
    }
}
