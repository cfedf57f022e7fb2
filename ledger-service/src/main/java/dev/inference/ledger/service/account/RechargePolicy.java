package dev.inference.ledger.service.account;

import java.time.Duration;
import java.time.Instant;

/**
 * How a failed recharge is retried: {@code maxAttempts} in all, the n-th retry after
 * {@code firstRetryAfter} × 2^(n-1). The same bound and backoff hold for the asks of one attempt that
 * get no definite answer (asked again with the same key). Bounded, so a card that keeps failing ends in one
 * {@code RechargeFailed} and a notification, not in a payment attempt a minute forever.
 */
public record RechargePolicy(int maxAttempts, Duration firstRetryAfter) {

    public RechargePolicy {
        if (maxAttempts < 1 || firstRetryAfter.isNegative()) {
            throw new IllegalArgumentException("a recharge is attempted at least once, retried after a positive delay");
        }
    }

    public static RechargePolicy defaults() {
        return new RechargePolicy(4, Duration.ofSeconds(30));
    }

    boolean retries(int failedAttempt) {
        return failedAttempt < maxAttempts;
    }

    Instant retryAt(int failedAttempt, Instant now) {
        return now.plus(firstRetryAfter.multipliedBy(1L << Math.min(failedAttempt - 1, 20)));
    }
}
