package dev.inference.ledger.service.parking;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Parked events make the instance OUT_OF_SERVICE on /actuator/health (503): some account's views are
 * behind until an admin retries it. Only the overall health says so; the liveness and readiness groups
 * leave it out, so the instance keeps its traffic (the park is shared by every instance, and a restart
 * would not empty it). The same count is the gauge ledger_projection_parked_events.
 */
@Component("parkedEvents")
public class ParkedEventsHealth extends AbstractHealthIndicator {

    private static final int ACCOUNTS_SHOWN = 100;

    private final ParkedEvents parked;

    public ParkedEventsHealth(ParkedEvents parked, MeterRegistry meters) {
        this.parked = parked;
        Gauge.builder("ledger.projection.parked.events", parked, ParkedEvents::count)
                .description("events held back from the projections until an admin retries their account")
                .register(meters);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        long count = parked.count();
        if (count == 0) {
            builder.up().withDetail("count", 0);
        } else {
            builder.outOfService().withDetail("count", count).withDetail("accounts", parked.accounts(ACCOUNTS_SHOWN));
        }
    }
}
