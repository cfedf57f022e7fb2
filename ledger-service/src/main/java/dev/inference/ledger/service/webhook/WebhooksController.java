package dev.inference.ledger.service.webhook;

import io.swagger.v3.oas.annotations.Operation;
import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.STAFF;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.service.account.registry.AccountRegistry;
import dev.inference.ledger.service.api.ApiException;
import dev.inference.ledger.service.security.Allowed;
import dev.inference.ledger.webhooks.DeliveryQueue;
import dev.inference.ledger.webhooks.Subscriptions.Subscription;
import dev.inference.ledger.webhooks.WebhookSubscriptions;

/** Staff manage an account's webhook subscriptions and read their delivery log. */
@RestController
@RequestMapping("/api/v1/accounts/{id}/webhooks")
public class WebhooksController {

    static final int MAX_LOG = 1000;

    private final WebhookSubscriptions subscriptions;
    private final AccountRegistry registry;

    public WebhooksController(WebhookSubscriptions subscriptions, AccountRegistry registry) {
        this.subscriptions = subscriptions;
        this.registry = registry;
    }

    record SubscribeRequest(String url, List<String> eventTypes) {
    }

    record SubscriptionView(String subscriptionId, String url, List<String> eventTypes, Instant createdAt, Instant disabledAt) {
        SubscriptionView(Subscription s) {
            this(s.subscriptionId(), s.url(), s.eventTypes(), s.createdAt(), s.disabledAt());
        }
    }

    /** The one answer that carries the secret. */
    record CreatedView(String subscriptionId, String url, List<String> eventTypes, String secret, Instant createdAt) {
    }

    record SubscriptionList(List<SubscriptionView> subscriptions) {
    }

    record DeliveryLog(String subscriptionId, List<DeliveryQueue.Attempt> attempts) {
    }

    @Operation(summary = "Subscribe a webhook")
    @PostMapping
    @Allowed({ADMIN, STAFF})
    public ResponseEntity<CreatedView> subscribe(@PathVariable String id, @RequestBody SubscribeRequest request) {
        requireAccount(id);
        var created = subscriptions.subscribe(id, request.url(), request.eventTypes());
        Subscription s = created.subscription();
        return ResponseEntity.created(URI.create("/api/v1/accounts/" + id + "/webhooks/" + s.subscriptionId()))
                .body(new CreatedView(s.subscriptionId(), s.url(), s.eventTypes(), created.secret(), s.createdAt()));
    }

    @Operation(summary = "The account's webhook subscriptions", operationId = "listWebhooks")
    @GetMapping
    @Allowed({ADMIN, STAFF})
    public SubscriptionList list(@PathVariable String id) {
        requireAccount(id);
        return new SubscriptionList(subscriptions.list(id).stream().map(SubscriptionView::new).toList());
    }

    @Operation(summary = "Delete a webhook subscription")
    @DeleteMapping("/{subscriptionId}")
    @Allowed({ADMIN, STAFF})
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void unsubscribe(@PathVariable String id, @PathVariable String subscriptionId) {
        if (!subscriptions.unsubscribe(id, subscriptionId)) {
            throw noSuchSubscription(id, subscriptionId);
        }
    }

    @Operation(summary = "Rotate a subscription's signing secret")
    @PostMapping("/{subscriptionId}/rotate-secret")
    @Allowed({ADMIN, STAFF})
    public WebhookSubscriptions.Rotated rotateSecret(@PathVariable String id, @PathVariable String subscriptionId) {
        return subscriptions.rotateSecret(id, subscriptionId).orElseThrow(() -> noSuchSubscription(id, subscriptionId));
    }

    @Operation(summary = "A subscription's recent deliveries")
    @GetMapping("/{subscriptionId}/deliveries")
    @Allowed({ADMIN, STAFF})
    public DeliveryLog deliveries(@PathVariable String id, @PathVariable String subscriptionId,
                                  @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX_LOG) {
            throw new ApiException(422, "invalid-parameter", "Invalid request", "limit must be 1-" + MAX_LOG);
        }
        return subscriptions.deliveryLog(id, subscriptionId, limit).map(log -> new DeliveryLog(subscriptionId, log))
                .orElseThrow(() -> noSuchSubscription(id, subscriptionId));
    }

    private void requireAccount(String id) {
        if (!registry.exists(id)) {
            throw new ApiException(404, "account-not-found", "Not found", "no such account");
        }
    }

    private static ApiException noSuchSubscription(String id, String subscriptionId) {
        return new ApiException(404, "webhook-subscription-not-found", "Not found",
                "account " + id + " has no webhook subscription " + dev.inference.ledger.kernel.input.Identifier.echo(subscriptionId));
    }
}
