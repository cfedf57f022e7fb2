package dev.inference.ledger.service.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The receipts as a gateway sees them: a read_committed consumer of the notifications topic counting
 * {@code usage.charged}, checking that each carries a receiptId of its own (exactly once per usage
 * record), and telling probes' usageEventIds to a listener with the moment they became readable.
 */
final class Receipts implements AutoCloseable {

    private static final byte[] USAGE_CHARGED = "usage.charged".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RECEIPT_ID = "\"receiptId\":\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] USAGE_EVENT_ID = "\"usageEventId\":\"".getBytes(StandardCharsets.UTF_8);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final long target;
    private final BiConsumer<String, Long> probes;
    private final LongSet receiptIds;
    private volatile boolean running = true;
    private volatile long count;
    private volatile long withoutReceiptId;
    private volatile long duplicateReceiptIds;
    private volatile long reachedAt;
    private volatile Throwable failure;

    /** From the topic's beginning ({@code fromEnd} false) or from now; {@code target}: the count whose moment to keep. */
    Receipts(String bootstrap, String topic, boolean fromEnd, long target, BiConsumer<String, Long> probes) {
        this.target = target;
        this.probes = probes;
        this.receiptIds = new LongSet(Math.max(1024, target));
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-receipts");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer = new KafkaConsumer<>(p);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        if (fromEnd) {
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
        } else {
            consumer.seekToBeginning(partitions);
        }
        thread = new Thread(this::run, "bench-receipts");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                var polled = consumer.poll(Duration.ofMillis(50));
                long now = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : polled) {
                    Header type = r.headers().lastHeader("x-notification-type");
                    if (type == null || !java.util.Arrays.equals(type.value(), USAGE_CHARGED)) {
                        continue;
                    }
                    byte[] v = r.value();
                    String receiptId = field(v, RECEIPT_ID);
                    if (receiptId == null) {
                        withoutReceiptId++;
                    } else if (!receiptIds.add(hash(receiptId))) {
                        duplicateReceiptIds++;
                    }
                    if (probes != null) {
                        String usageEventId = field(v, USAGE_EVENT_ID);
                        if (usageEventId != null) {
                            probes.accept(usageEventId, now);
                        }
                    }
                    count++;
                    if (count == target) {
                        reachedAt = now;
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    long count() {
        return count;
    }

    /** nanoTime at which the target count became readable, 0 before. */
    long reachedAt() {
        return reachedAt;
    }

    String problems() {
        StringBuilder s = new StringBuilder();
        if (failure != null) {
            s.append("consumer failed: ").append(failure).append("; ");
        }
        if (withoutReceiptId > 0) {
            s.append(String.format("%,d receipts without a receiptId; ", withoutReceiptId));
        }
        if (duplicateReceiptIds > 0) {
            s.append(String.format("%,d receipts repeat a receiptId; ", duplicateReceiptIds));
        }
        return s.toString();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }

    private static String field(byte[] json, byte[] key) {
        int at = Ceiling.indexOf(json, key, 0);
        if (at < 0) {
            return null;
        }
        int from = at + key.length;
        int to = from;
        while (to < json.length && json[to] != '"') {
            to++;
        }
        return new String(json, from, to - from, StandardCharsets.UTF_8);
    }

    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return h == 0 ? 1 : h;
    }

    /** Open addressing over longs: half a million receipt ids in 8 MiB, not 50 on the measured heap. */
    private static final class LongSet {
        private long[] slots;
        private int size;

        LongSet(long expected) {
            slots = new long[Integer.highestOneBit((int) Math.min(1 << 29, expected * 2)) << 1];
        }

        boolean add(long v) {
            if (size * 2 >= slots.length) {
                long[] old = slots;
                slots = new long[old.length * 2];
                size = 0;
                for (long o : old) {
                    if (o != 0) {
                        add(o);
                    }
                }
            }
            int mask = slots.length - 1;
            for (int i = (int) (v ^ (v >>> 32)) & mask; ; i = (i + 1) & mask) {
                if (slots[i] == v) {
                    return false;
                }
                if (slots[i] == 0) {
                    slots[i] = v;
                    size++;
                    return true;
                }
            }
        }
    }
}
