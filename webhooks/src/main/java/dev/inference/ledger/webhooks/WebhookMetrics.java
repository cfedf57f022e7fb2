package dev.inference.ledger.webhooks;

import java.time.Duration;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** ledger_webhooks_attempts_total by outcome, ledger_webhooks_deliveries_given_up_total, and the attempts' latency. */
@Component
class WebhookMetrics {

    private final Counter succeeded;
    private final Counter failed;
    private final Counter givenUp;
    private final Counter disabled;
    private final Timer latency;

    WebhookMetrics(MeterRegistry registry) {
        succeeded = Counter.builder("ledger.webhooks.attempts").tag("outcome", "succeeded")
                .description("webhook attempts a receiver answered 2xx").register(registry);
        failed = Counter.builder("ledger.webhooks.attempts").tag("outcome", "failed")
                .description("webhook attempts without a 2xx: another status, a timeout, no connection, a refused address")
                .register(registry);
        givenUp = Counter.builder("ledger.webhooks.deliveries.given.up")
                .description("webhooks whose every scheduled attempt failed").register(registry);
        disabled = Counter.builder("ledger.webhooks.subscriptions.disabled")
                .description("subscriptions disabled because their receiver answered 410 Gone").register(registry);
        latency = Timer.builder("ledger.webhooks.attempt.latency").description("from sending a webhook to its answer")
                .register(registry);
    }

    void succeeded(Duration took) {
        succeeded.increment();
        latency.record(took);
    }

    void failed(Duration took) {
        failed.increment();
        latency.record(took);
    }

    void givenUp() {
        givenUp.increment();
    }

    void disabled() {
        disabled.increment();
    }
}
