package dev.inference.ledger.service.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import dev.inference.ledger.kernel.money.Decimals;

/**
 * The door's two grammars besides identifiers: decimals ({@link Decimals#GRAMMAR}: ASCII digits, an
 * optional minus and point; no exponent, no other script's digits) and instants (ISO-8601 in UTC, from
 * {@link #EARLIEST} to {@link #LATEST}, which every column and every date computation here can hold).
 */
final class WireInput {

    static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private WireInput() {
    }

    /** The decimal {@code value} writes, or a 400 problem of type {@code code} naming the field and the grammar. */
    static BigDecimal decimal(String field, String value, String code, String example) {
        return Decimals.parse(value).orElseThrow(() -> ApiException.badRequest(code, Decimals.notADecimal(field, value, example)));
    }

    /** The instant {@code value} names, or a 400 problem of type {@code code}. */
    static Instant instant(String field, String value, String code) {
        Instant instant;
        try {
            instant = Instant.parse(value);
        } catch (DateTimeParseException | NullPointerException e) {
            throw ApiException.badRequest(code, field + " must be an ISO-8601 instant in UTC, like 2026-11-22T10:00:00Z");
        }
        problem(field, instant).ifPresent(problem -> {
            throw ApiException.badRequest(code, problem);
        });
        return instant;
    }

    static Optional<String> problem(String field, Instant instant) {
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            return Optional.of(field + " must be from " + EARLIEST + " to " + LATEST + ", not " + instant);
        }
        return Optional.empty();
    }
}
