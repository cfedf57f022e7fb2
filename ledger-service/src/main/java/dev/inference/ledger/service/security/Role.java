package dev.inference.ledger.service.security;

import java.util.Optional;

public enum Role {
    GATEWAY("gateway"),
    STAFF("staff"),
    AUDITOR("auditor"),
    ADMIN("admin"),
    /** Scrapes {@code /actuator/prometheus} and nothing else. */
    METRICS("metrics");

    private final String wire;

    Role(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The Spring Security authority of the role. */
    public String authority() {
        return "ROLE_" + name();
    }

    public static Optional<Role> fromWire(String value) {
        for (Role role : values()) {
            if (role.wire.equals(value)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
