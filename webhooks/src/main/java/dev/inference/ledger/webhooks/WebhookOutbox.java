package dev.inference.ledger.webhooks;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.kernel.account.AccountEvent.BalanceLow;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetAlertRaised;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetBlocked;
import dev.inference.ledger.kernel.account.AccountEvent.AutoRechargeLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeFailed;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeSucceeded;
import dev.inference.ledger.kernel.account.AccountEvent.TierPromoted;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceIssued;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaid;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentFailed;

/**
 * Turns each event a subscription may ask for into one delivery per matching subscription, in the
 * transaction that moves this processor's token: nothing is sent from here, so a slow receiver never
 * holds back the ingest or any other processor. The payload is written once, now, in the shape the
 * Standard Webhooks specification recommends ({@code type}, {@code timestamp}, {@code data}); its
 * {@code webhook-id} is the event's own id, so every attempt of it, and a replay, carries the same one.
 */
@Component
@ProcessingGroup(WebhookOutbox.GROUP)
public class WebhookOutbox {

    public static final String GROUP = "webhooks";

    private final DeliveryQueue deliveries;
    private final ObjectMapper json;
    private final Clock clock;
    private final WebhookSettings settings;

    public WebhookOutbox(DeliveryQueue deliveries, @Qualifier("defaultAxonObjectMapper") ObjectMapper json, Clock clock,
                         WebhookSettings settings) {
        this.deliveries = deliveries;
        this.json = json;
        this.clock = clock;
        this.settings = settings;
    }

    @EventHandler
    void on(BalanceLow e, EventMessage<?> message) {
        enqueue(WebhookEventType.BALANCE_LOW, e.accountId(), message, e.at(), WebhookData.of(e));
    }

    @EventHandler
    void on(RechargeSucceeded e, EventMessage<?> message) {
        enqueue(WebhookEventType.RECHARGE_SUCCEEDED, e.accountId(), message, e.succeededAt(), WebhookData.of(e));
    }

    @EventHandler
    void on(RechargeFailed e, EventMessage<?> message) {
        enqueue(WebhookEventType.RECHARGE_FAILED, e.accountId(), message, e.failedAt(), WebhookData.of(e));
    }

    @EventHandler
    void on(AutoRechargeLimitReached e, EventMessage<?> message) {
        enqueue(WebhookEventType.RECHARGE_LIMITED, e.accountId(), message, e.at(), WebhookData.of(e));
    }

    @EventHandler
    void on(BudgetAlertRaised e, EventMessage<?> message) {
        enqueue(WebhookEventType.BUDGET_ALERT, e.accountId(), message, e.raisedAt(), WebhookData.of(e));
    }

    @EventHandler
    void on(BudgetBlocked e, EventMessage<?> message) {
        enqueue(WebhookEventType.BUDGET_BLOCKED, e.accountId(), message, e.blockedAt(), WebhookData.of(e));
    }

    @EventHandler
    void on(TierPromoted e, EventMessage<?> message) {
        enqueue(WebhookEventType.TIER_PROMOTED, e.accountId(), message, e.promotedAt(), WebhookData.of(e));
    }

    @EventHandler
    void on(InvoiceIssued e, EventMessage<?> message) {
        enqueue(WebhookEventType.INVOICE_ISSUED, e.accountId(), message, e.issuedAt(), WebhookData.of(e));
    }

    @EventHandler
    void on(InvoicePaid e, EventMessage<?> message) {
        enqueue(WebhookEventType.INVOICE_PAID, e.accountId(), message, e.paidAt(), WebhookData.of(e));
    }

    @EventHandler
    void on(InvoicePaymentFailed e, EventMessage<?> message) {
        enqueue(WebhookEventType.INVOICE_PAYMENT_FAILED, e.accountId(), message, e.failedAt(), WebhookData.of(e));
    }

    private void enqueue(WebhookEventType type, String accountId, EventMessage<?> message, Instant happenedAt, Map<String, Object> data) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", type.wire());
        payload.put("timestamp", happenedAt.toString());
        payload.put("data", data);
        // The event's own time, from the ledger's clock as the subscription's creation is: one clock on both sides.
        deliveries.enqueue(accountId, type.wire(), message.getIdentifier(), toJson(payload), happenedAt,
                clock.instant().plus(settings.retrySchedule().get(0)));
    }

    private String toJson(Map<String, Object> payload) {
        try {
            return json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
