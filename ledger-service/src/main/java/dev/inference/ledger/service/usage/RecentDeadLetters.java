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
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.stereotype.Component;

import dev.inference.ledger.ingest.KafkaDeadLetters;
import dev.inference.ledger.service.config.LedgerProperties;

/**
 * The dead letters of a recent window, read from the dead-letter topic itself (the only place they are
 * kept): newest first for staff to see which publisher sends what and why it was refused, or published
 * again once the cause is fixed. A reader of its own, with no consumer group: it moves no one's offsets.
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
        List<Letter> letters = new ArrayList<>();
        scan(since, max, r -> letters.add(letter(r)));
        return letters.stream().sorted(Comparator.comparing(Letter::at).reversed().thenComparing(Letter::partition))
                .limit(max).toList();
    }

    /**
     * Publishes the dead letters of the window again on the usage topic, as they first came (key and bytes),
     * those of one reason only when {@code reason} is given: once the cause is fixed (a price added, an
     * account opened) they are charged; one already charged is an exact duplicate and skipped, so a record
     * is charged at most once however often it is re-driven. At most {@code max}, the newest.
     */
    public Map<String, Integer> redrive(Instant since, String reason, int max) {
        Map<String, Integer> byReason = new TreeMap<>();
        Properties p = properties.kafka().connection().properties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            List<Future<?>> sent = new ArrayList<>();
            scan(since, max, r -> {
                String why = header(r, KafkaDeadLetters.REASON);
                if (r.value() != null && (reason == null || reason.equals(why))) {
                    sent.add(producer.send(new ProducerRecord<>(properties.kafka().usageTopic(), r.key(), r.value())));
                    byReason.merge(String.valueOf(why), 1, Integer::sum);
                }
            });
            producer.flush();
            for (var future : sent) {
                future.get(); // every record on the topic, or an error to the caller
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while re-driving", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not publish a re-driven record: " + e.getCause().getMessage(), e);
        }
        return byReason;
    }

    /** Every dead letter of the window (at most the newest {@code max} of each partition), oldest first per partition. */
    private void scan(Instant since, int max, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties p = properties.kafka().connection().properties();
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        String topic = properties.kafka().deadLetterTopic();
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
                    if (r.timestamp() >= since.toEpochMilli() && r.offset() < ends.get(tp)) {
                        each.accept(r);
                    }
                }
                remaining.keySet().removeIf(tp -> consumer.position(tp) >= ends.get(tp));
            }
            if (!remaining.isEmpty()) {
                throw new IllegalStateException("the dead-letter topic could not be read to its end within " + READ_FOR.toSeconds() + " s");
            }
        }
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
