package dev.inference.ledger.service.account.authorize;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import dev.inference.ledger.kernel.hold.HoldEvent.Standing;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.accounts.Suspension;
import dev.inference.ledger.service.account.authorize.SpendGuard.Decision;

/**
 * What refuses an account's requests: its suspension, a prepaid balance spent while a recharge is on
 * its way ({@code exhausted}), a postpaid account with no card on file, the budget scopes blocked with the
 * month of the block, and what its open holds take ({@code holds}).
 */
record Guarded(boolean suspended, boolean exhausted, boolean noPaymentMethod, Map<String, String> blockedScopes, Holds holds) {

    static final Guarded OPEN = new Guarded(false, false, false, Map.of(), Holds.NONE);

    Guarded {
        blockedScopes = Map.copyOf(blockedScopes);
    }

    /**
     * The account's holds as the last hold event stood them: what they reserve ({@code held}), whether they
     * leave nothing available ({@code out}), and the budget scopes they fill, in the month of that event.
     */
    record Holds(BigDecimal held, boolean out, String period, Set<String> fullScopes) {
        static final Holds NONE = new Holds(BigDecimal.ZERO, false, null, Set.of());

        Holds {
            fullScopes = Set.copyOf(fullScopes);
        }

        static Holds of(Standing standing, String period) {
            return new Holds(standing.held().amount(), standing.available() != null && !standing.available().isPositive(), period,
                    Set.copyOf(standing.fullScopes()));
        }

        /** Money came in: the holds still take what they took, out of the new balance. */
        Holds credited(Money balanceAfter) {
            return new Holds(held, takeAll(held, balanceAfter), period, fullScopes);
        }

        /** Whether holds reserving {@code held} leave nothing of a balance just credited to {@code balanceAfter}. */
        static boolean takeAll(BigDecimal held, Money balanceAfter) {
            return held.signum() > 0 && balanceAfter.amount().compareTo(held) <= 0;
        }
    }

    /** How a budget scope is named among the blocked ones: {@code apiKey:key-1}. */
    static String scope(String scope, String scopeId) {
        return scope + ":" + scopeId;
    }

    /** The first reason to refuse, account-wide before narrower scopes; a block of an earlier month has lapsed. */
    Decision decide(String accountId, String apiKeyId, String projectId, String memberId, String period) {
        if (suspended) {
            return new Decision(false, "suspended");
        }
        if (exhausted || holds.out()) {
            return new Decision(false, "insufficient-balance");
        }
        if (noPaymentMethod) {
            return new Decision(false, "no-payment-method");
        }
        boolean heldFull = period.equals(holds.period()) && !holds.fullScopes().isEmpty();
        if (blockedScopes.isEmpty() && !heldFull) {
            return Decision.ALLOWED;
        }
        String[][] scopes = {{"account", accountId}, {"project", projectId}, {"member", memberId}, {"apiKey", apiKeyId}};
        for (String[] scope : scopes) {
            if (scope[1] == null) {
                continue;
            }
            String name = scope(scope[0], scope[1]);
            if (period.equals(blockedScopes.get(name)) || heldFull && holds.fullScopes().contains(name)) {
                return new Decision(false, "budget-hard-cap:" + name);
            }
        }
        return Decision.ALLOWED;
    }

    Guarded suspended(boolean suspended) {
        return new Guarded(suspended, exhausted, noPaymentMethod, blockedScopes, holds);
    }

    Guarded exhausted(boolean exhausted) {
        return new Guarded(suspended, exhausted, noPaymentMethod, blockedScopes, holds);
    }

    Guarded credited(Money balanceAfter) {
        return new Guarded(suspended, Suspension.exhausted(balanceAfter), noPaymentMethod, blockedScopes, holds.credited(balanceAfter));
    }

    Guarded noPaymentMethod(boolean none) {
        return new Guarded(suspended, exhausted, none, blockedScopes, holds);
    }

    Guarded holds(Holds holds) {
        return new Guarded(suspended, exhausted, noPaymentMethod, blockedScopes, holds);
    }

    Guarded blocked(String scope, String period) {
        Map<String, String> next = new HashMap<>(blockedScopes);
        next.put(scope, period);
        return new Guarded(suspended, exhausted, noPaymentMethod, next, holds);
    }

    Guarded unblocked(String scope) {
        Map<String, String> next = new HashMap<>(blockedScopes);
        next.remove(scope);
        return new Guarded(suspended, exhausted, noPaymentMethod, next, holds);
    }
}
