package dev.inference.ledger.service.account.authorize;

import java.util.HashMap;
import java.util.Map;

import dev.inference.ledger.service.account.authorize.SpendGuard.Decision;

/**
 * What refuses an account's requests: its suspension, a prepaid balance spent while a recharge is on
 * its way ({@code exhausted}), a postpaid account with no card on file, and the budget scopes blocked with the month of the block.
 */
record Guarded(boolean suspended, boolean exhausted, boolean noPaymentMethod, Map<String, String> blockedScopes) {

    static final Guarded OPEN = new Guarded(false, false, false, Map.of());

    Guarded {
        blockedScopes = Map.copyOf(blockedScopes);
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
        if (exhausted) {
            return new Decision(false, "insufficient-balance");
        }
        if (noPaymentMethod) {
            return new Decision(false, "no-payment-method");
        }
        if (blockedScopes.isEmpty()) {
            return Decision.ALLOWED;
        }
        String[][] scopes = {{"account", accountId}, {"project", projectId}, {"member", memberId}, {"apiKey", apiKeyId}};
        for (String[] scope : scopes) {
            if (scope[1] != null && period.equals(blockedScopes.get(scope(scope[0], scope[1])))) {
                return new Decision(false, "budget-hard-cap:" + scope[0] + ":" + scope[1]);
            }
        }
        return Decision.ALLOWED;
    }

    Guarded suspended(boolean suspended) {
        return new Guarded(suspended, exhausted, noPaymentMethod, blockedScopes);
    }

    Guarded exhausted(boolean exhausted) {
        return new Guarded(suspended, exhausted, noPaymentMethod, blockedScopes);
    }

    Guarded noPaymentMethod(boolean none) {
        return new Guarded(suspended, exhausted, none, blockedScopes);
    }

    Guarded blocked(String scope, String period) {
        Map<String, String> next = new HashMap<>(blockedScopes);
        next.put(scope, period);
        return new Guarded(suspended, exhausted, noPaymentMethod, next);
    }

    Guarded unblocked(String scope) {
        Map<String, String> next = new HashMap<>(blockedScopes);
        next.remove(scope);
        return new Guarded(suspended, exhausted, noPaymentMethod, next);
    }
}
