package dev.inference.ledger.webhooks;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a subscription may ask for: each the wire name of one ledger event. */
public enum WebhookEventType {
    BALANCE_LOW("balance.low"),
    RECHARGE_SUCCEEDED("recharge.succeeded"),
    RECHARGE_FAILED("recharge.failed"),
    RECHARGE_LIMITED("recharge.limited"),
    BUDGET_ALERT("budget.alert"),
    BUDGET_BLOCKED("budget.blocked"),
    TIER_PROMOTED("tier.promoted"),
    INVOICE_ISSUED("invoice.issued"),
    INVOICE_PAID("invoice.paid"),
    INVOICE_PAYMENT_FAILED("invoice.payment_failed");

    private final String wire;

    WebhookEventType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<WebhookEventType> fromWire(String wire) {
        return Arrays.stream(values()).filter(type -> type.wire.equals(wire)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(WebhookEventType::wire).toList();
    }
}
