package dev.inference.ledger.service.account;

import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.common.caching.Cache;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A command sent inside a Spring transaction that Axon does not own (an HTTP write claiming its
 * idempotency key) commits its unit of work, and caches the account, before that transaction commits.
 * When the transaction then rolls back, the cached state never happened: forget it, so the next command
 * loads the account from the event store. (The ingest needs none of this: its batch's root unit of work
 * owns the transaction, and Axon's caching repository forgets the accounts itself on rollback.)
 */
@Component
public class ForgetAccountOnRollback implements MessageHandlerInterceptor<CommandMessage<?>> {

    private final Cache accountCache;

    public ForgetAccountOnRollback(@Qualifier("accountCache") Cache accountCache, CommandBus commandBus) {
        this.accountCache = accountCache;
        commandBus.registerHandlerInterceptor(this);
    }

    @Override
    public Object handle(UnitOfWork<? extends CommandMessage<?>> unitOfWork, InterceptorChain chain) throws Exception {
        if (unitOfWork.getMessage().getPayload() instanceof AccountCommand command
                && TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status != STATUS_COMMITTED) {
                        accountCache.remove(command.accountId());
                    }
                }
            });
        }
        return chain.proceed();
    }
}
