package dev.inference.ledger.kernel.usage;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.kernel.input.Identifier;
import dev.inference.ledger.kernel.input.StrictJson;
import dev.inference.ledger.kernel.money.Decimals;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.kernel.usage.UsageRecord.TokenCounts;

/**
 * Reads and validates the bytes of a {@code usage.events} record. It never throws on bad input:
 * every way a record can be wrong comes back as a {@link Rejection} with a stable reason.
 * Fields it does not know are ignored, so publishers may send newer versions of the contract. Every
 * identifier is checked against its {@link Identifier} bound, every number's text against a length
 * before it is parsed, and {@code occurredAt} against the {@link UsageWindow}.
 */
public final class UsageDecoder {

    public static final int MAX_BYTES = StrictJson.MAX_DOCUMENT_BYTES;
    /** "+999999999-12-31T23:59:59.999999999Z" is 36 characters. */
    static final int MAX_INSTANT_LENGTH = 40;

    private final ObjectMapper json = StrictJson.mapper(MAX_BYTES);
    private final UsageWindow window;

    public UsageDecoder(UsageWindow window) {
        this.window = window;
    }

    public Decoded decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return invalid(Rejection.MALFORMED_JSON, "the record has no value");
        }
        if (bytes.length > MAX_BYTES) {
            return invalid(Rejection.TOO_LARGE, "the record has " + bytes.length + " bytes; at most " + MAX_BYTES + " are accepted");
        }
        JsonNode root;
        try {
            root = StrictJson.readOne(json, bytes);
        } catch (StrictJson.AmbiguousJson e) {
            return invalid(e.ambiguity() == StrictJson.Ambiguity.REPEATED_KEY ? Rejection.REPEATED_KEY : Rejection.TRAILING_CONTENT,
                    Identifier.echo(e.getOriginalMessage()) + "; a message holds exactly one JSON object, each key once");
        } catch (StreamConstraintsException e) {
            return invalid(Rejection.INVALID_FIELD, "beyond the bounds of a usage record: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            return invalid(Rejection.MALFORMED_JSON, "not valid JSON: " + Identifier.echo(e.getOriginalMessage()));
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
        String eventId = requiredId(root, Identifier.EVENT_ID);
        String kindText = requiredText(root, "kind");
        UsageKind kind = UsageKind.fromWire(kindText).orElseThrow(() -> reject(Rejection.INVALID_FIELD,
                "kind must be tokens, compute or units, not '" + Identifier.echo(kindText) + "'"));
        String accountId = requiredId(root, Identifier.ACCOUNT);
        Instant occurredAt = instant(root, "occurredAt");
        String holdId = optionalId(root, Identifier.HOLD);
        Attribution attribution = new Attribution(optionalId(root, Identifier.API_KEY), optionalId(root, Identifier.PROJECT),
                optionalId(root, Identifier.MEMBER), optionalId(root, Identifier.TRACE), holdId, holdFinal(root, holdId));
        String source = optionalId(root, Identifier.SOURCE);
        String provider = optionalId(root, Identifier.PROVIDER);
        UsageRecord record = switch (kind) {
            case TOKENS -> new UsageRecord(eventId, kind, accountId, occurredAt, source, attribution,
                    requiredId(root, Identifier.MODEL), provider, tokenCounts(root), null, null, null, null, null, null, null);
            case COMPUTE -> compute(root, eventId, accountId, occurredAt, source, attribution, provider);
            case UNITS -> new UsageRecord(eventId, kind, accountId, occurredAt, source, attribution,
                    requiredId(root, Identifier.MODEL), provider, null, null, null, null, null, requiredId(root, Identifier.UNIT),
                    quantity(root, "quantity", UsageBounds.MAX_UNITS, "one record carries at most a million units"), null);
        };
        // Last: a record that is wrong in itself says so, whenever it was sent.
        window.check(occurredAt).ifPresent(rejection -> {
            throw new InvalidRecord(rejection);
        });
        return record;
    }

    private UsageRecord compute(JsonNode root, String eventId, String accountId, Instant occurredAt, String source,
                                Attribution attribution, String provider) {
        BigDecimal seconds = quantity(root, "seconds", UsageBounds.MAX_SECONDS, "one interval covers at most 366 days");
        String endpoint = optionalId(root, Identifier.ENDPOINT);
        String replica = optionalId(root, Identifier.REPLICA);
        Interval interval = endpoint == null ? null : new Interval(endpoint, replica == null ? Interval.DEFAULT_REPLICA : replica,
                occurredAt, occurredAt.plusNanos(seconds.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact()));
        return new UsageRecord(eventId, UsageKind.COMPUTE, accountId, occurredAt, source, attribution, optionalId(root, Identifier.MODEL),
                provider, null, requiredId(root, Identifier.METER), seconds, replicas(root), state(root), null, null, interval);
    }

    /** A decimal amount of time or units: a string in the one decimal grammar ("60.0"), or a whole number. */
    private BigDecimal quantity(JsonNode root, String field, BigDecimal max, String why) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw reject(Rejection.MISSING_FIELD, field + " is required");
        }
        BigDecimal value;
        if (node.isIntegralNumber()) {
            value = node.decimalValue();
        } else if (node.isTextual()) {
            if (node.asText().length() > Decimals.MAX_TEXT_LENGTH) {
                throw reject(Rejection.INVALID_FIELD, field + " is " + node.asText().length() + " characters long; a decimal of at most "
                        + Decimals.MAX_TEXT_LENGTH + " is accepted");
            }
            value = Decimals.parse(node.asText()).orElseThrow(() -> reject(Rejection.INVALID_FIELD,
                    Decimals.notADecimal(field, node.asText(), "60.0")));
        } else {
            // A JSON fraction would arrive in binary floating point: exact amounts come as strings.
            throw reject(Rejection.INVALID_FIELD, field + " must be a decimal string like \"60.0\" or a whole number");
        }
        if (value.signum() < 0) {
            throw reject(Rejection.NEGATIVE_QUANTITY, field + " is negative (" + value.toPlainString() + ")");
        }
        if (value.compareTo(max) > 0) {
            // compareTo never expands the value; only a short one is written out in full.
            String shown = value.precision() - value.scale() > 40 ? "above " + max.toPlainString() : value.toPlainString();
            throw reject(Rejection.IMPLAUSIBLE_QUANTITY, field + " is " + shown + "; " + why + " (" + max.toPlainString() + ")");
        }
        if (!Decimals.fits(value, 15, Money.SCALE)) {
            throw reject(Rejection.INVALID_FIELD, field + " has more than " + Money.SCALE + " decimal places");
        }
        return value;
    }

    private int replicas(JsonNode root) {
        JsonNode node = root.get("replicas");
        if (node == null || node.isNull()) {
            return 1;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw reject(Rejection.INVALID_FIELD, "replicas must be a whole number");
        }
        long replicas = node.asLong();
        if (replicas < 0) {
            throw reject(Rejection.NEGATIVE_QUANTITY, "replicas is negative (" + replicas + ")");
        }
        if (replicas > UsageBounds.MAX_REPLICAS) {
            throw reject(Rejection.IMPLAUSIBLE_QUANTITY, "replicas is " + replicas + "; one record bills at most "
                    + UsageBounds.MAX_REPLICAS + " instances");
        }
        return (int) replicas;
    }

    private String state(JsonNode root) {
        JsonNode node = root.get("state");
        if (node == null || node.isNull()) {
            return ComputeState.RUNNING.wire();
        }
        String state = node.asText();
        if (!node.isTextual() || ComputeState.fromWire(state).isEmpty()) {
            throw reject(Rejection.INVALID_FIELD, "state must be one of " + ComputeState.wireNames() + ", not '" + Identifier.echo(state) + "'");
        }
        return state;
    }

    /**
     * Counts as the contract defines them: cached input apart from (not inside) input. Some providers
     * report cached tokens as part of the prompt; their gateways subtract before publishing. Counts beyond
     * the {@link UsageBounds} cannot have happened in one request.
     */
    private TokenCounts tokenCounts(JsonNode root) {
        if (!root.has("inputTokens") && !root.has("cachedInputTokens") && !root.has("outputTokens")) {
            throw reject(Rejection.MISSING_FIELD, "a tokens record needs inputTokens, cachedInputTokens or outputTokens");
        }
        TokenCounts counts = new TokenCounts(count(root, "inputTokens"), count(root, "cachedInputTokens"), count(root, "outputTokens"));
        if (counts.input() > UsageBounds.MAX_PROMPT_TOKENS || counts.cachedInput() > UsageBounds.MAX_PROMPT_TOKENS - counts.input()) {
            throw reject(Rejection.IMPLAUSIBLE_QUANTITY, "inputTokens + cachedInputTokens is more than " + UsageBounds.MAX_PROMPT_TOKENS
                    + ", more than any request can have (cached tokens are counted apart from inputTokens)");
        }
        if (counts.output() > UsageBounds.MAX_OUTPUT_TOKENS) {
            throw reject(Rejection.IMPLAUSIBLE_QUANTITY, "outputTokens is " + counts.output() + "; no request writes more than "
                    + UsageBounds.MAX_OUTPUT_TOKENS);
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
            if (text.length() <= MAX_INSTANT_LENGTH) {
                return Instant.parse(text);
            }
        } catch (DateTimeParseException e) {
            // refused below, in the same words as a value that is too long
        }
        throw reject(Rejection.INVALID_FIELD, field + " must be an ISO-8601 instant in UTC, like 2026-11-22T10:00:00Z, not '"
                + Identifier.echo(text) + "'");
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

    private String requiredId(JsonNode root, Identifier id) {
        return checked(id, requiredText(root, id.field()));
    }

    private String optionalId(JsonNode root, Identifier id) {
        JsonNode node = root.get(id.field());
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw reject(Rejection.INVALID_FIELD, id.field() + " must be a string");
        }
        return checked(id, node.asText());
    }

    /** {@code final}: false keeps the hold open for more records; only meaningful beside a {@code holdId}. */
    private static Boolean holdFinal(JsonNode root, String holdId) {
        JsonNode node = root.get("final");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw reject(Rejection.INVALID_FIELD, "final must be true or false");
        }
        if (holdId == null) {
            throw reject(Rejection.INVALID_FIELD, "final says whether a record ends its hold: it needs a holdId");
        }
        return node.booleanValue() ? null : Boolean.FALSE;
    }

    private static String checked(Identifier id, String value) {
        id.problem(value).ifPresent(problem -> {
            throw reject(Rejection.INVALID_FIELD, problem);
        });
        return value;
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
