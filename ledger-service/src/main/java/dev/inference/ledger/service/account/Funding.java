package dev.inference.ledger.service.account;

import dev.inference.ledger.kernel.money.Money;

/**
 * How a prepaid balance is kept funded: the auto-recharge settings (a {@code threshold} of null: never
 * configured), how many recharges were ever requested, the one in flight, whether auto-recharge rests
 * after a recharge that failed for good, and the warnings already given for the balance as it is.
 */
public record Funding(boolean autoRecharge, Money threshold, Money amount, int recharges, Recharge inFlight, boolean resting,
                      boolean low, boolean exhausted) {

    static final Funding NONE = new Funding(false, null, null, 0, null, false, false, false);

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
    boolean rechargeDue(Money balance) {
        return autoRecharge && !resting && inFlight == null && (balance.isLessThan(threshold) || !balance.isPositive());
    }

    boolean warnLow(Money balance) {
        return !low && threshold != null && balance.isLessThan(threshold);
    }

    String nextRechargeId(String accountId) {
        return accountId + "-recharge-" + (recharges + 1);
    }

    Funding configured(boolean enabled, Money newThreshold, Money newAmount, Money balance) {
        return new Funding(enabled, newThreshold, newAmount, recharges, inFlight, false, low && balance.isLessThan(newThreshold),
                exhausted);
    }

    /** Money came in: the warnings hold only while the balance is still low, and a resting auto-recharge wakes. */
    Funding credited(Money balance) {
        return new Funding(autoRecharge, threshold, amount, recharges, inFlight, false,
                low && threshold != null && balance.isLessThan(threshold), exhausted && !balance.isPositive());
    }

    Funding requested(Recharge recharge) {
        return new Funding(autoRecharge, threshold, amount, recharges + 1, recharge, resting, low, exhausted);
    }

    Funding succeeded(Money balance) {
        return new Funding(autoRecharge, threshold, amount, recharges, null, resting, low, exhausted).credited(balance);
    }

    Funding attemptFailed() {
        return new Funding(autoRecharge, threshold, amount, recharges,
                new Recharge(inFlight.rechargeId(), inFlight.amount(), inFlight.attempt() + 1, 0), resting, low, exhausted);
    }

    Funding outcomeUnknown() {
        return new Funding(autoRecharge, threshold, amount, recharges,
                new Recharge(inFlight.rechargeId(), inFlight.amount(), inFlight.attempt(), inFlight.unanswered() + 1), resting, low,
                exhausted);
    }

    Funding failed() {
        return new Funding(autoRecharge, threshold, amount, recharges, null, true, low, exhausted);
    }

    Funding warnedLow() {
        return new Funding(autoRecharge, threshold, amount, recharges, inFlight, resting, true, exhausted);
    }

    Funding warnedExhausted() {
        return new Funding(autoRecharge, threshold, amount, recharges, inFlight, resting, low, true);
    }

    boolean rechargeInFlight() {
        return inFlight != null;
    }
}
