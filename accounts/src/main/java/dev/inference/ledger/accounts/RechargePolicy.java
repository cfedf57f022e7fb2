package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

import dev.inference.ledger.kernel.money.Money;

/**
 * How a failed recharge is retried: {@code maxAttempts} in all, the n-th retry after
 * {@code firstRetryAfter} × 2^(n-1). The same bound and backoff hold for the asks of one attempt that
 * get no definite answer (asked again with the same key). Bounded, so a card that keeps failing ends in one
 * {@code RechargeFailed} and a notification, not in a payment attempt a minute forever.
 *
 * <p>And how many recharges one account may ask for in a UTC day, {@code maxPerDay} of at most
 * {@code maxAmountPerDay} in all: whatever the settings or the usage, a card is never charged in a loop.
 */
public record RechargePolicy(int maxAttempts, Duration firstRetryAfter, int maxPerDay, BigDecimal maxAmountPerDay) {

    public static final int DEFAULT_MAX_PER_DAY = 10;
    public static final BigDecimal DEFAULT_MAX_AMOUNT_PER_DAY = new BigDecimal("10000");

    public RechargePolicy {
        if (maxAttempts < 1 || firstRetryAfter.isNegative()) {
            throw new IllegalArgumentException("a recharge is attempted at least once, retried after a positive delay");
        }
        if (maxPerDay < 1 || maxAmountPerDay.signum() <= 0) {
            throw new IllegalArgumentException("the daily recharge limits must allow at least one recharge");
        }
    }

    public RechargePolicy(int maxAttempts, Duration firstRetryAfter) {
        this(maxAttempts, firstRetryAfter, DEFAULT_MAX_PER_DAY, DEFAULT_MAX_AMOUNT_PER_DAY);
    }

    public static RechargePolicy defaults() {
        return new RechargePolicy(4, Duration.ofSeconds(30));
    }

    /** The velocity limit: whether one more recharge of {@code amount} stays within the day's count and total. */
    boolean allowsAnother(Funding funding, Money amount, Instant now) {
        String day = Funding.dayOf(now);
        return funding.rechargesOn(day) < maxPerDay
                && funding.amountOn(day).add(amount.amount()).compareTo(maxAmountPerDay) <= 0;
    }

    boolean retries(int failedAttempt) {
        return failedAttempt < maxAttempts;
    }

    Instant retryAt(int failedAttempt, Instant now) {
        return now.plus(firstRetryAfter.multipliedBy(1L << Math.min(failedAttempt - 1, 20)));
    }
}
