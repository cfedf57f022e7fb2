package dev.inference.ledger.kernel.usage;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.kernel.account.AccountId;
import dev.inference.ledger.kernel.money.Decimals;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.kernel.usage.UsageRecord.TokenCounts;

/**
 * Reads and validates the bytes of a {@code usage.events} record. It never throws on bad input:
 * every way a record can be wrong comes back as a {@link Rejection} with a stable reason.
 * Fields it does not know are ignored, so publishers may send newer versions of the contract.
 */
public final class UsageDecoder {

    public static final int MAX_BYTES = 64 * 1024;
    private static final int MAX_ID_LENGTH = 256;
    static final long MAX_PROMPT_TOKENS = 10_000_000;
    static final BigDecimal MAX_INTERVAL_SECONDS = BigDecimal.valueOf(366L * 24 * 3600);

    private final ObjectMapper json = new ObjectMapper();

    public Decoded decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return invalid(Rejection.MALFORMED_JSON, "the record has no value");
        }
        if (bytes.length > MAX_BYTES) {
            return invalid(Rejection.TOO_LARGE, "the record has " + bytes.length + " bytes; at most " + MAX_BYTES + " are accepted");
        }
        JsonNode root;
        try {
            root = json.readTree(bytes);
        } catch (JsonProcessingException e) {
            return invalid(Rejection.MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return invalid(Rejection.MALFORMED_JSON, "not readable: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            return invalid(Rejection.MALFORMED_JSON, "the record is not a JSON object");
        }
        try {
            return new Decoded.Valid(read(root));
        } catch (InvalidRecord e) {
            return new Decoded.Invalid(e.rejection);
        }
    }

    private UsageRecord read(JsonNode root) {
        String eventId = requiredText(root, "eventId");
        if (eventId.length() > MAX_ID_LENGTH) {
            throw reject(Rejection.INVALID_FIELD, "eventId is longer than " + MAX_ID_LENGTH + " characters");
        }
        String kindText = requiredText(root, "kind");
        UsageKind kind = UsageKind.fromWire(kindText)
                .orElseThrow(() -> reject(Rejection.INVALID_FIELD, "kind must be tokens, compute or units, not '" + kindText + "'"));
        String accountId = requiredText(root, "accountId");
        if (!AccountId.isValid(accountId)) {
            throw reject(Rejection.INVALID_FIELD, "accountId '" + accountId + "' is not a valid account id");
        }
        Instant occurredAt = instant(root, "occurredAt");
        Attribution attribution = new Attribution(optionalText(root, "apiKeyId"), optionalText(root, "projectId"), optionalText(root, "memberId"));
        String source = optionalText(root, "source");
        String provider = optionalText(root, "provider");
        return switch (kind) {
            case TOKENS -> new UsageRecord(eventId, kind, accountId, occurredAt, source, attribution,
                    requiredText(root, "model"), provider, tokenCounts(root), null, null, null, null, null, null, null);
            case COMPUTE -> compute(root, eventId, accountId, occurredAt, source, attribution, provider);
            case UNITS -> new UsageRecord(eventId, kind, accountId, occurredAt, source, attribution,
                    requiredText(root, "model"), provider, null, null, null, null, null, requiredText(root, "unit"),
                    quantity(root, "quantity"), null);
        };
    }

    private UsageRecord compute(JsonNode root, String eventId, String accountId, Instant occurredAt, String source,
                                Attribution attribution, String provider) {
        BigDecimal seconds = quantity(root, "seconds");
        if (seconds.compareTo(MAX_INTERVAL_SECONDS) > 0) {
            throw reject(Rejection.INVALID_FIELD, "seconds is " + seconds.toPlainString() + "; one interval covers at most "
                    + MAX_INTERVAL_SECONDS + " (366 days)");
        }
        String endpoint = optionalText(root, "endpoint");
        String replica = optionalText(root, "replica");
        Interval interval = endpoint == null ? null : new Interval(endpoint, replica == null ? Interval.DEFAULT_REPLICA : replica,
                occurredAt, occurredAt.plusNanos(seconds.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact()));
        return new UsageRecord(eventId, UsageKind.COMPUTE, accountId, occurredAt, source, attribution, optionalText(root, "model"),
                provider, null, requiredText(root, "meter"), seconds, replicas(root), state(root), null, null, interval);
    }

    /** A decimal amount of time or units: a string as the contract writes it ("60.0"), or a whole number. */
    private BigDecimal quantity(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw reject(Rejection.MISSING_FIELD, field + " is required");
        }
        BigDecimal value;
        if (node.isIntegralNumber()) {
            value = node.decimalValue();
        } else if (node.isTextual()) {
            try {
                value = new BigDecimal(node.asText());
            } catch (NumberFormatException e) {
                throw reject(Rejection.INVALID_FIELD, field + " must be a decimal string like \"60.0\", not '" + node.asText() + "'");
            }
        } else {
            // A JSON fraction would arrive in binary floating point: exact amounts come as strings.
            throw reject(Rejection.INVALID_FIELD, field + " must be a decimal string like \"60.0\" or a whole number");
        }
        if (!Decimals.fits(value, 15, Money.SCALE)) {
            throw reject(Rejection.INVALID_FIELD, field + " must be less than 10^15 with at most " + Money.SCALE + " decimal places");
        }
        if (value.signum() < 0) {
            throw reject(Rejection.NEGATIVE_QUANTITY, field + " is negative (" + value.toPlainString() + ")");
        }
        return value;
    }

    private int replicas(JsonNode root) {
        JsonNode node = root.get("replicas");
        if (node == null || node.isNull()) {
            return 1;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw reject(Rejection.INVALID_FIELD, "replicas must be a whole number");
        }
        if (node.asInt() < 0) {
            throw reject(Rejection.NEGATIVE_QUANTITY, "replicas is negative (" + node.asInt() + ")");
        }
        return node.asInt();
    }

    private String state(JsonNode root) {
        String state = optionalText(root, "state");
        if (state == null) {
            return ComputeState.RUNNING.wire();
        }
        if (ComputeState.fromWire(state).isEmpty()) {
            throw reject(Rejection.INVALID_FIELD, "state must be one of " + ComputeState.wireNames() + ", not '" + state + "'");
        }
        return state;
    }

    /**
     * Counts as the contract defines them: cached input apart from (not inside) input. Some providers
     * report cached tokens as part of the prompt; their gateways subtract before publishing. A prompt
     * (input and cached input) beyond {@value #MAX_PROMPT_TOKENS} tokens, ten times the largest context
     * window of any catalogued model, cannot have happened.
     */
    private TokenCounts tokenCounts(JsonNode root) {
        if (!root.has("inputTokens") && !root.has("cachedInputTokens") && !root.has("outputTokens")) {
            throw reject(Rejection.MISSING_FIELD, "a tokens record needs inputTokens, cachedInputTokens or outputTokens");
        }
        TokenCounts counts = new TokenCounts(count(root, "inputTokens"), count(root, "cachedInputTokens"), count(root, "outputTokens"));
        if (counts.cachedInput() > MAX_PROMPT_TOKENS - counts.input()) {
            throw reject(Rejection.IMPOSSIBLE_COUNT, "inputTokens + cachedInputTokens is " + (counts.input() + counts.cachedInput())
                    + "; no request can have more than " + MAX_PROMPT_TOKENS + " (cached tokens are counted apart from inputTokens)");
        }
        return counts;
    }

    private long count(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw reject(Rejection.INVALID_FIELD, field + " must be a whole number");
        }
        long value = node.asLong();
        if (value < 0) {
            throw reject(Rejection.NEGATIVE_QUANTITY, field + " is negative (" + value + ")");
        }
        return value;
    }

    private Instant instant(JsonNode root, String field) {
        String text = requiredText(root, field);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw reject(Rejection.INVALID_FIELD, field + " must be an ISO-8601 instant in UTC, like 2026-11-22T10:00:00Z, not '" + text + "'");
        }
    }

    private String requiredText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw reject(Rejection.MISSING_FIELD, field + " is required");
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw reject(Rejection.INVALID_FIELD, field + " must be a non-empty string");
        }
        return node.asText();
    }

    private String optionalText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank() || node.asText().length() > MAX_ID_LENGTH) {
            throw reject(Rejection.INVALID_FIELD, field + " must be a non-empty string of at most " + MAX_ID_LENGTH + " characters");
        }
        return node.asText();
    }


    private static Decoded invalid(String reason, String detail) {
        return new Decoded.Invalid(new Rejection(reason, detail));
    }

    private static InvalidRecord reject(String reason, String detail) {
        return new InvalidRecord(new Rejection(reason, detail));
    }

    /** Carries a rejection out of the nested readers; never leaves this class. */
    private static final class InvalidRecord extends RuntimeException {
        private final transient Rejection rejection;

        InvalidRecord(Rejection rejection) {
            super(rejection.detail(), null, false, false);
            this.rejection = rejection;
        }
    }
}
