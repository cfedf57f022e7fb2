package dev.inference.ledger.kernel.account;

import java.time.Instant;
import java.util.Optional;

import dev.inference.ledger.kernel.account.AccountEvent.CreditExpired;
import dev.inference.ledger.kernel.account.AccountEvent.CreditGranted;
import dev.inference.ledger.kernel.account.AccountEvent.CreditStarted;
import dev.inference.ledger.kernel.account.AccountEvent.CreditVoided;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeSucceeded;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.money.Money;

/**
 * A prepaid balance moved by credit rather than by usage: money in (a top-up, a recharge, a grant that counts from now)
 * or out (what was left of a grant at its expiry, a grant voided). The one reading of these events that every view of the
 * balance shares: the entry's {@code type}, its {@code reference} (the top-up, recharge or grant), the change and the
 * balance after it.
 */
public record BalanceMovement(String type, String reference, Money change, Money balanceAfter, Instant at) {

    public static final String TOP_UP = "top-up";
    public static final String RECHARGE = "recharge";
    public static final String GRANT = "grant";
    public static final String GRANT_EXPIRED = "grant-expired";
    public static final String GRANT_VOIDED = "grant-voided";

    /** The movement the event is; empty for every other event, and for a grant waiting for its effective time. */
    public static Optional<BalanceMovement> of(Object event) {
        if (event instanceof TopUpCredited t) {
            return Optional.of(new BalanceMovement(TOP_UP, t.topUpId(), t.amount(), t.balanceAfter(), t.creditedAt()));
        }
        if (event instanceof RechargeSucceeded r) {
            return Optional.of(new BalanceMovement(RECHARGE, r.rechargeId(), r.amount(), r.balanceAfter(), r.succeededAt()));
        }
        if (event instanceof CreditGranted g) {
            return g.effectiveNow() ? Optional.of(new BalanceMovement(GRANT, g.grantId(), g.amount(), g.balanceAfter(), g.grantedAt()))
                    : Optional.empty();
        }
        if (event instanceof CreditStarted s) {
            return Optional.of(new BalanceMovement(GRANT, s.grantId(), s.amount(), s.balanceAfter(), s.startedAt()));
        }
        if (event instanceof CreditExpired e) {
            return Optional.of(new BalanceMovement(GRANT_EXPIRED, e.grantId(), e.amount().negate(), e.balanceAfter(), e.expiredAt()));
        }
        if (event instanceof CreditVoided v) {
            // A grant voided before its effective time never counted: nothing moves.
            return !v.counted() ? Optional.empty()
                    : Optional.of(new BalanceMovement(GRANT_VOIDED, v.grantId(), v.amount().negate(), v.balanceAfter(), v.voidedAt()));
        }
        return Optional.empty();
    }
}
