package dev.inference.ledger.kernel.account;

import java.util.Arrays;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a credit grant's money came from. Finance tells them apart: consumption paid from {@code purchased} credit is
 * revenue already collected, from {@code promotional} credit it is not revenue at all, from {@code contractual} credit it
 * is what a contract committed.
 */
public enum GrantKind {
    PURCHASED("purchased"),
    PROMOTIONAL("promotional"),
    CONTRACTUAL("contractual");

    private final String wire;

    GrantKind(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static GrantKind fromWire(String value) {
        for (GrantKind kind : values()) {
            if (kind.wire.equals(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("kind must be one of " + Arrays.stream(values()).map(GrantKind::wire).toList());
    }
}
