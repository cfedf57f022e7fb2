package dev.inference.ledger.service.webhook;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import dev.inference.ledger.service.runtime.PeriodicWorker;
import dev.inference.ledger.webhooks.WebhookDeliveryWorker;
import dev.inference.ledger.webhooks.WebhookSettings;

/** On an instance with the webhooks role, the due deliveries are sent every {@code ledger.webhooks.poll-interval}. */
@Component
@ConditionalOnProperty(name = "ledger.roles.webhooks", havingValue = "true", matchIfMissing = true)
class WebhookDeliveryRounds extends PeriodicWorker {

    private final WebhookDeliveryWorker deliveries;

    WebhookDeliveryRounds(WebhookDeliveryWorker deliveries, WebhookSettings settings) {
        super("webhook-deliveries", settings.pollInterval());
        this.deliveries = deliveries;
    }

    @Override
    protected void runOnce() {
        deliveries.sendDue(this::isRunning);
    }
}
