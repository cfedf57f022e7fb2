package dev.inference.ledger.service.runtime;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * A task run every {@code interval} on a daemon thread of its own, from {@link #start()} until {@link #stop()}, on
 * Spring's task scheduler. A round that fails is logged, and the next one runs as planned. Work that must run on one
 * instance only is not for this: it goes to db-scheduler (the monthly run).
 */
public final class Periodic {

    private static final Logger log = LoggerFactory.getLogger(Periodic.class);

    private final String name;
    private final Duration interval;
    private final Runnable task;
    private ThreadPoolTaskScheduler scheduler;

    public Periodic(String name, Duration interval, Runnable task) {
        this.name = name;
        this.interval = interval;
        this.task = task;
    }

    public synchronized void start() {
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix(name + "-");
        scheduler.setDaemon(true);
        scheduler.setErrorHandler(e -> log.warn("{}: this round failed, the next one runs in {}: {}", name, interval, e.toString()));
        scheduler.initialize();
        scheduler.scheduleWithFixedDelay(task, Instant.now().plus(interval), interval);
    }

    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdown();
            scheduler = null;
        }
    }

    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
