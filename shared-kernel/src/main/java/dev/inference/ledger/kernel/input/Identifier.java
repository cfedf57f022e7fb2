package dev.inference.ledger.kernel.input;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every identifier a client or a publisher sends, with its one maximum length and alphabet. Both doors
 * (HTTP and {@code usage.events}) check here, and the columns that store an identifier are at least this
 * wide (a test reads the migrations), so no accepted value can later fail a write.
 */
public enum Identifier {
    ACCOUNT("accountId", 64, Alphabet.SLUG),
    PROJECT("projectId", 64, Alphabet.SLUG),
    MEMBER("memberId", 64, Alphabet.SLUG),
    API_KEY("apiKeyId", 64, Alphabet.SLUG),
    /** The id of a budget's scope: an account, project, member or API key id. */
    SCOPE_ID("scopeId", 64, Alphabet.SLUG),
    TOKEN_ID("tokenId", 64, Alphabet.SLUG),
    /** The payment provider's id of a card on file. */
    PAYMENT_METHOD("paymentMethodId", 64, Alphabet.SLUG),
    ENDPOINT("endpoint", 128, Alphabet.SLUG),
    REPLICA("replica", 64, Alphabet.SLUG),
    METER("meter", 128, Alphabet.SLUG),
    UNIT("unit", 64, Alphabet.SLUG),
    PROVIDER("provider", 64, Alphabet.SLUG),
    /** Model names carry slashes and dots ("deepseek-ai/DeepSeek-V3"). */
    MODEL("model", 128, Alphabet.PRINTABLE),
    /** Publishers choose their event ids: any printable text. */
    EVENT_ID("eventId", 256, Alphabet.PRINTABLE),
    SOURCE("source", 128, Alphabet.PRINTABLE),
    TRACE("traceId", 128, Alphabet.PRINTABLE),
    /** A hold the ledger granted ({@code POST /api/v1/holds}), named by a usage record that settles it. */
    HOLD("holdId", 64, Alphabet.SLUG),
    /** A credit grant made through the grants API (top-ups and recharges are grants named after them). */
    GRANT("grantId", 64, Alphabet.SLUG),
    /** A commitment (a contract) of an account. */
    COMMITMENT("commitmentId", 64, Alphabet.SLUG),
    /** An HTTP write's {@code Idempotency-Key}; a top-up's id. */
    IDEMPOTENCY_KEY("Idempotency-Key", 128, Alphabet.PRINTABLE),
    /** Names people give (an account, a project). */
    NAME("name", 200, Alphabet.PRINTABLE),
    /** Free text a person writes (why a top-up was rejected). */
    REASON("reason", 500, Alphabet.PRINTABLE),
    /** A webhook subscription's endpoint; its scheme, host and addresses are checked by the webhook feature. */
    WEBHOOK_URL("url", 2048, Alphabet.PRINTABLE),
    /** Any other text a request carries: decimal strings, words of a closed set, instants. */
    TEXT("text", 256, Alphabet.PRINTABLE);

    /** How much of a refused value an error message repeats. */
    public static final int ECHO = 64;

    private static final Map<String, Identifier> BY_FIELD = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Identifier::field, Function.identity()));

    private final String field;
    private final int maxLength;
    private final Alphabet alphabet;

    Identifier(String field, int maxLength, Alphabet alphabet) {
        this.field = field;
        this.maxLength = maxLength;
        this.alphabet = alphabet;
    }

    public String field() {
        return field;
    }

    public int maxLength() {
        return maxLength;
    }

    public Alphabet alphabet() {
        return alphabet;
    }

    /** The identifier a field of that name holds, if the name is one of ours. */
    public static Optional<Identifier> forField(String field) {
        return Optional.ofNullable(BY_FIELD.get(field));
    }

    public boolean isValid(String value) {
        return problem(value).isEmpty();
    }

    /** Why {@code value} is not a valid identifier of this kind, as a sentence; empty when it is. */
    public Optional<String> problem(String value) {
        return problem(field, value);
    }

    /** Like {@link #problem(String)}, naming the value as the request named it. */
    public Optional<String> problem(String field, String value) {
        if (value == null || value.isEmpty()) {
            return Optional.of(field + " must not be empty");
        }
        if (value.length() > maxLength) {
            return Optional.of(field + " is " + value.length() + " characters long; at most " + maxLength + " are accepted");
        }
        if (!alphabet.admits(value)) {
            return Optional.of(field + " '" + echo(value) + "' must be " + alphabet.description());
        }
        return Optional.empty();
    }

    /** Returns {@code value}, or throws {@link IllegalArgumentException} saying what is wrong with it. */
    public String require(String value) {
        problem(value).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        return value;
    }

    /** A refused value as an error message may repeat it: short, and without control characters. */
    public static String echo(String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > ECHO ? value.substring(0, ECHO) + "…" : value;
        StringBuilder out = new StringBuilder(shown.length());
        shown.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }

    public enum Alphabet {
        /** Travels in URL segments and Kafka keys: letters, digits and {@code . _ : -}, starting with a letter or digit. */
        SLUG("letters, digits, '.', '_', ':' or '-', starting with a letter or digit") {
            @Override
            public boolean admits(String value) {
                if (!letterOrDigit(value.charAt(0))) {
                    return false;
                }
                for (int i = 1; i < value.length(); i++) {
                    char c = value.charAt(i);
                    if (!letterOrDigit(c) && c != '.' && c != '_' && c != ':' && c != '-') {
                        return false;
                    }
                }
                return true;
            }

            private static boolean letterOrDigit(char c) {
                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            }
        },
        /** Any text without control characters, not only white space. */
        PRINTABLE("printable text without control characters, not only white space") {
            @Override
            public boolean admits(String value) {
                boolean visible = false;
                for (int i = 0; i < value.length(); i++) {
                    char c = value.charAt(i);
                    if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT && c != '\u200d'
                            || Character.getType(c) == Character.SURROGATE && !validSurrogate(value, i)) {
                        return false;
                    }
                    visible |= !Character.isWhitespace(c) && !Character.isSpaceChar(c);
                }
                return visible;
            }

            private static boolean validSurrogate(String value, int i) {
                char c = value.charAt(i);
                return Character.isHighSurrogate(c) ? i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))
                        : i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
            }
        };

        private final String description;

        Alphabet(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }

        public abstract boolean admits(String value);
    }
}
