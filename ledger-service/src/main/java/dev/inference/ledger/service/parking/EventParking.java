package dev.inference.ledger.service.parking;

import java.sql.Connection;
import java.sql.Savepoint;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.ErrorHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;

import dev.inference.ledger.processing.ProcessingBatch;

/**
 * Keeps one event a projection cannot apply from stopping the others. A database error aborts the whole
 * transaction of a batch, and the views write at its commit, so the failing event cannot be told from
 * the batch in it: the batch is rolled back and retried by the processor, and on that retry its events
 * are taken one by one, each behind a savepoint with its writes flushed at once. The one that fails is
 * rolled back to its savepoint and parked, in the transaction that moves the processor on; every later
 * event of its account (aggregate) is parked behind it, in order, so that an account's view never shows
 * a later event over a missing earlier one. Other accounts go on. An admin retries a park (ParkedEventRetry).
 */
@Component
public class EventParking {

    private static final Logger log = LoggerFactory.getLogger(EventParking.class);
    private static final String PARKED_ACCOUNTS = EventParking.class.getName() + ".accounts";
    /** Failed batches of segments another instance took over are never retried here: forget them past this. */
    private static final int MAX_SUSPECTS = 100_000;

    /** Identifiers of the events of failed batches, to be taken one by one when their batch comes again. */
    private final Set<String> suspects = ConcurrentHashMap.newKeySet();
    private final ParkedEvents parked;
    private final DataSource dataSource;

    public EventParking(ParkedEvents parked, DataSource dataSource) {
        this.parked = parked;
        this.dataSource = dataSource;
    }

    /** The processor's error handler: marks the failed batch's events, then lets {@code next} decide (it rethrows). */
    public ErrorHandler isolating(ErrorHandler next) {
        return context -> {
            if (suspects.size() > MAX_SUSPECTS) {
                suspects.clear();
            }
            context.failedEvents().forEach(event -> suspects.add(event.getIdentifier()));
            next.handleError(context);
        };
    }

    public MessageHandlerInterceptor<EventMessage<?>> interceptor(String processor) {
        return (unitOfWork, chain) -> handle(processor, unitOfWork, chain);
    }

    private Object handle(String processor, UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain chain)
            throws Exception {
        if (!(unitOfWork.getMessage() instanceof DomainEventMessage<?> event)) {
            return chain.proceed();
        }
        String account = event.getAggregateIdentifier();
        UnitOfWork<?> batch = unitOfWork.root();
        Set<String> parkedAccounts = batch.getOrComputeResource(PARKED_ACCOUNTS, k -> parked.accounts(processor));
        if (parkedAccounts.contains(account)) {
            if (parked.lockParked(processor, account)) {
                park(processor, event, null);
                return null;
            }
            parkedAccounts.remove(account); // retried since the batch began
        }
        if (!suspects.contains(event.getIdentifier())) {
            return chain.proceed();
        }
        batch.afterCommit(u -> suspects.remove(event.getIdentifier()));
        ProcessingBatch.flush(); // the writes of the events before are not this event's
        Connection connection = DataSourceUtils.getConnection(dataSource);
        Savepoint savepoint = connection.setSavepoint();
        try {
            Object result = chain.proceed();
            ProcessingBatch.flush();
            connection.releaseSavepoint(savepoint);
            return result;
        } catch (Exception e) {
            connection.rollback(savepoint);
            ProcessingBatch.discard();
            String cause = Failures.describe(e);
            log.error("{} could not apply event {} (sequence {}) of {}: parked with the account's later events; {}",
                    processor, event.getIdentifier(), event.getSequenceNumber(), account, cause);
            park(processor, event, cause);
            parkedAccounts.add(account);
            return null;
        }
    }

    private void park(String processor, DomainEventMessage<?> event, String cause) {
        parked.park(processor, event.getAggregateIdentifier(), event.getSequenceNumber(), event.getIdentifier(),
                event.getPayloadType().getSimpleName(), cause);
    }
}
