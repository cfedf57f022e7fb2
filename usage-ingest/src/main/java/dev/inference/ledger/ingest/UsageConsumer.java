package dev.inference.ledger.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.inference.ledger.kernel.pricing.CatalogHistory;
import dev.inference.ledger.kernel.usage.Rejection;
import dev.inference.ledger.kernel.usage.UsageWindow;

/**
 * The consumer of {@code usage.events}. Offsets live in the ledger's database, written in the same
 * transaction as the charges (Kafka's "storing offsets outside Kafka"): on assignment the consumer
 * seeks to them, so a crash at any moment resumes exactly after the last charged batch. The commit to
 * Kafka that follows is only for lag monitoring.
 */
public final class UsageConsumer implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UsageConsumer.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final int ATTEMPTS_BEFORE_ISOLATING = 3;
    static final String CHARGE_FAILED = "charge-failed";

    private final IngestSettings settings;
    private final UsageLedger ledger;
    private final DeadLetters deadLetters;
    private final BatchRater rater;
    private final IngestMetrics metrics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private UsageLedger.ChargeOutcome lastOutcome = new UsageLedger.ChargeOutcome(0, 0, 0);
    private String lastFailure = "";

    public UsageConsumer(IngestSettings settings, UsageLedger ledger, DeadLetters deadLetters,
                         CatalogHistory catalogs, UsageWindow window, IngestMetrics metrics) {
        this.settings = settings;
        this.ledger = ledger;
        this.deadLetters = letters -> {
            deadLetters.publish(letters);
            metrics.deadLettered(letters);
        };
        this.rater = new BatchRater(catalogs, window);
        this.metrics = metrics;
        this.consumer = new KafkaConsumer<>(consumerProperties(settings));
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(settings.usageTopic()), new ResumeFromLedger());
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    ingest(records);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } finally {
            boolean interrupted = Thread.interrupted(); // the client's close would throw rather than leave the group
            consumer.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void ingest(ConsumerRecords<byte[], byte[]> records) {
        List<SourcePosition> polled = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            polled.add(new SourcePosition(r.topic(), r.partition(), r.offset(), r.key(), r.value()));
        }
        BatchRater.Result rated = rater.rate(settings.consumerGroup(), polled);
        long started = System.nanoTime();
        if (!chargeWithRetries(rated.batch(), rated.deadLetters(), ATTEMPTS_BEFORE_ISOLATING)) {
            // The batch keeps failing for a reason that is not an outage: find the record that
            // causes it by charging one record at a time, so that it alone goes to the DLQ.
            for (RatedUsage usage : rated.batch().usage()) {
                RatedBatch single = new RatedBatch(settings.consumerGroup(), List.of(usage),
                        Map.of(usage.position().topicPartition(), usage.position().offset() + 1));
                if (!chargeWithRetries(single, List.of(), ATTEMPTS_BEFORE_ISOLATING)) {
                    DeadLetter poison = new DeadLetter(usage.position(), new Rejection(CHARGE_FAILED,
                            "the ledger could not charge this record: " + lastFailure));
                    chargeWithRetries(new RatedBatch(settings.consumerGroup(), List.of(), single.nextOffsets()), List.of(poison), Integer.MAX_VALUE);
                }
            }
            chargeWithRetries(new RatedBatch(settings.consumerGroup(), List.of(), rated.batch().nextOffsets()), List.of(), Integer.MAX_VALUE);
        }
        metrics.batch(polled.size(), lastOutcome, rated.deadLetters().size(), System.nanoTime() - started);
        commitForMonitoring(rated.batch());
        metrics.lag(lag());
    }

    /**
     * Charges a batch, retrying with backoff: without limit while the ledger is unavailable (an outage
     * skips nothing), up to {@code attempts} times for any other failure.
     */
    private boolean chargeWithRetries(RatedBatch batch, List<DeadLetter> rejected, int attempts) {
        Duration backoff = Duration.ofMillis(100);
        int failures = 0;
        while (running.get()) {
            try {
                // Dead letters first: a crash before the charge commits republishes them (at least
                // once on the DLQ) but never loses one.
                deadLetters.publish(rejected);
                lastOutcome = ledger.charge(batch, deadLetters);
                return true;
            } catch (LedgerUnavailableException e) {
                log.warn("ledger unavailable, retrying a batch of {} records in {} ms: {}", batch.usage().size(), backoff.toMillis(), e.getMessage());
            } catch (RuntimeException e) {
                lastFailure = e.toString();
                if (++failures >= attempts) {
                    log.error("a batch of {} records failed {} times", batch.usage().size(), failures, e);
                    return false;
                }
                log.warn("a batch of {} records failed, retrying in {} ms: {}", batch.usage().size(), backoff.toMillis(), e.toString());
            }
            metrics.retry();
            sleep(backoff);
            backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
        }
        throw new WakeupException();
    }

    private long lag() {
        long total = 0;
        for (TopicPartition tp : consumer.assignment()) {
            total += consumer.currentLag(tp).orElse(0);
        }
        return total;
    }

    private void commitForMonitoring(RatedBatch batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        batch.nextOffsets().forEach((tp, next) -> offsets.put(new TopicPartition(tp.topic(), tp.partition()), new OffsetAndMetadata(next)));
        consumer.commitAsync(offsets, (committed, error) -> {
            if (error != null) {
                log.debug("offset commit for monitoring failed; the ledger holds the real offsets", error);
            }
        });
    }

    /** Seeks every newly assigned partition to the offset the ledger stored with its last charge. */
    private final class ResumeFromLedger implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            List<TopicPartitionId> ids = partitions.stream().map(tp -> new TopicPartitionId(tp.topic(), tp.partition())).toList();
            Map<TopicPartitionId, Long> stored = storedOffsets(ids);
            for (TopicPartition tp : partitions) {
                Long next = stored.get(new TopicPartitionId(tp.topic(), tp.partition()));
                if (next != null) {
                    consumer.seek(tp, next);
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
            log.info("assigned {} partition(s) of {}, resuming from the ledger's stored offsets", partitions.size(), settings.usageTopic());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Nothing to flush: a batch is charged, with its offsets, before the next poll.
        }

        private Map<TopicPartitionId, Long> storedOffsets(List<TopicPartitionId> ids) {
            Duration backoff = Duration.ofMillis(100);
            while (running.get()) {
                try {
                    return ledger.storedOffsets(settings.consumerGroup(), ids);
                } catch (LedgerUnavailableException e) {
                    log.warn("cannot read stored offsets yet: {}", e.getMessage());
                    sleep(backoff);
                    backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
                }
            }
            throw new WakeupException(); // stopping while the ledger is away: the partitions resume elsewhere or at the next start
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
    }

    private static Properties consumerProperties(IngestSettings settings) {
        Properties p = settings.kafka().properties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.consumerGroup());
        if (settings.instanceId() != null) {
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, settings.instanceId());
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return p;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Waits before a retry; an interrupt is a request to stop, never a reason to retry at once. */
    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            running.set(false);
            Thread.currentThread().interrupt();
        }
    }
}
