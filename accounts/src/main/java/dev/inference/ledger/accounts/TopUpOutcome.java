package dev.inference.ledger.accounts;

/** What became of a top-up: credited at once, or held until an admin reviews it. */
public enum TopUpOutcome {
    CREDITED("credited"),
    HELD_FOR_REVIEW("held-for-review");

    private final String wire;

    TopUpOutcome(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
