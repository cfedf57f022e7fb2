package dev.inference.ledger.service.projection;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Semaphore;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.GenericTrackedDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.inference.ledger.service.parking.Failures;
import dev.inference.ledger.service.projection.LateEvents.Late;
import dev.inference.ledger.service.runtime.PeriodicWorker;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Applies the events a processor passed over (GapWatch) once they are committed, and forgets those that
 * never will be. Each is applied by the instance that holds its processor's segment, to the processor's
 * handlers, in a transaction of its own taken between two of the segment's batches (a lock each batch
 * holds until it commits), so a view keeps one writer at a time and the audit log one order. An event
 * that fails is marked failed and shown on the health as DOWN; it is not retried.
 */
@Component
public class LateEventRepair extends PeriodicWorker {

    static final String METRIC = "ledger.projection.gaps";
    private static final Logger log = LoggerFactory.getLogger(LateEventRepair.class);
    private static final String LOCKED = LateEventRepair.class.getName() + ".locked";

    private final LateEvents late;
    private final ProcessorHandlers handlers;
    private final MeterRegistry meters;
    private final TransactionTemplate transactions;
    private final Map<String, Semaphore> segmentLocks = new ConcurrentHashMap<>();

    public LateEventRepair(LateEvents late, ProcessorHandlers handlers, MeterRegistry meters,
                           PlatformTransactionManager transactions,
                           @Value("${ledger.events.late-check-interval:1s}") Duration interval) {
        super("late-events", interval);
        this.late = late;
        this.handlers = handlers;
        this.meters = meters;
        this.transactions = new TransactionTemplate(transactions);
    }

    @Override
    protected void runOnce() {
        late.forgetRolledBack().forEach(processor -> count(processor, "rolled-back"));
        for (Late event : late.committed()) {
            handlers.status(event.processor(), event.segment()).ifPresent(segment -> repair(event, segment));
        }
    }

    /** Holds the segment's lock for the whole batch, from its first handled event to its end. */
    public MessageHandlerInterceptor<EventMessage<?>> interceptor(String processor) {
        String segmentKey = "Processor[" + processor + "]/SegmentId";
        return (unitOfWork, chain) -> {
            UnitOfWork<?> batch = unitOfWork.root();
            if (batch.resources().get(segmentKey) instanceof Integer segment && !batch.resources().containsKey(LOCKED)) {
                Semaphore lock = lock(processor, segment);
                batch.resources().put(LOCKED, lock);
                if (lock.tryAcquire(60, TimeUnit.SECONDS)) {
                    batch.onCleanup(u -> lock.release());
                } else {
                    log.error("{} segment {}: a late event's repair held the segment for 60 s; this batch goes on beside it", processor, segment);
                }
            }
            return chain.proceed();
        };
    }

    private void repair(Late event, EventTrackerStatus segment) {
        Semaphore lock = lock(event.processor(), event.segment());
        try {
            if (!lock.tryAcquire(10, TimeUnit.SECONDS)) {
                log.warn("{} segment {} was busy for 10 s: late event {} #{} waits for the next round", event.processor(),
                        event.segment(), event.aggregateId(), event.sequence());
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            String outcome = transactions.execute(status -> apply(event, segment));
            if (outcome != null) {
                count(event.processor(), outcome);
            }
        } catch (RuntimeException e) {
            late.fail(event, Failures.describe(e));
            count(event.processor(), "failed");
            log.error("{} could not apply late event {} #{} (index {}): marked failed; {}", event.processor(),
                    event.aggregateId(), event.sequence(), event.globalIndex(), Failures.describe(e));
        } finally {
            lock.release();
        }
    }

    /** In the repair's transaction: takes the row, applies the event; what came of it, or null if nothing to do. */
    private String apply(Late event, EventTrackerStatus segment) {
        Optional<EventHandlerInvoker> invoker = handlers.invoker(event.processor());
        Optional<DomainEventMessage<?>> stored = handlers.read(event.aggregateId(), event.sequence());
        if (invoker.isEmpty() || stored.isEmpty() || !late.take(event)) {
            return null; // applied by another instance meanwhile
        }
        // Given the segment's position, as an event that fills a gap is.
        TrackedEventMessage<?> message = new GenericTrackedDomainEventMessage<>(segment.getTrackingToken(), stored.get());
        if (!invoker.get().canHandle(message, segment.getSegment())) {
            return "not-handled"; // of another segment, or of no handler's type: nothing was owed
        }
        BatchingUnitOfWork<TrackedEventMessage<?>> unitOfWork = new BatchingUnitOfWork<>(message);
        ResultMessage<?> result = unitOfWork.executeWithResult(() -> {
            invoker.get().handle(unitOfWork.getMessage(), segment.getSegment());
            return null;
        }, RollbackConfigurationType.ANY_THROWABLE);
        if (result.isExceptional()) {
            throw new IllegalStateException(Failures.describe(result.exceptionResult()), result.exceptionResult());
        }
        log.info("{} applied late event {} #{} (index {})", event.processor(), event.aggregateId(), event.sequence(),
                event.globalIndex());
        return "applied";
    }

    /** Not a thread's lock: a batch may end on another thread than it began. */
    private Semaphore lock(String processor, int segment) {
        return segmentLocks.computeIfAbsent(processor + "#" + segment, k -> new Semaphore(1));
    }

    private void count(String processor, String outcome) {
        meters.counter(METRIC, "processor", processor, "outcome", outcome).increment();
    }
}
