package dev.inference.ledger.service.hold;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.axonframework.common.transaction.TransactionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.inference.ledger.processing.OwnUnitOfWork;
import dev.inference.ledger.service.runtime.PeriodicWorker;

/**
 * Ends the holds nobody asks about: every half second, on every instance, the accounts whose holds were
 * named by usage charged since their book last looked, or ran out of time, are brought up to date, twenty
 * accounts a transaction. An account a decision holds, or looked at in the last interval, is passed over: a
 * decision does the same work, so an account that holds often settles by itself.
 */
@Component
public class HoldReconciler extends PeriodicWorker {

    private static final Logger log = LoggerFactory.getLogger(HoldReconciler.class);
    static final Duration INTERVAL = Duration.ofMillis(500);
    private static final int ACCOUNTS_PER_ROUND = 2_000;
    /** Few: a decision that wants one of these accounts waits for the whole transaction. */
    private static final int ACCOUNTS_PER_TRANSACTION = 20;

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
        List<String> accounts = store.withWork(clock.instant(), INTERVAL, ACCOUNTS_PER_ROUND);
        for (int from = 0; from < accounts.size(); from += ACCOUNTS_PER_TRANSACTION) {
            List<String> some = accounts.subList(from, Math.min(from + ACCOUNTS_PER_TRANSACTION, accounts.size()));
            try {
                OwnUnitOfWork.call(transactions, () -> {
                    desk.reconcile(some);
                    return null;
                });
            } catch (RuntimeException e) {
                log.warn("holds of {} accounts not reconciled this round (first {}): {}", some.size(), some.get(0), e.toString());
            }
        }
        metrics.counted(store.totals(clock.instant()));
    }
}
