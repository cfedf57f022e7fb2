package dev.inference.ledger.service.security;

import java.util.Optional;

/**
 * A path variable or query parameter that names something of one account (an invoice's {@code number}):
 * the access rule reads its account, so a bound token reaches only its own account's things, whatever
 * the endpoint.
 */
public interface AccountOwner {

    /** The request name it owns, the same on every endpoint. */
    String requestName();

    /** The account of the thing named; empty when there is none (the endpoint then answers 404). */
    Optional<String> accountOf(String value);
}
