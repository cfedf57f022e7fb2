package dev.inference.ledger.kernel;

/**
 * A command an aggregate refuses by one of its rules. {@code code} is stable and becomes the problem
 * document's type; {@code refusedBy} names the aggregate for the document's title.
 */
public abstract class RuleViolation extends RuntimeException {

    private final String code;
    private final String refusedBy;

    protected RuleViolation(String code, String message, String refusedBy) {
        super(message);
        this.code = code;
        this.refusedBy = refusedBy;
    }

    public String code() {
        return code;
    }

    public String refusedBy() {
        return refusedBy;
    }
}
