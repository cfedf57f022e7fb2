package dev.inference.ledger.service.projection;

import java.util.function.Consumer;
import java.util.function.Supplier;

import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * Gathers a projection's writes over the whole batch of events a processor handles in one transaction
 * and flushes them once, just before that transaction commits: a round trip per batch, not per event.
 * The flush commits or rolls back with the processor's token, so a batch is applied whole or not at all.
 */
public final class ProcessingBatch {

    private ProcessingBatch() {
    }

    /** The pending writes of {@code key} in the batch being handled, created (with its flush) on first use. */
    public static <T> T pending(String key, Supplier<T> create, Consumer<T> flush) {
        UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
        return batch.getOrComputeResource(key, k -> {
            T pending = create.get();
            batch.onPrepareCommit(u -> flush.accept(pending));
            return pending;
        });
    }
}
