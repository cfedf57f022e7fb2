package dev.inference.ledger.service.usage;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.stereotype.Component;

import dev.inference.ledger.ingest.KafkaDeadLetters;
import dev.inference.ledger.service.config.LedgerProperties;

/**
 * The dead letters of a recent window, read from the dead-letter topic itself (the only place they are
 * kept), newest first: what staff look at to see which publisher sends what, and why it was refused.
 * A reader of its own, with no consumer group: looking commits nothing and moves no one's offsets.
 */
@Component
public class RecentDeadLetters {

    /** How much of a dead letter's original record is shown: enough to recognise it, never a 64 KiB body. */
    static final int SHOWN_BYTES = 512;
    private static final Duration READ_FOR = Duration.ofSeconds(10);

    public record Letter(int partition, long offset, Instant at, String accountId, String reason, String detail, String origin,
                         String record) {
    }

    private final LedgerProperties properties;

    public RecentDeadLetters(LedgerProperties properties) {
        this.properties = properties;
    }

    public List<Letter> since(Instant since, int max) {
        Properties p = properties.kafka().connection().properties();
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        String topic = properties.kafka().deadLetterTopic();
        List<Letter> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_FOR).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> from = new HashMap<>();
            partitions.forEach(tp -> from.put(tp, since.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(from, READ_FOR);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_FOR);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp start = starts.get(tp);
                long end = ends.get(tp);
                // The newest {@code max} of the window are enough: start no earlier than max before the end.
                long first = start == null ? end : Math.max(start.offset(), end - max);
                consumer.seek(tp, first);
                if (first < end) {
                    remaining.put(tp, end);
                }
            }
            long deadline = System.nanoTime() + READ_FOR.toNanos();
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.timestamp() >= since.toEpochMilli()) {
                        letters.add(letter(r));
                    }
                    if (r.offset() + 1 >= remaining.getOrDefault(tp, 0L)) {
                        remaining.remove(tp);
                    }
                }
                remaining.keySet().removeIf(tp -> consumer.position(tp) >= ends.get(tp));
            }
        }
        return letters.stream().sorted(Comparator.comparing(Letter::at).reversed().thenComparing(Letter::partition))
                .limit(max).toList();
    }

    private static Letter letter(ConsumerRecord<byte[], byte[]> r) {
        byte[] value = r.value() == null ? new byte[0] : r.value();
        String shown = new String(value, 0, Math.min(value.length, SHOWN_BYTES), StandardCharsets.UTF_8)
                + (value.length > SHOWN_BYTES ? "…" : "");
        return new Letter(r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), header(r, KafkaDeadLetters.REASON),
                header(r, KafkaDeadLetters.DETAIL), header(r, KafkaDeadLetters.ORIGIN), shown);
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header header = r.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
