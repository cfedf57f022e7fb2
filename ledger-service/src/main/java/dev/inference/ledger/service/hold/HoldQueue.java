package dev.inference.ledger.service.hold;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.axonframework.common.transaction.TransactionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.inference.ledger.processing.OwnUnitOfWork;
import dev.inference.ledger.service.hold.HoldDesk.Ask;
import dev.inference.ledger.service.hold.HoldRules.Placement;

/**
 * Holds asked at once share a transaction: a few desk threads each take every ask waiting (up to
 * {@value #MAX_BATCH}), decide them in one transaction and answer them all once it commits. Under load a
 * transaction serves tens of asks — one commit, one append of their events, one wake-up of the event
 * processors — and alone an ask waits for no one. A batch that fails is decided again one ask at a time,
 * so one bad ask fails no other.
 */
@Component
public class HoldQueue implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HoldQueue.class);
    static final int MAX_BATCH = 200;
    static final int THREADS = 2;
    /** Longer than any transaction should take: an answer not given by then is a 503, the hold maybe granted (its key replays it). */
    static final long ANSWER_WITHIN_SECONDS = 10;

    private record Pending(Ask ask, CompletableFuture<Optional<Placement>> answer) {
    }

    private final BlockingQueue<Pending> waiting = new LinkedBlockingQueue<>();
    private final HoldDesk desk;
    private final TransactionManager transactions;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public HoldQueue(HoldDesk desk, TransactionManager transactions) {
        this.desk = desk;
        this.transactions = transactions;
    }

    /** The desk's answer for the ask; empty when the account does not exist. Not decided in time, or by a desk stopping: a timeout. */
    public Optional<Placement> place(Ask ask) throws TimeoutException {
        if (!running) {
            throw new TimeoutException("this instance's hold desk is stopping");
        }
        CompletableFuture<Optional<Placement>> answer = new CompletableFuture<>();
        waiting.add(new Pending(ask, answer));
        try {
            return answer.get(ANSWER_WITHIN_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException("not decided within " + ANSWER_WITHIN_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the hold was decided", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    private void work() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running) {
            try {
                Pending first = waiting.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                waiting.drainTo(batch, MAX_BATCH - 1);
                decide(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void decide(List<Pending> batch) {
        try {
            List<Optional<Placement>> answers = OwnUnitOfWork.call(transactions, () -> desk.place(batch.stream().map(Pending::ask).toList()));
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).answer().complete(answers.get(i));
            }
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).answer().completeExceptionally(e);
                return;
            }
            log.warn("a batch of {} holds failed ({}); deciding them one by one", batch.size(), e.toString());
            for (Pending pending : batch) {
                decide(new ArrayList<>(List.of(pending)));
            }
        }
    }

    @Override
    public void start() {
        running = true;
        for (int i = 0; i < THREADS; i++) {
            Thread thread = new Thread(this::work, "hold-desk-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    @Override
    public void stop() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        // Asks still waiting get no answer from this instance: their clients retry, on another.
        waiting.forEach(p -> p.answer().completeExceptionally(new IllegalStateException("the hold desk stopped")));
        waiting.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
