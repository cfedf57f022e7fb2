package dev.inference.ledger.kernel.usage;

/**
 * Why a usage record cannot be charged: {@code reason} is a stable, machine-readable code (the
 * {@code x-dlq-reason} header), {@code detail} a sentence for the person who reads the dead letter.
 */
public record Rejection(String reason, String detail) {

    public static final String TOO_LARGE = "too-large";
    public static final String MALFORMED_JSON = "malformed-json";
    public static final String MISSING_FIELD = "missing-field";
    public static final String INVALID_FIELD = "invalid-field";
    public static final String NEGATIVE_QUANTITY = "negative-quantity";
    public static final String IMPOSSIBLE_COUNT = "impossible-count";
    public static final String OVERLAP = "overlap";
    public static final String UNKNOWN_PRICE = "unknown-price";
    public static final String UNKNOWN_ACCOUNT = "unknown-account";
    public static final String CURRENCY_MISMATCH = "currency-mismatch";
}
