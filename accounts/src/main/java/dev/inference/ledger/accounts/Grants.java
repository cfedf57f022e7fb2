package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.GrantDraw;
import dev.inference.ledger.kernel.account.GrantKind;

/**
 * A prepaid account's credit grants that are still open (waiting for their effective time, or with something left to
 * spend), in the order they were granted, and the ids of every grant made through the grants API, so that one is never
 * granted twice. A grant drawn to nothing, expired or voided leaves the list.
 */
public record Grants(List<Grant> open, Set<String> granted, BigDecimal freeSpent) {

    static final Grants NONE = new Grants(List.of(), Set.of(), BigDecimal.ZERO);

    /** The order in which usage draws open grants ({@link Drawdown}). */
    public static final java.util.Comparator<Grant> DRAW_ORDER = Drawdown.ORDER;

    public Grants {
        open = open == null ? List.of() : List.copyOf(open);
        granted = granted == null ? Set.of() : Set.copyOf(granted);
        freeSpent = freeSpent == null ? BigDecimal.ZERO : freeSpent;
    }

    /**
     * One grant: {@code remaining} of {@code amount} left; {@code started} once it counts in the balance; {@code drawn} once
     * anything was taken from it (usage, a debt it paid) or it was opened again by a reversal.
     */
    public record Grant(String grantId, GrantKind kind, int priority, Instant effectiveAt, Instant expiresAt, BigDecimal amount,
                        BigDecimal remaining, boolean started, boolean drawn) {

        /** Whether it may pay for usage charged at {@code at}. */
        boolean spendableAt(Instant at) {
            return started && remaining.signum() > 0 && (expiresAt == null || at.isBefore(expiresAt));
        }

        /** Waiting for its effective time, or with something left: a grant drawn to nothing leaves the open ones. */
        boolean staysOpen() {
            return !started || remaining.signum() > 0;
        }

        /** Its effective time has come and it does not count yet. */
        boolean startsBy(Instant now) {
            return !started && !effectiveAt.isAfter(now);
        }

        boolean expiresBy(Instant now) {
            return expiresAt != null && !expiresAt.isAfter(now);
        }

        /** Nothing was ever drawn from it: only such a grant may be voided. */
        boolean unused() {
            return !drawn && remaining.compareTo(amount) == 0;
        }

        Grant drawn(BigDecimal piece) {
            return new Grant(grantId, kind, priority, effectiveAt, expiresAt, amount, remaining.subtract(piece), started, true);
        }

        Grant returned(BigDecimal piece) {
            return new Grant(grantId, kind, priority, effectiveAt, expiresAt, amount, remaining.add(piece), started, true);
        }

        Grant startedWith(BigDecimal spendable) {
            return new Grant(grantId, kind, priority, effectiveAt, expiresAt, amount, spendable, true, spendable.compareTo(amount) != 0);
        }
    }

    /** The sum the open grants have left that counts in the balance. */
    BigDecimal spendable() {
        BigDecimal sum = BigDecimal.ZERO;
        for (Grant grant : open) {
            if (grant.started()) {
                sum = sum.add(grant.remaining());
            }
        }
        return sum;
    }

    public Grant find(String grantId) {
        for (Grant grant : open) {
            if (grant.grantId().equals(grantId)) {
                return grant;
            }
        }
        return null;
    }

    /** A grant added; one with nothing to spend (all of it paid a balance below zero) is not kept open. */
    Grants added(Grant grant, boolean throughApi) {
        List<Grant> next = new ArrayList<>(open);
        if (grant.staysOpen()) {
            next.add(grant);
        }
        Set<String> ids = granted;
        if (throughApi) {
            ids = new HashSet<>(granted);
            ids.add(grant.grantId());
        }
        return new Grants(next, ids, freeSpent);
    }

    Grants started(String grantId, BigDecimal spendable) {
        List<Grant> next = new ArrayList<>(open.size());
        for (Grant grant : open) {
            Grant now = grant.grantId().equals(grantId) ? grant.startedWith(spendable) : grant;
            if (now.staysOpen()) {
                next.add(now);
            }
        }
        return new Grants(next, granted, freeSpent);
    }

    Grants ended(String grantId) {
        List<Grant> next = new ArrayList<>(open);
        next.removeIf(grant -> grant.grantId().equals(grantId));
        return new Grants(next, granted, freeSpent);
    }

    /** Credit given back to grants by a reversal: to an open grant, or opening again one that was drawn to nothing. */
    Grants returned(List<AccountEvent.GrantReturn> returns) {
        if (returns.isEmpty()) {
            return this;
        }
        List<Grant> next = new ArrayList<>(open);
        BigDecimal free = freeSpent;
        for (AccountEvent.GrantReturn back : returns) {
            int at = -1;
            for (int i = 0; i < next.size(); i++) {
                if (next.get(i).grantId().equals(back.grantId())) {
                    at = i;
                }
            }
            if (back.kind() == GrantKind.PROMOTIONAL) {
                free = free.subtract(back.amount());
            }
            if (at >= 0) {
                next.set(at, next.get(at).returned(back.amount()));
            } else {
                next.add(new Grant(back.grantId(), back.kind(), back.priority(), back.effectiveAt(), back.expiresAt(), back.amount(),
                        back.amount(), true, true));
            }
        }
        return new Grants(next, granted, free);
    }

    /** Spend promotional grants had paid that a reversal took away while their part expired on its way back. */
    Grants freeGone(dev.inference.ledger.kernel.money.Money expired) {
        return expired == null ? this : new Grants(open, granted, freeSpent.subtract(expired.amount()));
    }

    /** The draws taken off the grants they came from; a grant drawn to nothing leaves. */
    Grants drawn(List<GrantDraw> draws) {
        if (draws.isEmpty()) {
            return this;
        }
        Map<String, BigDecimal> pieces = new java.util.HashMap<>();
        for (GrantDraw draw : draws) {
            pieces.merge(draw.grantId(), draw.amount(), BigDecimal::add);
        }
        List<Grant> next = new ArrayList<>(open.size());
        BigDecimal free = freeSpent;
        for (Grant grant : open) {
            BigDecimal piece = pieces.get(grant.grantId());
            Grant now = piece == null ? grant : grant.drawn(piece);
            if (piece != null && grant.kind() == GrantKind.PROMOTIONAL) {
                free = free.add(piece);
            }
            if (now.staysOpen()) {
                next.add(now);
            }
        }
        return new Grants(next, granted, free);
    }
}
