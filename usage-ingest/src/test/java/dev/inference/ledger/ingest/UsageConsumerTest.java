package dev.inference.ledger.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.pricing.CatalogHistory;
import dev.inference.ledger.kernel.pricing.DefaultCatalog;
import dev.inference.ledger.kernel.usage.UsageWindow;
import dev.inference.ledger.testsupport.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The consumer against a real broker, with a ledger that keeps what it is given in memory. */
class UsageConsumerTest {

    private static TestKafka kafka;

    @BeforeAll
    static void start() {
        kafka = TestKafka.start();
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
    }

    @Test
    void bad_records_go_to_the_dead_letter_topic_with_their_reason_and_original_bytes_and_never_stop_the_partition() throws Exception {
        IngestSettings settings = settings("dlq");
        String broken = "{\"eventId\":\"e-2\",\"kind\":\"tokens\"";
        publish(settings.usageTopic(), List.of(valid("e-1"), broken, valid("e-3"), valid("e-4").replace("DeepSeek-V3", "nope/model")));
        MemoryLedger ledger = new MemoryLedger();

        try (Running running = run(settings, ledger)) {
            awaitCharged(ledger, 2);
        }

        assertThat(ledger.charged).extracting(u -> u.record().eventId()).containsExactly("e-1", "e-3");
        List<ConsumerRecord<byte[], byte[]>> letters = read(settings.deadLetterTopic(), 2);
        assertThat(letters).extracting(r -> header(r, KafkaDeadLetters.REASON)).containsExactly("malformed-json", "unknown-price");
        assertThat(new String(letters.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(broken);
        assertThat(new String(letters.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("acct-1");
        assertThat(header(letters.get(1), KafkaDeadLetters.DETAIL)).contains("nope/model");
    }

    @Test
    void a_restarted_consumer_resumes_from_the_offsets_the_ledger_stored_not_from_those_committed_to_kafka() throws Exception {
        IngestSettings settings = settings("resume");
        publish(settings.usageTopic(), List.of(valid("e-1"), valid("e-2")));
        MemoryLedger ledger = new MemoryLedger();
        try (Running running = run(settings, ledger)) {
            awaitCharged(ledger, 2);
        }

        // A crash after the ledger's transaction stored offset 3 (e-3 charged) but before the commit to
        // Kafka: Kafka still says 2. Resuming from Kafka's offset would charge e-3 a second time.
        publish(settings.usageTopic(), List.of(valid("e-3"), valid("e-4")));
        ledger.offsets.put(new TopicPartitionId(settings.usageTopic(), 0), 3L);
        try (Running running = run(settings, ledger)) {
            awaitCharged(ledger, 3);
            Thread.sleep(500);
        }

        assertThat(ledger.charged).extracting(u -> u.record().eventId()).containsExactly("e-1", "e-2", "e-4");
    }

    @Test
    void a_batch_the_ledger_could_not_take_is_retried_until_it_is_charged_skipping_nothing() throws Exception {
        IngestSettings settings = settings("retry");
        publish(settings.usageTopic(), List.of(valid("e-1"), valid("e-2")));
        MemoryLedger ledger = new MemoryLedger();
        ledger.failures.set(3);

        try (Running running = run(settings, ledger)) {
            awaitCharged(ledger, 2);
        }

        assertThat(ledger.failures.get()).isZero();
        assertThat(ledger.charged).extracting(u -> u.record().eventId()).containsExactly("e-1", "e-2");
    }

    @Test
    void a_record_the_ledger_keeps_failing_on_is_isolated_and_dead_lettered_while_the_rest_are_charged() throws Exception {
        IngestSettings settings = settings("poison");
        publish(settings.usageTopic(), List.of(valid("e-1"), valid("poison"), valid("e-3")));
        MemoryLedger ledger = new MemoryLedger();

        try (Running running = run(settings, ledger)) {
            awaitCharged(ledger, 2);
            Thread.sleep(300);
        }

        assertThat(ledger.charged).extracting(u -> u.record().eventId()).containsExactly("e-1", "e-3");
        assertThat(ledger.offsets).containsEntry(new TopicPartitionId(settings.usageTopic(), 0), 3L);
        List<ConsumerRecord<byte[], byte[]>> letters = read(settings.deadLetterTopic(), 1);
        assertThat(letters).extracting(r -> header(r, KafkaDeadLetters.REASON)).containsExactly("charge-failed");
        assertThat(header(letters.get(0), KafkaDeadLetters.DETAIL)).contains("cannot fold this record");
    }

    @Test
    void a_stop_while_the_ledger_is_unreachable_ends_the_consumer_within_its_join() throws Exception {
        IngestSettings settings = settings("stop-outage");
        AtomicInteger asked = new AtomicInteger();
        UsageLedger away = unreachable(asked);
        Running running = run(settings, away);
        awaitAtLeast(asked, 2);

        running.close();

        assertThat(running.thread().isAlive()).as("the consumer thread outlived its join").isFalse();
    }

    @Test
    void an_interrupted_consumer_stops_instead_of_retrying_without_pause() throws Exception {
        IngestSettings settings = settings("interrupt-outage");
        AtomicInteger asked = new AtomicInteger();
        UsageLedger away = unreachable(asked);
        Running running = run(settings, away);
        awaitAtLeast(asked, 1);

        running.thread().interrupt();
        running.thread().join(10_000);

        assertThat(running.thread().isAlive()).isFalse();
        assertThat(asked.get()).as("asked again and again without back-off").isLessThan(20);
        running.letters().close();
    }

    /** A ledger whose database is down: every read of the stored offsets fails, and is counted. */
    private static UsageLedger unreachable(AtomicInteger asked) {
        return new MemoryLedger() {
            @Override
            public Map<TopicPartitionId, Long> storedOffsets(String consumerGroup, Collection<TopicPartitionId> partitions) {
                asked.incrementAndGet();
                throw new LedgerUnavailableException("database down", null);
            }
        };
    }

    private static void awaitAtLeast(AtomicInteger counter, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (counter.get() < n) {
            assertThat(System.nanoTime()).as("waited for %d asks", n).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** A ledger that keeps charges and offsets in memory, and can be told to be unreachable. */
    static class MemoryLedger implements UsageLedger {
        final List<RatedUsage> charged = new CopyOnWriteArrayList<>();
        final Map<TopicPartitionId, Long> offsets = new ConcurrentHashMap<>();
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public synchronized ChargeOutcome charge(RatedBatch batch, DeadLetters deadLetters) {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new LedgerUnavailableException("database down", null);
            }
            if (batch.usage().stream().anyMatch(u -> u.record().eventId().equals("poison"))) {
                throw new IllegalStateException("cannot fold this record");
            }
            charged.addAll(batch.usage());
            batch.nextOffsets().forEach((tp, next) -> offsets.merge(tp, next, Math::max));
            return new ChargeOutcome(batch.usage().size(), 0, 0);
        }

        @Override
        public Map<TopicPartitionId, Long> storedOffsets(String consumerGroup, Collection<TopicPartitionId> partitions) {
            return Map.copyOf(offsets);
        }
    }

    private record Running(UsageConsumer consumer, KafkaDeadLetters letters, Thread thread) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            consumer.close();
            thread.join(10_000);
            letters.close();
        }
    }

    private static Running run(IngestSettings settings, UsageLedger ledger) {
        KafkaDeadLetters letters = new KafkaDeadLetters(settings.kafka(), settings.deadLetterTopic());
        UsageConsumer consumer = new UsageConsumer(settings, ledger, letters, CatalogHistory.of(List.of(DefaultCatalog.version1())),
                UsageWindow.of(Clock.systemUTC()), new IngestMetrics(new SimpleMeterRegistry()));
        Thread thread = new Thread(consumer, "test-consumer");
        thread.start();
        return new Running(consumer, letters, thread);
    }

    private static IngestSettings settings(String name) {
        String suffix = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        IngestSettings settings = new IngestSettings(KafkaConnection.plain(kafka.bootstrapServers()), "usage." + suffix, "dlq." + suffix, "group-" + suffix, 500, null);
        TopicSetup.ensure(settings.kafka(), List.of(settings.usageTopic(), settings.deadLetterTopic()), 1);
        return settings;
    }

    private static String valid(String eventId) {
        Instant anHourAgo = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        return "{\"eventId\":\"" + eventId + "\",\"kind\":\"tokens\",\"accountId\":\"acct-1\",\"occurredAt\":\"" + anHourAgo + "\","
                + "\"model\":\"deepseek-ai/DeepSeek-V3\",\"inputTokens\":2000,\"outputTokens\":500}";
    }

    private static void publish(String topic, List<String> values) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            values.forEach(v -> producer.send(new ProducerRecord<>(topic, "acct-1", v)));
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) {
        return TopicReader.read(kafka.bootstrapServers(), topic, expected);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return TopicReader.header(record, name);
    }

    private static void awaitCharged(MemoryLedger ledger, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (ledger.charged.size() < count) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("only " + ledger.charged.size() + " of " + count + " records were charged");
            }
            Thread.sleep(50);
        }
    }
}
