package dev.inference.ledger.kernel.usage;

import java.util.Optional;

public enum UsageKind {
    TOKENS("tokens"),
    COMPUTE("compute"),
    UNITS("units");

    private final String wire;

    UsageKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<UsageKind> fromWire(String value) {
        for (UsageKind kind : values()) {
            if (kind.wire.equals(value)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
