package dev.inference.ledger.ingest;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.inference.ledger.kernel.usage.Rejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** What the ingest counts: records in and their outcomes, batch sizes, time to charge a batch. */
public final class IngestMetrics {

    private final Counter received;
    private final Counter charged;
    private final Counter duplicates;
    private final Counter deadLettered;
    private final Counter retries;
    private final DistributionSummary batchSize;
    private final Timer batchTime;
    private final AtomicLong lag = new AtomicLong();
    private final MeterRegistry registry;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        received = registry.counter("ledger.ingest.records", "outcome", "received");
        charged = registry.counter("ledger.ingest.records", "outcome", "charged");
        duplicates = registry.counter("ledger.ingest.records", "outcome", "duplicate");
        deadLettered = registry.counter("ledger.ingest.records", "outcome", "dead-lettered");
        retries = registry.counter("ledger.ingest.batch.retries");
        batchSize = DistributionSummary.builder("ledger.ingest.batch.size").register(registry);
        registry.gauge("ledger.ingest.consumer.lag", lag);
        // Every reason from the start, at zero: an alert on their increase needs the series before the first one.
        Rejection.REASONS.forEach(reason -> registry.counter("ledger.ingest.dead.letters", "reason", reason));
        registry.counter("ledger.ingest.dead.letters", "reason", UsageConsumer.CHARGE_FAILED);
        batchTime = Timer.builder("ledger.ingest.batch.time").description("decode, rate, charge and commit one batch").register(registry);
    }

    void batch(int size, UsageLedger.ChargeOutcome outcome, int rejectedBeforeLedger, long nanos) {
        received.increment(size);
        charged.increment(outcome.charged());
        duplicates.increment(outcome.duplicates());
        deadLettered.increment(outcome.deadLettered() + rejectedBeforeLedger);
        batchSize.record(size);
        batchTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Dead letters by reason, as published (a batch retried after an outage publishes its own again, as the topic shows). */
    void deadLettered(List<DeadLetter> letters) {
        for (DeadLetter letter : letters) {
            registry.counter("ledger.ingest.dead.letters", "reason", letter.rejection().reason()).increment();
        }
    }

    void lag(long records) {
        lag.set(records);
    }

    void retry() {
        retries.increment();
    }
}
