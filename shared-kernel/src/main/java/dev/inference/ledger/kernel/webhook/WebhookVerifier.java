package dev.inference.ledger.kernel.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Checks a received webhook for a Java receiver: the three headers present, the timestamp within
 * {@link #TOLERANCE} of the receiver's clock either way (a replayed webhook is refused), and at least
 * one {@code v1} signature of the space-separated list equal, compared in constant time, to the one
 * computed with one of the receiver's secrets (two during a rotation). Deduplicating by
 * {@code webhook-id} is the receiver's part: a webhook may arrive more than once.
 */
public final class WebhookVerifier {

    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    /** The longest header value read: a signature list of a few dozen entries, far more than any rotation needs. */
    private static final int MAX_HEADER = 4096;

    private final List<WebhookSecret> secrets;
    private final Clock clock;

    public WebhookVerifier(List<WebhookSecret> secrets, Clock clock) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("a verifier needs at least one secret");
        }
        this.secrets = List.copyOf(secrets);
        this.clock = clock;
    }

    public WebhookVerifier(WebhookSecret secret) {
        this(List.of(secret), Clock.systemUTC());
    }

    /**
     * Verifies {@code body}, the request's raw bytes, against its headers, read through {@code header}
     * (a name in lower case to the header's first value, or null): e.g. {@code exchange.getRequestHeaders()::getFirst}.
     */
    public void verify(Function<String, String> header, byte[] body) throws WebhookVerificationException {
        String id = required(header, WebhookSigner.ID);
        long timestamp = timestamp(required(header, WebhookSigner.TIMESTAMP));
        String signatures = required(header, WebhookSigner.SIGNATURE);
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - timestamp) > TOLERANCE.toSeconds()) {
            throw new WebhookVerificationException("webhook-timestamp " + timestamp + " is more than " + TOLERANCE.toMinutes()
                    + " minutes from now (" + now + ")");
        }
        for (WebhookSecret secret : secrets) {
            byte[] expected = secret.hmac(id, timestamp, body);
            for (String signature : signatures.split(" ")) {
                if (matches(signature, expected)) {
                    return;
                }
            }
        }
        throw new WebhookVerificationException("no v1 signature in webhook-signature matches the body with this receiver's secret");
    }

    public void verify(Function<String, String> header, String body) throws WebhookVerificationException {
        verify(header, body.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean matches(String signature, byte[] expected) {
        int comma = signature.indexOf(',');
        if (comma < 0 || !signature.substring(0, comma).equals("v1")) {
            return false; // another scheme (v1a, an unknown version) is passed over, as the specification says
        }
        try {
            return MessageDigest.isEqual(Base64.getDecoder().decode(signature.substring(comma + 1)), expected);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    private static String required(Function<String, String> header, String name) throws WebhookVerificationException {
        String value = header.apply(name);
        if (value == null || value.isBlank()) {
            throw new WebhookVerificationException("the header " + name + " is missing");
        }
        if (value.length() > MAX_HEADER) {
            throw new WebhookVerificationException("the header " + name + " is longer than " + MAX_HEADER + " characters");
        }
        return value.strip();
    }

    private static long timestamp(String value) throws WebhookVerificationException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new WebhookVerificationException("webhook-timestamp is not a whole number of unix seconds");
        }
    }
}
