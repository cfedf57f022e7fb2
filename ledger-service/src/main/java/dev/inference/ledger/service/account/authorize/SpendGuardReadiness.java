package dev.inference.ledger.service.account.authorize;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Whether this instance's authorize view has read the event stream up to its head once since start,
 * and is still reading it. Until then its answers could be stale (an account suspended later in the stream would still be
 * allowed), so authorize refuses to answer and the instance reports itself out of service.
 */
@Component("authorizeView")
public class SpendGuardReadiness extends AbstractHealthIndicator {

    private final EventProcessingConfiguration processing;
    private volatile boolean caughtUp;

    public SpendGuardReadiness(EventProcessingConfiguration processing) {
        this.processing = processing;
    }

    /** Caught up once since start, and still reading: a stopped or failing view would answer from the past. */
    public boolean ready() {
        var processor = processing.eventProcessor(SpendGuard.GROUP, TrackingEventProcessor.class);
        if (processor.isEmpty() || !processor.get().isRunning() || processor.get().isError()) {
            return false;
        }
        if (!caughtUp) {
            var status = processor.get().processingStatus();
            caughtUp = !status.isEmpty() && status.values().stream().allMatch(EventTrackerStatus::isCaughtUp);
        }
        return caughtUp;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (ready()) {
            builder.up();
        } else {
            builder.outOfService().withDetail("authorize", "still reading the event stream");
        }
    }
}
