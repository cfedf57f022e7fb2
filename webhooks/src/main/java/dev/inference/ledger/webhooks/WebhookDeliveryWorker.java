package dev.inference.ledger.webhooks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.webhook.WebhookSecret;
import dev.inference.ledger.kernel.webhook.WebhookSigner;
import dev.inference.ledger.webhooks.DeliveryQueue.Attempt;
import dev.inference.ledger.webhooks.DeliveryQueue.Claimed;

/**
 * Sends the deliveries that are due, a claimed batch at a time and concurrently, so one slow receiver
 * costs the others at most its timeout. A 2xx completes a delivery; 410 Gone disables its subscription;
 * anything else is tried again on {@code ledger.webhooks.retry-schedule}, then given up. Every instance
 * may run this: the claim keeps a delivery to one sender at a time, and a sender that dies mid-attempt
 * leaves it to be sent again (receivers deduplicate by {@code webhook-id}).
 */
@Component
public class WebhookDeliveryWorker {

    private static final Logger log = LoggerFactory.getLogger(WebhookDeliveryWorker.class);
    private static final int BATCH = 50;
    /** How much of an attempt's error the log keeps. */
    public static final int MAX_ERROR = 300;

    private final DeliveryQueue queue;
    private final SecretCipher cipher;
    private final ReceiverAddresses addresses;
    private final WebhookSettings settings;
    private final WebhookMetrics metrics;
    private final Clock clock;
    private final HttpClient http;

    public WebhookDeliveryWorker(DeliveryQueue queue, SecretCipher cipher, ReceiverAddresses addresses, WebhookSettings settings,
                                 WebhookMetrics metrics, Clock clock) {
        this.queue = queue;
        this.cipher = cipher;
        this.addresses = addresses;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        // A redirect is not followed: it could lead to an address the URL check never saw.
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** One round: the due deliveries, a claimed batch at a time, while {@code running} says to go on. */
    public void sendDue(BooleanSupplier running) {
        List<Claimed> claimed;
        do {
            Instant now = clock.instant();
            claimed = queue.claim(now, now.plus(settings.claimLease()), BATCH);
            List<CompletableFuture<Void>> attempts = new ArrayList<>();
            for (Claimed delivery : claimed) {
                attempts.add(attempt(delivery));
            }
            CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new)).join();
        } while (claimed.size() == BATCH && running.getAsBoolean());
    }

    private CompletableFuture<Void> attempt(Claimed delivery) {
        Instant startedAt = clock.instant();
        long started = System.nanoTime();
        URI url = URI.create(delivery.url());
        Optional<String> refused = addresses.refusal(url);
        if (refused.isPresent()) {
            finish(delivery, startedAt, started, null, DeliveryFailure.ADDRESS_REFUSED);
            return CompletableFuture.completedFuture(null);
        }
        HttpRequest request;
        try {
            request = request(delivery, url, startedAt);
        } catch (RuntimeException e) {
            log.warn("webhook {}: not signed", delivery.webhookId(), e);
            finish(delivery, startedAt, started, null, DeliveryFailure.NOT_SIGNED);
            return CompletableFuture.completedFuture(null);
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> {
                    finish(delivery, startedAt, started, response == null ? null : response.statusCode(),
                            failure == null ? null : DeliveryFailure.category(failure));
                    return null;
                });
    }

    private HttpRequest request(Claimed delivery, URI url, Instant now) {
        List<WebhookSecret> secrets = new ArrayList<>();
        secrets.add(secret(delivery.subscriptionId(), delivery.secret()));
        if (delivery.previousSecret() != null) {
            secrets.add(secret(delivery.subscriptionId(), delivery.previousSecret()));
        }
        byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
        long timestamp = now.getEpochSecond();
        return HttpRequest.newBuilder(url).timeout(settings.requestTimeout())
                .header(WebhookSigner.ID, delivery.webhookId())
                .header(WebhookSigner.TIMESTAMP, String.valueOf(timestamp))
                .header(WebhookSigner.SIGNATURE, WebhookSigner.signatureHeader(secrets, delivery.webhookId(), timestamp, body))
                .header("content-type", "application/json")
                .header("user-agent", "inference-ledger-webhooks/1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    private WebhookSecret secret(String subscriptionId, byte[] encrypted) {
        return WebhookSecret.parse(new String(cipher.decrypt(subscriptionId, encrypted), StandardCharsets.US_ASCII));
    }

    /** Logs the attempt and decides what comes next: done, gone, another attempt, or no more. */
    private void finish(Claimed delivery, Instant startedAt, long started, Integer status, String error) {
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        Attempt attempt = new Attempt(delivery.webhookId(), delivery.eventType(), delivery.attempt(), status, cut(error),
                took.toMillis(), startedAt);
        Instant now = clock.instant();
        List<Duration> schedule = settings.retrySchedule();
        try {
            if (status != null && status >= 200 && status < 300) {
                metrics.succeeded(took);
                queue.record(delivery, attempt, DeliveryQueue.DELIVERED, null);
            } else if (status != null && status == 410) {
                metrics.failed(took);
                queue.record(delivery, attempt, DeliveryQueue.CANCELLED, null);
                queue.disable(delivery.subscriptionId(), now);
                metrics.disabled();
                log.warn("webhook subscription {} disabled: its receiver answered 410 Gone", delivery.subscriptionId());
            } else if (delivery.attempt() < schedule.size()) {
                metrics.failed(took);
                queue.record(delivery, attempt, DeliveryQueue.PENDING, now.plus(schedule.get(delivery.attempt())));
            } else {
                metrics.failed(took);
                if (queue.record(delivery, attempt, DeliveryQueue.GIVEN_UP, null)) {
                    metrics.givenUp();
                    log.warn("webhook {} to subscription {} given up after {} attempts; the last: {}", delivery.webhookId(),
                            delivery.subscriptionId(), delivery.attempt(), status != null ? "HTTP " + status : attempt.error());
                }
            }
        } catch (DataIntegrityViolationException e) {
            // The subscription was deleted while this attempt was in flight: nothing left to record it on.
            log.debug("webhook {}: subscription {} deleted during the attempt", delivery.webhookId(), delivery.subscriptionId());
        }
    }

    private static String cut(String error) {
        return error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR - 1) + "…";
    }

}
