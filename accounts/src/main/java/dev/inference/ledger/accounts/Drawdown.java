package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.inference.ledger.kernel.account.GrantDraw;
import dev.inference.ledger.accounts.Grants.Grant;

/**
 * The order in which usage spends a prepaid account's credit grants: the lowest {@code priority} first; among equal
 * priorities the grant that expires soonest (one that never expires last); then the oldest effective; then the one
 * granted first. A record whose cost is more than the grant in turn has left takes the rest from the next grants, and
 * what no grant covers takes the balance below zero. A grant pays for what is charged while it is open: its
 * effective time has come and its expiry has not.
 */
final class Drawdown {

    static final Comparator<Grant> ORDER = Comparator.comparingInt(Grant::priority)
            .thenComparing(Grant::expiresAt, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Grant::effectiveAt);

    private final List<Grant> queue;
    private final BigDecimal[] left;
    private final Map<String, BigDecimal> drawn = new LinkedHashMap<>(4);
    private int next;
    /** What promotional grants gave so far: spend that was never paid. */
    private BigDecimal free = BigDecimal.ZERO;

    private Drawdown(List<Grant> queue) {
        this.queue = queue;
        this.left = new BigDecimal[queue.size()];
        for (int i = 0; i < left.length; i++) {
            left[i] = queue.get(i).remaining();
        }
    }

    /** The grants that may pay at {@code at}, in their order (a stable sort: equal grants stay in the order granted). */
    static Drawdown of(Grants grants, Instant at) {
        List<Grant> queue = new ArrayList<>(grants.open().size());
        for (Grant grant : grants.open()) {
            if (grant.spendableAt(at)) {
                queue.add(grant);
            }
        }
        queue.sort(ORDER);
        return new Drawdown(queue);
    }

    /** Takes {@code cost} from the grants in turn; returns what they could not cover. */
    BigDecimal draw(BigDecimal cost) {
        BigDecimal owed = cost;
        while (owed.signum() > 0 && next < queue.size()) {
            BigDecimal piece = owed.min(left[next]);
            drawn.merge(queue.get(next).grantId(), piece, BigDecimal::add);
            if (queue.get(next).kind() == dev.inference.ledger.kernel.account.GrantKind.PROMOTIONAL) {
                free = free.add(piece);
            }
            owed = owed.subtract(piece);
            left[next] = left[next].subtract(piece);
            if (left[next].signum() == 0) {
                next++;
            }
        }
        return owed;
    }

    /** What promotional grants have given so far. */
    BigDecimal free() {
        return free;
    }

    /** What each grant gave, in the order they were drawn. */
    List<GrantDraw> draws() {
        List<GrantDraw> draws = new ArrayList<>(drawn.size());
        drawn.forEach((grantId, amount) -> draws.add(new GrantDraw(grantId, amount)));
        return draws;
    }
}
