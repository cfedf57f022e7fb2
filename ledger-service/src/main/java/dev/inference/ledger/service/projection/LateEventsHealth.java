package dev.inference.ledger.service.projection;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * DOWN on /actuator/health while a late event (GapWatch) failed to apply, or has been committed for longer
 * than {@code ledger.events.late-overdue} without its processor applying it: some view misses an event.
 * Waiting for a transaction still open is normal. The counts are the gauges
 * {@code ledger.projection.gaps.open{state}}; liveness and readiness leave this out (a restart fixes nothing).
 */
@Component("projectionGaps")
public class LateEventsHealth extends AbstractHealthIndicator {

    private final LateEvents late;
    private final long overdueSeconds;

    public LateEventsHealth(LateEvents late, MeterRegistry meters,
                            @Value("${ledger.events.late-overdue:5m}") Duration overdue) {
        this.late = late;
        this.overdueSeconds = overdue.toSeconds();
        Gauge.builder("ledger.projection.gaps.open", late, LateEvents::waiting).tag("state", "waiting")
                .description("events a processor passed over, not yet applied or known rolled back").register(meters);
        Gauge.builder("ledger.projection.gaps.open", late, LateEvents::failed).tag("state", "failed")
                .description("events a processor passed over and then failed to apply").register(meters);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        long failed = late.failed();
        long overdue = late.overdue(overdueSeconds);
        builder.status(failed + overdue == 0 ? Status.UP : Status.DOWN).withDetail("waiting", late.waiting()).withDetail("failed", failed).withDetail("overdue", overdue);
    }
}
