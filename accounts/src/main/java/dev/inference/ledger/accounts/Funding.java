package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.inference.ledger.kernel.money.Money;

/**
 * How a prepaid balance is kept funded: the auto-recharge settings (a {@code threshold} of null: never
 * configured), how many recharges were ever requested, the one in flight, whether auto-recharge rests
 * after a recharge that failed for good, the warnings already given for the balance as it is, and the
 * recharges asked on the latest day one was asked ({@code day}, UTC), for the daily limit.
 */
public record Funding(boolean autoRecharge, Money threshold, Money amount, int recharges, Recharge inFlight, boolean resting,
                      boolean low, boolean exhausted, Today today) {

    static final Funding NONE = new Funding(false, null, null, 0, null, false, false, false, Today.NONE);

    public Funding {
        today = today == null ? Today.NONE : today;
    }

    /** The recharges asked on {@code day} and their sum; {@code limitReached}: the limit was told that day. */
    public record Today(String day, int recharges, BigDecimal amount, boolean limitReached) {
        static final Today NONE = new Today("", 0, BigDecimal.ZERO, false);

        Today on(String other) {
            return day.equals(other) ? this : new Today(other, 0, BigDecimal.ZERO, false);
        }
    }

    static String dayOf(Instant at) {
        return at.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    int rechargesOn(String day) {
        return today.on(day).recharges();
    }

    BigDecimal amountOn(String day) {
        return today.on(day).amount();
    }

    boolean limitToldOn(String day) {
        return today.on(day).limitReached();
    }

    /**
     * A recharge asked of the payment provider, the attempt being made (one idempotency key each) and how
     * many asks of that attempt got no definite answer.
     */
    public record Recharge(String rechargeId, Money amount, int attempt, int unanswered) {
    }

    /**
     * A recharge is due when the balance is below the threshold, or spent (a threshold of zero), and
     * none is in flight: never one per charge.
     */
    String nextRechargeId(String accountId) {
        return accountId + "-recharge-" + (recharges + 1);
    }

    Funding configured(boolean enabled, Money newThreshold, Money newAmount, Money balance) {
        return new Funding(enabled, newThreshold, newAmount, recharges, inFlight, false, low && balance.isLessThan(newThreshold),
                exhausted, today);
    }

    /** Money came in: the warnings hold only while the balance is still low, and a resting auto-recharge wakes. */
    Funding credited(Money balance) {
        return new Funding(autoRecharge, threshold, amount, recharges, inFlight, false,
                low && threshold != null && balance.isLessThan(threshold), exhausted && !balance.isPositive(), today);
    }

    Funding requested(Recharge recharge, Instant at) {
        Today day = today.on(dayOf(at));
        return new Funding(autoRecharge, threshold, amount, recharges + 1, recharge, resting, low, exhausted,
                new Today(day.day(), day.recharges() + 1, day.amount().add(recharge.amount().amount()), day.limitReached()));
    }

    Funding limitReached(String day) {
        Today on = today.on(day);
        return new Funding(autoRecharge, threshold, amount, recharges, inFlight, resting, low, exhausted,
                new Today(on.day(), on.recharges(), on.amount(), true));
    }

    Funding succeeded(Money balance) {
        return new Funding(autoRecharge, threshold, amount, recharges, null, resting, low, exhausted, today).credited(balance);
    }

    Funding attemptFailed() {
        return new Funding(autoRecharge, threshold, amount, recharges,
                new Recharge(inFlight.rechargeId(), inFlight.amount(), inFlight.attempt() + 1, 0), resting, low, exhausted, today);
    }

    Funding outcomeUnknown() {
        return new Funding(autoRecharge, threshold, amount, recharges,
                new Recharge(inFlight.rechargeId(), inFlight.amount(), inFlight.attempt(), inFlight.unanswered() + 1), resting, low,
                exhausted, today);
    }

    Funding failed() {
        return new Funding(autoRecharge, threshold, amount, recharges, null, true, low, exhausted, today);
    }

    Funding warnedLow() {
        return new Funding(autoRecharge, threshold, amount, recharges, inFlight, resting, true, exhausted, today);
    }

    Funding warnedExhausted() {
        return new Funding(autoRecharge, threshold, amount, recharges, inFlight, resting, low, true, today);
    }

    boolean rechargeInFlight() {
        return inFlight != null;
    }
}
