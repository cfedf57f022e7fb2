package dev.inference.ledger.kernel.webhook;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Signs a webhook as the Standard Webhooks specification says: one {@code v1,<signature>} per secret,
 * separated by spaces, so that a receiver still holding the secret before a rotation verifies as well
 * as one that already has the new one.
 */
public final class WebhookSigner {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";

    private WebhookSigner() {
    }

    /** The {@code webhook-signature} header's value for {@code body}, sent at {@code timestamp} (unix seconds). */
    public static String signatureHeader(List<WebhookSecret> secrets, String webhookId, long timestamp, byte[] body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("a webhook is signed with at least one secret");
        }
        return secrets.stream().map(secret -> secret.signature(webhookId, timestamp, body)).collect(Collectors.joining(" "));
    }

    public static String signatureHeader(List<WebhookSecret> secrets, String webhookId, long timestamp, String body) {
        return signatureHeader(secrets, webhookId, timestamp, body.getBytes(StandardCharsets.UTF_8));
    }
}
