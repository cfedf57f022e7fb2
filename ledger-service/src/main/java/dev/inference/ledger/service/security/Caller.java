package dev.inference.ledger.service.security;

/** Who is calling: their token's id and role and, for a token bound to one account, that account. */
public record Caller(String tokenId, Role role, String accountId) {

    /**
     * The authority of a caller who may read the whole service's figures (metrics, health details): an admin
     * or metrics token bound to no account. A token bound to one account sees nothing summed across accounts.
     */
    public static final String OPERATOR_AUTHORITY = "ROLE_OPERATOR";

    public boolean isBound() {
        return accountId != null;
    }

    public boolean isOperator() {
        return !isBound() && (role == Role.ADMIN || role == Role.METRICS);
    }

    public boolean mayAccess(String account) {
        return accountId == null || accountId.equals(account);
    }
}
