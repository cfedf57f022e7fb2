package dev.inference.ledger.webhooks;

import dev.inference.ledger.kernel.RuleViolation;

/** A subscription refused by a webhook rule: a 422 whose type is {@code /problems/<code>}. */
public class WebhookRuleViolation extends RuleViolation {

    public static final String INVALID_URL = "invalid-webhook-url";
    public static final String ADDRESS_REFUSED = "webhook-address-refused";
    public static final String INVALID_EVENT_TYPES = "invalid-webhook-event-types";
    public static final String TOO_MANY = "too-many-webhooks";

    public WebhookRuleViolation(String code, String message) {
        super(code, message, "the webhook subscriptions");
    }
}
