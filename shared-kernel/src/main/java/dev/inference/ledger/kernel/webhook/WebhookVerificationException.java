package dev.inference.ledger.kernel.webhook;

/** A webhook that must not be trusted: a header missing or malformed, a stale timestamp, no matching signature. */
public final class WebhookVerificationException extends Exception {

    public WebhookVerificationException(String message) {
        super(message);
    }
}
