package dev.inference.ledger.service.bench;

import java.time.Duration;

import org.axonframework.eventhandling.StreamingEventProcessor;

/**
 * The account views rebuilt from the event store from scratch on a running product: account-views
 * stopped, its tokens reset (its reset handlers empty the tables), started, timed until balances and
 * entries account for every usage record charged again.
 */
final class Replay {

    record Result(long records, double seconds, String failure) {
        double perSecond() {
            return failure == null ? records / seconds : Double.NaN;
        }
    }

    private Replay() {
    }

    static Result run(ProductRun product, long charged, Duration timeout, int pollMs) throws InterruptedException {
        if (!product.missingColumns.isEmpty()) {
            return new Result(charged, Double.NaN, "column " + String.join(", ", product.missingColumns) + " does not exist in this build");
        }
        // Everything charged so far first, so that the replay has a fixed amount of work.
        if (!ProductRun.awaitTrue(() -> sum(product, ProductRun.BALANCE_RECORDS) >= charged
                && sum(product, ProductRun.ENTRY_RECORDS) >= charged, timeout)) {
            return new Result(charged, Double.NaN, String.format("the views never reached %,d records before the replay", charged));
        }
        try {
            StreamingEventProcessor views = product.processor(ProductRun.ACCOUNT_VIEWS);
            views.shutDown();
            views.resetTokens();
            long start = System.nanoTime();
            views.start();
            // Summing the entries is not free: once a second until the balances are back, then at every poll.
            long deadline = start + timeout.toNanos();
            long viewsAt = 0;
            long entriesAt = 0;
            long lastEntries = 0;
            while ((viewsAt == 0 || entriesAt == 0) && System.nanoTime() < deadline) {
                long now = System.nanoTime();
                if (viewsAt == 0 && sum(product, ProductRun.BALANCE_RECORDS) >= charged) {
                    viewsAt = now;
                }
                if (entriesAt == 0 && (viewsAt != 0 || now - lastEntries > 1_000_000_000L)) {
                    lastEntries = now;
                    if (sum(product, ProductRun.ENTRY_RECORDS) >= charged) {
                        entriesAt = now;
                    }
                }
                Thread.sleep(pollMs);
            }
            boolean done = viewsAt != 0 && entriesAt != 0;
            long end = done ? Math.max(viewsAt, entriesAt) : System.nanoTime();
            double seconds = (end - start) / 1e9;
            if (!done) {
                return new Result(charged, seconds, String.format("balances %,d and entries %,d of %,d records after %s",
                        sum(product, ProductRun.BALANCE_RECORDS), sum(product, ProductRun.ENTRY_RECORDS), charged, timeout));
            }
            return new Result(charged, seconds, null);
        } catch (RuntimeException e) {
            return new Result(charged, Double.NaN, e.toString());
        }
    }

    private static long sum(ProductRun product, String sql) {
        return product.jdbc.queryForObject(sql, Long.class);
    }
}
