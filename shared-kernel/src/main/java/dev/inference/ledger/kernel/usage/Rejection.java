package dev.inference.ledger.kernel.usage;

import java.util.List;

/**
 * Why a usage record cannot be charged: {@code reason} is a stable, machine-readable code (the
 * {@code x-dlq-reason} header), {@code detail} a sentence for the person who reads the dead letter.
 */
public record Rejection(String reason, String detail) {

    /** A detail is read by a person and travels in a Kafka header: it never repeats a huge input in full. */
    public static final int MAX_DETAIL = 1000;

    public static final String TOO_LARGE = "too-large";
    public static final String MALFORMED_JSON = "malformed-json";
    public static final String MISSING_FIELD = "missing-field";
    public static final String INVALID_FIELD = "invalid-field";
    public static final String NEGATIVE_QUANTITY = "negative-quantity";
    /** A quantity beyond its {@link UsageBounds} maximum (tokens, seconds, replicas, units). */
    public static final String IMPLAUSIBLE_QUANTITY = "implausible-quantity";
    /** A JSON object names one key twice: readers disagree on which one counts. */
    public static final String REPEATED_KEY = "repeated-key";
    /** Content follows the record's JSON object (a second document, or any other text): one message is one record. */
    public static final String TRAILING_CONTENT = "trailing-content";
    public static final String OVERLAP = "overlap";
    public static final String UNKNOWN_PRICE = "unknown-price";
    public static final String UNKNOWN_ACCOUNT = "unknown-account";
    public static final String CURRENCY_MISMATCH = "currency-mismatch";
    /** {@code occurredAt} is more than {@link UsageWindow#FUTURE_TOLERANCE} ahead of the ledger's clock. */
    public static final String FUTURE_EVENT = "future-event";
    /** {@code occurredAt} is further back than the lateness window. */
    public static final String TOO_LATE = "too-late";
    /** The Kafka key is missing or is not the record's {@code accountId} (the contract keys by account). */
    public static final String KEY_MISMATCH = "key-mismatch";
    /** The {@code eventId} was charged before, or earlier in the batch, with other content: charging it again could be wrong either way. */
    public static final String CONFLICTING_DUPLICATE = "conflicting-duplicate";
    /** The record's cost is above the review ceiling and its account already holds the most records a review queue keeps. */
    public static final String REVIEW_QUEUE_FULL = "review-queue-full";

    /** Every reason a record is refused for here (the ingest adds its own "charge-failed" for a record it cannot charge at all). */
    public static final List<String> REASONS = List.of(TOO_LARGE, MALFORMED_JSON, REPEATED_KEY, TRAILING_CONTENT, MISSING_FIELD,
            INVALID_FIELD, NEGATIVE_QUANTITY, IMPLAUSIBLE_QUANTITY, OVERLAP, UNKNOWN_PRICE, UNKNOWN_ACCOUNT, CURRENCY_MISMATCH, FUTURE_EVENT, TOO_LATE, KEY_MISMATCH,
            CONFLICTING_DUPLICATE, REVIEW_QUEUE_FULL);

    public Rejection {
        if (detail != null && detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL) + "…";
        }
    }
}
