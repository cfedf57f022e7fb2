package dev.inference.ledger.notifications;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.kernel.account.AccountEvent.BalanceLow;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetAlertRaised;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetBlocked;
import dev.inference.ledger.kernel.account.AccountEvent.AutoRechargeLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.UsageHeldForReview;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeFailed;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeSucceeded;
import dev.inference.ledger.kernel.account.AccountEvent.TierPromoted;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceIssued;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaid;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentFailed;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldExpired;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldPlaced;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldReleased;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldSettled;
import dev.inference.ledger.kernel.hold.HoldEvent.Standing;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.notifications.NotificationTransactions.Pending;
import dev.inference.ledger.processing.ProcessingBatch;

/**
 * Tells gateways and other systems what the ledger decided, on {@code billing.notifications}, keyed by
 * account: once per fact to a read_committed consumer ({@link NotificationTransactions}). One segment,
 * one thread: the claim on the segment picks the one instance that publishes. Each notification
 * carries the ledger event's id ({@code x-event-id}) and the id a consumer deduplicates by
 * ({@code x-receipt-id}, also {@code receiptId} in the JSON): a usage batch's event tells one
 * {@code usage.charged} receipt per record, and each has its own.
 */
@Component
@ProcessingGroup(NotificationPublisher.GROUP)
@ConditionalOnProperty(name = "ledger.roles.notifications", havingValue = "true", matchIfMissing = true)
public class NotificationPublisher implements AutoCloseable {

    public static final String GROUP = "notifications";
    public static final String EVENT_ID = "x-event-id";
    public static final String RECEIPT_ID = "x-receipt-id";
    public static final String TYPE = "x-notification-type";

    private final NotificationTransactions transactions;
    private final ObjectMapper json;
    private final UsageReceipts receipts = new UsageReceipts();

    public NotificationPublisher(NotificationSettings settings, @Qualifier("defaultAxonObjectMapper") ObjectMapper json,
                                 Serializer serializer, JdbcTemplate jdbc) {
        this.json = json;
        this.transactions = new NotificationTransactions(settings.connection(), settings.topic(), settings.positionsTopic(),
                settings.transactionalId(), serializer,
                (aggregateId, sequence) -> jdbc.queryForObject(
                        "SELECT globalindex FROM domainevententry WHERE aggregateidentifier = ? AND sequencenumber = ?",
                        Long.class, aggregateId, sequence));
    }

    /** One receipt per usage record of the batch, each with its own receipt id. */
    @EventHandler
    void on(UsageBatchCharged event, EventMessage<?> message, TrackingToken token) {
        DomainEventMessage<?> stored = (DomainEventMessage<?>) message;
        List<Pending> pending = pending();
        receipts.write(event, message.getIdentifier(), receipt -> pending.add(new Pending(event.accountId(), UsageReceipts.TYPE,
                receipt.receiptId(), message.getIdentifier(), receipt.json(), token, stored.getAggregateIdentifier(),
                stored.getSequenceNumber())));
    }

    @EventHandler
    void on(TierPromoted event, EventMessage<?> message, TrackingToken token) {
        queue(message, token, new Notification("tier.promoted", message.getIdentifier(), message.getIdentifier(), event.accountId(), event.promotedAt(), details(
                "fromTier", event.fromTier(), "toTier", event.toTier(), "billingLimit", event.billingLimit().toPlainString())));
    }

    @EventHandler
    void on(BudgetAlertRaised event, EventMessage<?> message, TrackingToken token) {
        queue(message, token, new Notification("budget.alert", message.getIdentifier(), message.getIdentifier(), event.accountId(), event.raisedAt(), details(
                "scope", event.scope(), "scopeId", event.scopeId(), "period", event.period(),
                "threshold", event.threshold().toPlainString(), "spent", event.spent().toPlainString(),
                "hardCap", event.hardCap().toPlainString())));
    }

    @EventHandler
    void on(BudgetBlocked event, EventMessage<?> message, TrackingToken token) {
        queue(message, token, new Notification("budget.blocked", message.getIdentifier(), message.getIdentifier(), event.accountId(), event.blockedAt(), details(
                "scope", event.scope(), "scopeId", event.scopeId(), "period", event.period(),
                "spent", event.spent().toPlainString(), "hardCap", event.hardCap().toPlainString())));
    }

    @EventHandler
    void on(BalanceLow event, EventMessage<?> message, TrackingToken token) {
        queue(message, token, new Notification("balance.low", message.getIdentifier(), message.getIdentifier(), event.accountId(), event.at(), details(
                "balance", event.balance().toPlainString(), "threshold", event.threshold().toPlainString(),
                "currency", event.balance().currency())));
    }

    @EventHandler
    void on(RechargeSucceeded event, EventMessage<?> message, TrackingToken token) {
        queue(message, token, new Notification("recharge.succeeded", message.getIdentifier(), message.getIdentifier(), event.accountId(), event.succeededAt(), details(
                "rechargeId", event.rechargeId(), "amount", event.amount().toPlainString(), "currency", event.amount().currency(),
                "paymentReference", event.paymentReference(), "balanceAfter", event.balanceAfter().toPlainString())));
    }

    @EventHandler
    void on(RechargeFailed event, EventMessage<?> message, TrackingToken token) {
        queue(message, token, new Notification("recharge.failed", message.getIdentifier(), message.getIdentifier(), event.accountId(), event.failedAt(), details(
                "rechargeId", event.rechargeId(), "attempts", event.attempts(), "reason", event.reason(),
                "balance", event.balance().toPlainString(), "currency", event.balance().currency())));
    }

    @EventHandler
    void on(UsageHeldForReview event, EventMessage<?> message, TrackingToken token) {
        queue(message, token, new Notification("usage.held", message.getIdentifier(), message.getIdentifier(), event.accountId(), event.heldAt(), details(
                "usageEventId", event.usageEventId(), "occurredAt", event.occurredAt().toString(), "cost", event.charge().cost().toPlainString(),
                "reviewAbove", event.ceiling().toPlainString(), "currency", event.ceiling().currency())));
    }

    @EventHandler
    void on(AutoRechargeLimitReached event, EventMessage<?> message, TrackingToken token) {
        queue(message, token, new Notification("recharge.limited", message.getIdentifier(), message.getIdentifier(), event.accountId(), event.at(), details(
                "day", event.day(), "recharges", event.recharges(), "amount", event.amount().toPlainString(),
                "balance", event.balance().toPlainString(), "currency", event.balance().currency())));
    }

    @EventHandler
    void on(InvoiceIssued event, EventMessage<?> message, TrackingToken token) {
        queue(message, token, new Notification("invoice.issued", message.getIdentifier(), message.getIdentifier(), event.accountId(), event.issuedAt(), details(
                "number", event.number(), "kind", event.kind(), "total", event.total().toPlainString(), "currency", event.currency(),
                "periodStart", event.periodStart().toString(), "periodEnd", event.periodEnd().toString())));
    }

    @EventHandler
    void on(InvoicePaid event, EventMessage<?> message, TrackingToken token) {
        queue(message, token, new Notification("invoice.paid", message.getIdentifier(), message.getIdentifier(), event.accountId(), event.paidAt(), details(
                "number", event.number(), "amount", event.amount().toPlainString(), "currency", event.amount().currency(),
                "paymentReference", event.paymentReference())));
    }

    @EventHandler
    void on(InvoicePaymentFailed event, EventMessage<?> message, TrackingToken token) {
        queue(message, token, new Notification("invoice.payment_failed", message.getIdentifier(), message.getIdentifier(), event.accountId(), event.failedAt(), details(
                "number", event.number(), "amount", event.amount().toPlainString(), "currency", event.amount().currency(),
                "attempts", event.attempts(), "reason", event.reason())));
    }

    @EventHandler
    void on(HoldPlaced event, EventMessage<?> message, TrackingToken token) {
        queue(message, token, new Notification("hold.placed", message.getIdentifier(), message.getIdentifier(), event.accountId(), event.placedAt(),
                hold(event.holdId(), event.amount(), null, event.standing(), "expiresAt", event.expiresAt().toString())));
    }

    @EventHandler
    void on(HoldSettled event, EventMessage<?> message, TrackingToken token) {
        queue(message, token, new Notification("hold.settled", message.getIdentifier(), message.getIdentifier(), event.accountId(), event.settledAt(),
                hold(event.holdId(), event.amount(), event.charged(), event.standing(), "overage", event.overage().toPlainString(),
                        "usageEventId", event.usageEventId())));
    }

    @EventHandler
    void on(HoldReleased event, EventMessage<?> message, TrackingToken token) {
        queue(message, token, new Notification("hold.released", message.getIdentifier(), message.getIdentifier(), event.accountId(),
                event.releasedAt(), hold(event.holdId(), event.amount(), event.charged(), event.standing())));
    }

    @EventHandler
    void on(HoldExpired event, EventMessage<?> message, TrackingToken token) {
        queue(message, token, new Notification("hold.expired", message.getIdentifier(), message.getIdentifier(), event.accountId(),
                event.expiredAt(), hold(event.holdId(), event.amount(), event.charged(), event.standing())));
    }

    /** A hold's notification: its id and amounts, what the account holds and has available after it, and {@code more}. */
    private static Map<String, Object> hold(String holdId, Money amount, Money charged, Standing standing, Object... more) {
        Map<String, Object> details = details("holdId", holdId, "amount", amount.toPlainString(), "currency", amount.currency());
        if (charged != null) {
            details.put("charged", charged.toPlainString());
        }
        details.put("held", standing.held().toPlainString());
        if (standing.available() != null) {
            details.put("available", standing.available().toPlainString());
        }
        details.putAll(details(more));
        return details;
    }

    private void queue(EventMessage<?> message, TrackingToken token, Notification n) {
        DomainEventMessage<?> event = (DomainEventMessage<?>) message;
        pending().add(new Pending(n.accountId(), n.type(), n.receiptId(), n.eventId(), toJson(n), token,
                event.getAggregateIdentifier(), event.getSequenceNumber()));
    }

    private List<Pending> pending() {
        return ProcessingBatch.pending("notifications", ArrayList::new, transactions::publish);
    }

    private byte[] toJson(Notification notification) {
        try {
            return json.writeValueAsBytes(notification);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> details(Object... pairs) {
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            details.put((String) pairs[i], pairs[i + 1]);
        }
        return details;
    }

    @Override
    public void close() {
        transactions.close();
    }
}
