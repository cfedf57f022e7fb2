package dev.inference.ledger.service.parking;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.AbstractEventProcessor;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.inference.ledger.service.parking.ParkedEvents.Parked;

/**
 * Applies an account's parked events again, in their order, to the handlers of the processor that parked
 * them, in one transaction: all of them leave the park, or none does. The events are read from the event
 * store, as they were first delivered.
 */
@Component
public class ParkedEventRetry {

    /** How a retry ended: the events applied, or why they are still parked. */
    public record Outcome(String accountId, int events, boolean projected, String cause) {
    }

    private final ParkedEvents parked;
    private final EventStorageEngine events;
    private final EventProcessingConfiguration processing;
    private final TransactionTemplate transactions;

    public ParkedEventRetry(ParkedEvents parked, EventStorageEngine events, EventProcessingConfiguration processing,
                            PlatformTransactionManager transactions) {
        this.parked = parked;
        this.events = events;
        this.processing = processing;
        this.transactions = new TransactionTemplate(transactions);
    }

    /** Retries every park of the account; empty when nothing of it is parked. */
    public Optional<Outcome> retry(String accountId) {
        List<String> processors = parked.processors(accountId);
        if (processors.isEmpty()) {
            return Optional.empty();
        }
        int applied = 0;
        for (String processor : processors) {
            try {
                applied += transactions.execute(status -> apply(processor, accountId));
            } catch (RetryFailed e) {
                return Optional.of(new Outcome(accountId, applied, false, e.getMessage()));
            }
        }
        return Optional.of(new Outcome(accountId, applied, true, null));
    }

    private int apply(String processor, String accountId) {
        parked.lockParked(processor, accountId);
        List<Parked> park = parked.of(processor, accountId);
        if (park.isEmpty()) {
            return 0;
        }
        Set<Long> sequences = park.stream().map(Parked::sequence).collect(Collectors.toSet());
        List<DomainEventMessage<?>> messages;
        try (var stream = events.readEvents(accountId, park.get(0).sequence()).asStream()) {
            messages = stream.filter(m -> sequences.contains(m.getSequenceNumber())).<DomainEventMessage<?>>map(m -> m).toList();
        }
        EventHandlerInvoker handlers = processing.eventProcessor(processor, AbstractEventProcessor.class)
                .orElseThrow(() -> new RetryFailed("no processor " + processor + " here")).eventHandlerInvoker();
        BatchingUnitOfWork<DomainEventMessage<?>> unitOfWork = new BatchingUnitOfWork<>(messages);
        ResultMessage<?> result = unitOfWork.executeWithResult(() -> {
            handlers.handle(unitOfWork.getMessage(), Segment.ROOT_SEGMENT);
            return null;
        }, RollbackConfigurationType.ANY_THROWABLE);
        if (result.isExceptional()) {
            throw new RetryFailed(Failures.describe(result.exceptionResult()));
        }
        parked.remove(processor, accountId, park.get(park.size() - 1).sequence());
        return messages.size();
    }

    private static final class RetryFailed extends RuntimeException {
        RetryFailed(String message) {
            super(message);
        }
    }
}
