package dev.inference.ledger.service.security;

import java.util.Optional;

public enum Role {
    GATEWAY("gateway"),
    STAFF("staff"),
    AUDITOR("auditor"),
    ADMIN("admin"),
    /** Scrapes {@code /actuator/prometheus} and nothing else. */
    METRICS("metrics"),
    /** A customer in the portal: bound to its account, reads it and does what its owner may; minted by a portal link only. */
    CUSTOMER("customer"),
    /** A portal link: bound to its account, short-lived, good for one thing only, once: to become a customer session. */
    PORTAL_LINK("portal-link");

    /** Roles a token always has bound to one account, minted only through a portal link. */
    public boolean portal() {
        return this == CUSTOMER || this == PORTAL_LINK;
    }

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
