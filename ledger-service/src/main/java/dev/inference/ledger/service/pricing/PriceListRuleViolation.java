package dev.inference.ledger.service.pricing;

/** A price list command refused by a rule; {@code code} is the problem document's stable type. */
public class PriceListRuleViolation extends RuntimeException {

    private final String code;

    public PriceListRuleViolation(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
