package dev.inference.ledger.processing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * Gathers a projection's writes over the whole batch of events a processor handles in one transaction
 * and flushes them once, just before that transaction commits: a round trip per batch, not per event.
 * The flush commits or rolls back with the processor's token, so a batch is applied whole or not at all.
 * While a failed batch is taken event by event (parking/), each event's writes are flushed on their own.
 */
public final class ProcessingBatch {

    private static final String WRITES = ProcessingBatch.class.getName();

    private ProcessingBatch() {
    }

    private record Pending<T>(T writes, Consumer<T> flush) {
        void write() {
            flush.accept(writes);
        }
    }

    /** The pending writes of {@code key} in the batch being handled, created (with its flush) on first use. */
    @SuppressWarnings("unchecked")
    public static <T> T pending(String key, Supplier<T> create, Consumer<T> flush) {
        return ((Pending<T>) writes().computeIfAbsent(key, k -> new Pending<>(create.get(), flush))).writes();
    }

    /** Writes every pending write of the batch now (in registration order), and starts gathering afresh. */
    public static void flush() {
        flush(writes());
    }

    private static void flush(Map<String, Pending<?>> writes) {
        try {
            writes.values().forEach(Pending::write);
        } finally {
            writes.clear();
        }
    }

    /** Forgets the pending writes, for an event whose writes were rolled back to a savepoint. */
    public static void discard() {
        writes().clear();
    }

    private static Map<String, Pending<?>> writes() {
        UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
        return batch.getOrComputeResource(WRITES, k -> {
            Map<String, Pending<?>> writes = new LinkedHashMap<>();
            batch.onPrepareCommit(u -> flush(writes));
            return writes;
        });
    }
}
