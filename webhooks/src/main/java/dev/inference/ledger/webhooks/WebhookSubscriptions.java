package dev.inference.ledger.webhooks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.inference.ledger.kernel.webhook.WebhookSecret;
import dev.inference.ledger.webhooks.Subscriptions.Subscription;

/**
 * The rules of an account's subscriptions: a URL the ledger agrees to call, a non-empty set of known
 * event types, at most {@value #MAX_PER_ACCOUNT} per account, and a fresh secret, shown once, kept
 * encrypted. A rotation keeps the previous secret signing for the grace period, so receivers can
 * switch without losing a webhook.
 */
@Service
public class WebhookSubscriptions {

    public static final int MAX_PER_ACCOUNT = 20;
    private static final String ID_PREFIX = "whsub_";
    private static final int ID_RANDOM_BYTES = 16;
    /** The prefix and the random bytes in unpadded base64url. */
    public static final int SUBSCRIPTION_ID_LENGTH = ID_PREFIX.length() + (ID_RANDOM_BYTES * 4 + 2) / 3;

    /** A new subscription and its secret, which nothing shows again. */
    public record Created(Subscription subscription, String secret) {
    }

    /** The new secret, and until when the previous one still signs. */
    public record Rotated(String subscriptionId, String secret, Instant previousSecretValidUntil) {
    }

    private final Subscriptions subscriptions;
    private final DeliveryQueue deliveries;
    private final SecretCipher cipher;
    private final ReceiverAddresses addresses;
    private final WebhookSettings settings;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    WebhookSubscriptions(Subscriptions subscriptions, DeliveryQueue deliveries, SecretCipher cipher, ReceiverAddresses addresses,
                         WebhookSettings settings, Clock clock) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.cipher = cipher;
        this.addresses = addresses;
        this.settings = settings;
        this.clock = clock;
    }

    @Transactional
    public Created subscribe(String accountId, String url, List<String> eventTypes) {
        URI uri = addresses.requireValidUrl(url);
        List<String> types = requireKnownTypes(eventTypes);
        addresses.requireAllowed(uri);
        subscriptions.lockAccount(accountId);
        if (subscriptions.count(accountId) >= MAX_PER_ACCOUNT) {
            throw new WebhookRuleViolation(WebhookRuleViolation.TOO_MANY, "an account has at most " + MAX_PER_ACCOUNT
                    + " webhook subscriptions; delete one first");
        }
        String id = ID_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(ID_RANDOM_BYTES));
        WebhookSecret secret = WebhookSecret.generate(random);
        Subscription subscription = new Subscription(id, accountId, url, types, clock.instant(), null);
        subscriptions.insert(subscription, encrypt(id, secret));
        return new Created(subscription, secret.encoded());
    }

    public List<Subscription> list(String accountId) {
        return subscriptions.list(accountId);
    }

    public Optional<Subscription> find(String accountId, String subscriptionId) {
        return subscriptions.find(accountId, subscriptionId);
    }

    public boolean unsubscribe(String accountId, String subscriptionId) {
        return subscriptions.delete(accountId, subscriptionId);
    }

    public Optional<Rotated> rotateSecret(String accountId, String subscriptionId) {
        WebhookSecret secret = WebhookSecret.generate(random);
        Instant previousUntil = clock.instant().plus(settings.rotationGracePeriod());
        if (!subscriptions.rotate(accountId, subscriptionId, encrypt(subscriptionId, secret), previousUntil)) {
            return Optional.empty();
        }
        return Optional.of(new Rotated(subscriptionId, secret.encoded(), previousUntil));
    }

    /** The latest attempts, newest first; empty when the account has no such subscription. */
    public Optional<List<DeliveryQueue.Attempt>> deliveryLog(String accountId, String subscriptionId, int limit) {
        return subscriptions.find(accountId, subscriptionId).map(s -> deliveries.log(accountId, subscriptionId, limit));
    }

    private static List<String> requireKnownTypes(List<String> eventTypes) {
        if (eventTypes == null || eventTypes.isEmpty()) {
            throw new WebhookRuleViolation(WebhookRuleViolation.INVALID_EVENT_TYPES, "eventTypes must name at least one of "
                    + WebhookEventType.wireNames());
        }
        List<String> types = new ArrayList<>();
        for (String type : eventTypes) {
            if (WebhookEventType.fromWire(type).isEmpty()) {
                throw new WebhookRuleViolation(WebhookRuleViolation.INVALID_EVENT_TYPES, "eventTypes may name only "
                        + WebhookEventType.wireNames());
            }
            if (!types.contains(type)) {
                types.add(type);
            }
        }
        return types;
    }

    private byte[] encrypt(String subscriptionId, WebhookSecret secret) {
        return cipher.encrypt(subscriptionId, secret.encoded().getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }
}
