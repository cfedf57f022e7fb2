package dev.inference.ledger.service.account;

import dev.inference.ledger.kernel.RuleViolation;

/** A command the account refuses. */
public class AccountRuleViolation extends RuleViolation {

    public AccountRuleViolation(String code, String message) {
        super(code, message, "the account");
    }
}
