package dev.inference.ledger.processing;

import java.util.function.Supplier;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * Work outside any event processor done in one transaction owned by a root unit of work: every command
 * it sends joins it, and the aggregates it touches are released (or forgotten) only once it commits.
 */
public final class OwnUnitOfWork {

    private OwnUnitOfWork() {
    }

    public static <T> T call(TransactionManager transactions, Supplier<T> work) {
        UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        unitOfWork.attachTransaction(transactions);
        ResultMessage<T> result = unitOfWork.executeWithResult(work::get);
        if (result.isExceptional()) {
            Throwable failure = result.exceptionResult();
            throw failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
        }
        return result.getPayload();
    }
}
