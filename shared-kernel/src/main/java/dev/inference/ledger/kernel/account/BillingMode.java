package dev.inference.ledger.kernel.account;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Prepaid accounts draw charges from their balance; postpaid ones accrue them as unbilled usage. */
public enum BillingMode {
    PREPAID("prepaid"),
    POSTPAID("postpaid");

    private final String wire;

    BillingMode(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static BillingMode fromWire(String value) {
        for (BillingMode mode : values()) {
            if (mode.wire.equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("billingMode must be 'prepaid' or 'postpaid'");
    }
}
