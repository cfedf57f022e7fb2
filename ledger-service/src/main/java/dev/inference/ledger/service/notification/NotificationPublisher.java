package dev.inference.ledger.service.notification;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.kernel.account.AccountEvent.BalanceLow;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetAlertRaised;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetBlocked;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeFailed;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeSucceeded;
import dev.inference.ledger.kernel.account.AccountEvent.TierPromoted;
import dev.inference.ledger.kernel.account.AccountEvent.UsageCharged;
import dev.inference.ledger.service.config.LedgerProperties;
import dev.inference.ledger.service.projection.ProcessingBatch;

/**
 * Tells gateways and other systems what the ledger decided, on {@code billing.notifications}, keyed by
 * account. A batch is sent and acknowledged by Kafka before the processor's position commits, so a
 * crash repeats a notification rather than losing it; each carries the ledger event's id
 * ({@code x-event-id}), by which a consumer recognises a repeat.
 */
@Component
@ProcessingGroup(NotificationPublisher.GROUP)
@ConditionalOnProperty(name = "ledger.roles.notifications", havingValue = "true", matchIfMissing = true)
public class NotificationPublisher implements AutoCloseable {

    public static final String GROUP = "notifications";
    public static final String EVENT_ID = "x-event-id";
    public static final String TYPE = "x-notification-type";

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final ObjectMapper json;

    public NotificationPublisher(LedgerProperties properties, @Qualifier("defaultAxonObjectMapper") ObjectMapper json) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, properties.kafka().bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ledger-notifications");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        this.producer = new KafkaProducer<>(p);
        this.topic = properties.kafka().notificationsTopic();
        this.json = json;
    }

    @EventHandler
    void on(UsageCharged event, EventMessage<?> message) {
        queue(new Notification("usage.charged", message.getIdentifier(), event.accountId(), event.chargedAt(), details(
                "usageEventId", event.usageEventId(), "occurredAt", event.occurredAt(), "cost", event.charge().cost().toPlainString(),
                "currency", event.charge().cost().currency(), "catalogVersion", event.charge().catalogVersion(),
                "balanceAfter", event.balanceAfter().toPlainString(), "unbilledAfter", event.unbilledAfter().toPlainString())));
    }

    @EventHandler
    void on(TierPromoted event, EventMessage<?> message) {
        queue(new Notification("tier.promoted", message.getIdentifier(), event.accountId(), event.promotedAt(), details(
                "fromTier", event.fromTier(), "toTier", event.toTier(), "billingLimit", event.billingLimit().toPlainString())));
    }

    @EventHandler
    void on(BudgetAlertRaised event, EventMessage<?> message) {
        queue(new Notification("budget.alert", message.getIdentifier(), event.accountId(), event.raisedAt(), details(
                "scope", event.scope(), "scopeId", event.scopeId(), "period", event.period(),
                "threshold", event.threshold().toPlainString(), "spent", event.spent().toPlainString(),
                "hardCap", event.hardCap().toPlainString())));
    }

    @EventHandler
    void on(BudgetBlocked event, EventMessage<?> message) {
        queue(new Notification("budget.blocked", message.getIdentifier(), event.accountId(), event.blockedAt(), details(
                "scope", event.scope(), "scopeId", event.scopeId(), "period", event.period(),
                "spent", event.spent().toPlainString(), "hardCap", event.hardCap().toPlainString())));
    }

    @EventHandler
    void on(BalanceLow event, EventMessage<?> message) {
        queue(new Notification("balance.low", message.getIdentifier(), event.accountId(), event.at(), details(
                "balance", event.balance().toPlainString(), "threshold", event.threshold().toPlainString(),
                "currency", event.balance().currency())));
    }

    @EventHandler
    void on(RechargeSucceeded event, EventMessage<?> message) {
        queue(new Notification("recharge.succeeded", message.getIdentifier(), event.accountId(), event.succeededAt(), details(
                "rechargeId", event.rechargeId(), "amount", event.amount().toPlainString(), "currency", event.amount().currency(),
                "paymentReference", event.paymentReference(), "balanceAfter", event.balanceAfter().toPlainString())));
    }

    @EventHandler
    void on(RechargeFailed event, EventMessage<?> message) {
        queue(new Notification("recharge.failed", message.getIdentifier(), event.accountId(), event.failedAt(), details(
                "rechargeId", event.rechargeId(), "attempts", event.attempts(), "reason", event.reason(),
                "balance", event.balance().toPlainString(), "currency", event.balance().currency())));
    }

    private void queue(Notification notification) {
        ProcessingBatch.<List<Notification>>pending("notifications", ArrayList::new, this::send).add(notification);
    }

    /** Sends the batch and waits for Kafka's acknowledgement: only then may the processor's position advance. */
    private void send(List<Notification> batch) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        for (Notification n : batch) {
            var record = new ProducerRecord<>(topic, n.accountId(), toJson(n));
            record.headers().add(EVENT_ID, n.eventId().getBytes(StandardCharsets.UTF_8));
            record.headers().add(TYPE, n.type().getBytes(StandardCharsets.UTF_8));
            acks.add(producer.send(record));
        }
        try {
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing notifications", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("billing.notifications did not acknowledge; the batch will be retried", e.getCause());
        }
    }

    private String toJson(Notification notification) {
        try {
            return json.writeValueAsString(notification);
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
        producer.close();
    }
}
