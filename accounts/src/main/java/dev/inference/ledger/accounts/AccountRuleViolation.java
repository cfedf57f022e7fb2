package dev.inference.ledger.accounts;

import dev.inference.ledger.kernel.RuleViolation;

/** A command the account refuses. */
public class AccountRuleViolation extends RuleViolation {

    public AccountRuleViolation(String code, String message) {
        super(code, message, "the account");
    }
}
