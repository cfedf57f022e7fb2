package dev.inference.ledger.service.hold;

import java.time.Clock;
import java.time.Duration;

import org.axonframework.common.transaction.TransactionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.inference.ledger.service.config.OwnUnitOfWork;
import dev.inference.ledger.service.runtime.PeriodicWorker;

/**
 * Ends the holds nobody asks about: every half second, on every instance, the accounts whose holds were
 * named by usage charged since their book last looked, or ran out of time, are brought up to date, each in
 * a transaction of its own. An account a decision holds is passed over: that decision does the same work.
 */
@Component
public class HoldReconciler extends PeriodicWorker {

    private static final Logger log = LoggerFactory.getLogger(HoldReconciler.class);
    static final Duration INTERVAL = Duration.ofMillis(500);
    private static final int ACCOUNTS_PER_ROUND = 500;

    private final HoldStore store;
    private final HoldDesk desk;
    private final HoldMetrics metrics;
    private final TransactionManager transactions;
    private final Clock clock;

    public HoldReconciler(HoldStore store, HoldDesk desk, HoldMetrics metrics, TransactionManager transactions, Clock clock) {
        super("hold-reconciler", INTERVAL);
        this.store = store;
        this.desk = desk;
        this.metrics = metrics;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    protected void runOnce() {
        for (String accountId : store.withWork(clock.instant(), ACCOUNTS_PER_ROUND)) {
            try {
                OwnUnitOfWork.call(transactions, () -> {
                    desk.reconcile(accountId);
                    return null;
                });
            } catch (RuntimeException e) {
                log.warn("holds of account {} not reconciled this round: {}", accountId, e.toString());
            }
        }
        metrics.counted(store.totals(clock.instant()));
    }
}
