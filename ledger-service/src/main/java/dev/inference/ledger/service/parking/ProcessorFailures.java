package dev.inference.ledger.service.parking;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.axonframework.eventhandling.ErrorHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Event processors whose batch failed and is being retried (Axon retries a failed batch with a back-off
 * of at most 60 s): DOWN until the batch that failed commits. A failure no retry repeats for 5 minutes is
 * forgotten, as when another instance took the segment over.
 */
@Component("eventProcessors")
public class ProcessorFailures extends AbstractHealthIndicator {

    private static final Duration FORGOTTEN_AFTER = Duration.ofMinutes(5);

    private record Failure(String processor, Instant at, String cause) {
    }

    /** By the first event of the failed batch. */
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    public ProcessorFailures(Clock clock) {
        this.clock = clock;
    }

    /** Records the failure, then rethrows it: the processor rolls the batch back and retries it. */
    public ErrorHandler recording() {
        return context -> {
            if (!context.failedEvents().isEmpty()) {
                failures.put(context.failedEvents().get(0).getIdentifier(),
                        new Failure(context.eventProcessor(), clock.instant(), Failures.describe(context.error())));
            }
            PropagatingErrorHandler.instance().handleError(context);
        };
    }

    /** Forgets a failure once the event its batch began with is committed. */
    public MessageHandlerInterceptor<EventMessage<?>> clearing() {
        return (unitOfWork, chain) -> {
            if (!failures.isEmpty()) {
                String id = unitOfWork.getMessage().getIdentifier();
                Failure failure = failures.get(id);
                if (failure != null) {
                    unitOfWork.root().afterCommit(u -> failures.remove(id, failure));
                }
            }
            return chain.proceed();
        };
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Instant forgotten = clock.instant().minus(FORGOTTEN_AFTER);
        failures.values().removeIf(f -> f.at().isBefore(forgotten));
        Map<String, String> failing = new TreeMap<>();
        failures.values().forEach(f -> failing.merge(f.processor(), f.at() + " " + f.cause(), (a, b) -> a.compareTo(b) > 0 ? a : b));
        if (failing.isEmpty()) {
            builder.up();
        } else {
            builder.down().withDetail("failing", failing);
        }
    }
}
