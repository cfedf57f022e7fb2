package dev.inference.ledger.kernel.usage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When a usage record may say it occurred, judged by one clock: at most {@link #FUTURE_TOLERANCE} ahead
 * (a publisher's clock may run a little fast, not by a year) and at most {@code lateness} behind. The
 * ingest and the quote endpoint apply the same window, so a quote is never given for usage the ledger
 * would refuse.
 */
public record UsageWindow(Clock clock, Duration lateness) {

    public static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
    /** A month and a few days: a publisher that was down may still deliver last month's usage. */
    public static final Duration DEFAULT_LATENESS = Duration.ofDays(35);

    public UsageWindow {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(lateness, "lateness");
        if (lateness.isNegative() || lateness.isZero()) {
            throw new IllegalArgumentException("lateness must be positive, not " + lateness);
        }
    }

    public static UsageWindow of(Clock clock) {
        return new UsageWindow(clock, DEFAULT_LATENESS);
    }

    /** Why a record that occurred at {@code occurredAt} is outside the window now; empty when it is inside. */
    public Optional<Rejection> check(Instant occurredAt) {
        Instant now = clock.instant();
        if (occurredAt.isAfter(now.plus(FUTURE_TOLERANCE))) {
            return Optional.of(new Rejection(Rejection.FUTURE_EVENT, "occurredAt " + occurredAt + " is more than "
                    + FUTURE_TOLERANCE.toMinutes() + " minutes after now (" + now + ")"));
        }
        if (occurredAt.isBefore(now.minus(lateness))) {
            return Optional.of(new Rejection(Rejection.TOO_LATE, "occurredAt " + occurredAt + " is more than "
                    + lateness.toDays() + " days before now (" + now + "); usage that late is no longer charged"));
        }
        return Optional.empty();
    }
}
