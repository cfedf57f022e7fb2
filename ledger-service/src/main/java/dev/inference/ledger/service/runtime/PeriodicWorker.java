package dev.inference.ledger.service.runtime;

import java.time.Duration;

import org.springframework.context.SmartLifecycle;

/**
 * A worker that does one round of its work every {@code interval} while the application runs: started
 * and stopped with the application's lifecycle (and stopped before what it uses is closed).
 */
public abstract class PeriodicWorker implements SmartLifecycle {

    private final Periodic rounds;

    protected PeriodicWorker(String name, Duration interval) {
        this.rounds = new Periodic(name, interval, this::runOnce);
    }

    /** One round; a round that throws is logged and the next one runs as planned. */
    protected abstract void runOnce();

    @Override
    public void start() {
        rounds.start();
    }

    @Override
    public void stop() {
        rounds.stop();
    }

    @Override
    public boolean isRunning() {
        return rounds.isRunning();
    }
}
