package dev.inference.ledger.service.security;

/** Who is calling: the role of their token and, for a token bound to one account, that account. */
public record Caller(Role role, String accountId) {

    public static final String REQUEST_ATTRIBUTE = Caller.class.getName();

    public boolean mayAccess(String account) {
        return accountId == null || accountId.equals(account);
    }
}
