package dev.inference.ledger.invoicing;

import java.time.Duration;
import java.time.Instant;

/**
 * How an invoice's payment is retried: {@code attempts} in all, the first retry after {@code firstRetryAfter},
 * each later one after twice the wait before it. Injected into the Invoice's handlers.
 */
public record PaymentSchedule(int attempts, Duration firstRetryAfter) {

    public PaymentSchedule {
        if (attempts < 1 || firstRetryAfter.isNegative()) {
            throw new IllegalArgumentException("a payment is attempted at least once, with waits of zero or more");
        }
    }

    boolean retries(int attempt) {
        return attempt < attempts;
    }

    Instant retryAt(int attempt, Instant now) {
        return now.plus(firstRetryAfter.multipliedBy(1L << Math.min(attempt - 1, 20)));
    }
}
