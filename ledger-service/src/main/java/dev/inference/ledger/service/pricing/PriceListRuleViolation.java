package dev.inference.ledger.service.pricing;

import dev.inference.ledger.kernel.RuleViolation;

/** A price list command refused by a rule. */
public class PriceListRuleViolation extends RuleViolation {

    public PriceListRuleViolation(String code, String message) {
        super(code, message, "the price list");
    }
}
