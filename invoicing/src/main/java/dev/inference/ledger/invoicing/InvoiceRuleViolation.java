package dev.inference.ledger.invoicing;

import dev.inference.ledger.kernel.RuleViolation;

/** A request the invoice refuses, with the stable code its problem document carries. */
public class InvoiceRuleViolation extends RuleViolation {
    public InvoiceRuleViolation(String code, String message) {
        super(code, message, "the invoice");
    }
}
