package dev.inference.ledger.service.security;

/** Who is calling: their token's id and role and, for a token bound to one account, that account. */
public record Caller(String tokenId, Role role, String accountId) {

    public boolean isBound() {
        return accountId != null;
    }

    public boolean mayAccess(String account) {
        return accountId == null || accountId.equals(account);
    }
}
