package dev.inference.ledger.service.usage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.inference.ledger.ingest.IngestMetrics;
import dev.inference.ledger.ingest.IngestSettings;
import dev.inference.ledger.ingest.KafkaDeadLetters;
import dev.inference.ledger.ingest.UsageConsumer;
import dev.inference.ledger.kernel.pricing.CatalogHistory;
import dev.inference.ledger.kernel.usage.UsageWindow;
import dev.inference.ledger.service.config.LedgerProperties;
import dev.inference.ledger.service.kafka.KafkaTopics;
import io.micrometer.core.instrument.MeterRegistry;

/** Runs the usage consumer on its own thread while the application runs, when the ingest role is on. */
@Component
@ConditionalOnProperty(name = "ledger.roles.ingest", havingValue = "true", matchIfMissing = true)
public class IngestRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IngestRunner.class);

    private final LedgerProperties properties;
    private final LedgerUsagePort ledger;
    private final CatalogHistory catalogs;
    private final MeterRegistry meters;
    private final UsageWindow window;
    private KafkaDeadLetters deadLetters;
    private UsageConsumer consumer;
    private Thread thread;

    public IngestRunner(LedgerProperties properties, KafkaTopics topics, LedgerUsagePort ledger, CatalogHistory catalogs,
                        MeterRegistry meters, UsageWindow window) {
        this.properties = properties;
        this.ledger = ledger;
        this.catalogs = catalogs;
        this.meters = meters;
        this.window = window;
    }

    @Override
    public synchronized void start() {
        IngestSettings settings = properties.ingestSettings();
        deadLetters = new KafkaDeadLetters(settings.kafka(), settings.deadLetterTopic());
        consumer = new UsageConsumer(settings, ledger, deadLetters, catalogs, window, new IngestMetrics(meters));
        thread = new Thread(consumer, "usage-ingest");
        thread.setUncaughtExceptionHandler((t, e) -> log.error("the usage consumer stopped", e));
        thread.start();
        log.info("ingesting {} as consumer group {}", settings.usageTopic(), settings.consumerGroup());
    }

    @Override
    public synchronized void stop() {
        if (consumer != null) {
            consumer.close();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deadLetters.close();
            consumer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return consumer != null;
    }

    public synchronized boolean isConsuming() {
        return thread != null && thread.isAlive();
    }
}
