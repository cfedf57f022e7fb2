package dev.inference.ledger.service.account;

/** A command the account refuses; {@code code} is stable and becomes the problem document's type. */
public class AccountRuleViolation extends RuntimeException {

    private final String code;

    public AccountRuleViolation(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
