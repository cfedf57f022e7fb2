package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.kernel.webhook.WebhookSecret;
import dev.inference.ledger.kernel.webhook.WebhookVerificationException;
import dev.inference.ledger.kernel.webhook.WebhookVerifier;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.UsageStream;
import dev.inference.ledger.service.support.UsageStream.Usage;
import dev.inference.ledger.service.support.WebhookReceiver;
import dev.inference.ledger.service.support.WebhookReceiver.Received;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Webhooks from the ledger's events to a real HTTP receiver on 127.0.0.1 that verifies every signature
 * with the shared kernel's verifier: retried through refusals, the same webhook-id every time, logged per
 * attempt; given up after the schedule; a 410 ends a subscription; a rotated secret signs beside the old
 * one for the grace period only; and the door's bounds and the account scoping of every look-up.
 */
class WebhookDeliveryEndToEndTest extends ServiceStory {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SOON = Duration.ofSeconds(60);
    private static WebhookReceiver receiver;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void webhooks(DynamicPropertyRegistry registry) {
        // Three attempts, the first at once: the receiver's two refusals are retried within a second.
        registry.add("ledger.webhooks.retry-schedule", () -> "0s, 300ms, 300ms");
        registry.add("ledger.webhooks.poll-interval", () -> "100ms");
        registry.add("ledger.webhooks.rotation-grace-period", () -> "10s");
        registry.add("ledger.recharge.poll-interval", () -> "200ms");
    }

    @BeforeAll
    static void startTheReceiver() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stopTheReceiver() {
        receiver.close();
    }

    @Test
    void every_subscribed_event_arrives_signed_after_two_refusals_with_one_webhook_id_and_the_log_shows_every_attempt() throws Exception {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-hooks"), new BigDecimal("200.00"));
        assertThat(api.put("/api/v1/accounts/acct-hooks/auto-recharge", ADMIN,
                "{\"threshold\":\"100.00\",\"amount\":\"150.00\",\"enabled\":true}").status()).isEqualTo(200);
        String url = receiver.route("/hooks", 2, 500, 204);
        var created = subscribe(api, "acct-hooks", url, "balance.low", "tier.promoted", "recharge.succeeded", "recharge.failed");
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        String subscriptionId = created.body().get("subscriptionId").asText();
        assertThat(created.body().get("secret").asText()).startsWith("whsec_");
        assertThat(created.body().get("eventTypes")).hasSize(4);
        receiver.trust("/hooks", created.body().get("secret").asText());

        // Four charges of 33.00: 200 → 68, below the threshold of 100 (balance.low, a recharge of 100) and a paid spend
        // of 132, past tier 2's 100 (tier.promoted).
        Instant published = Instant.now();
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(opus("acct-hooks", "hooks-1"), opus("acct-hooks", "hooks-2"),
                opus("acct-hooks", "hooks-3"), opus("acct-hooks", "hooks-4")), 0);

        Await.until("balance.low, tier.promoted and recharge.succeeded are accepted", SOON, () -> accepted("/hooks").size() == 3);
        List<Received> arrived = receiver.at("/hooks");
        assertThat(arrived).extracting(Received::refusal).as("every signature verified").containsOnlyNulls();
        Map<String, List<Received>> byId = arrived.stream().collect(Collectors.groupingBy(Received::webhookId));
        assertThat(byId).hasSize(3);
        byId.forEach((id, attempts) -> {
            assertThat(attempts).extracting(Received::answered).as(id).containsExactly(500, 500, 204);
            // The same body every time: a receiver that already handled the webhook-id drops the repeat.
            assertThat(attempts).extracting(Received::body).as(id).containsOnly(attempts.get(0).body());
        });
        Map<String, JsonNode> byType = new java.util.HashMap<>();
        for (List<Received> attempts : byId.values()) {
            JsonNode payload = JSON.readTree(attempts.get(0).body());
            byType.put(payload.get("type").asText(), payload);
            assertThat(payload.get("data").get("accountId").asText()).isEqualTo("acct-hooks");
            assertThat(Instant.parse(payload.get("timestamp").asText())).isAfter(published.minusSeconds(5));
        }
        assertThat(byType).containsOnlyKeys("balance.low", "tier.promoted", "recharge.succeeded");
        assertThat(byType.get("balance.low").get("data").get("balance").asText()).isEqualTo("68.000000000000");
        assertThat(byType.get("balance.low").get("data").get("threshold").asText()).isEqualTo("100.000000000000");
        assertThat(byType.get("tier.promoted").get("data").get("toTier").asInt()).isEqualTo(2);
        assertThat(byType.get("recharge.succeeded").get("data").get("amount").asText()).isEqualTo("150.000000000000");
        assertThat(byType.get("recharge.succeeded").get("data").get("paymentReference").asText()).startsWith("sim_");
        // The webhook-id is the ledger event's own id.
        assertThat(byId.keySet()).contains(jdbc.queryForObject("""
                SELECT eventidentifier FROM domainevententry WHERE aggregateidentifier = 'acct-hooks' AND payloadtype LIKE '%BalanceLow'""",
                String.class));

        Await.until("the log has all nine attempts", SOON, () -> log(api, "acct-hooks", subscriptionId).size() == 9);
        List<JsonNode> log = log(api, "acct-hooks", subscriptionId);
        for (String id : byId.keySet()) {
            assertThat(log).filteredOn(a -> a.get("webhookId").asText().equals(id))
                    .extracting(a -> a.get("attempt").asInt() + ":" + a.get("statusCode").asInt())
                    .containsExactlyInAnyOrder("1:500", "2:500", "3:204");
        }
        assertThat(log).allSatisfy(a -> {
            assertThat(a.get("latencyMs").asLong()).isNotNegative();
            assertThat(a.get("eventType").asText()).isIn("balance.low", "tier.promoted", "recharge.succeeded");
        });
        long[] latencies = log.stream().mapToLong(a -> a.get("latencyMs").asLong()).sorted().toArray();
        System.out.printf("webhook attempts: %d, latency ms min %d median %d max %d; all three accepted %d ms after publishing%n",
                latencies.length, latencies[0], latencies[latencies.length / 2], latencies[latencies.length - 1],
                Duration.between(published, lastAcceptedAt("/hooks")).toMillis());

        Thread.sleep(1000);
        assertThat(receiver.at("/hooks")).as("nothing is sent again once accepted").hasSize(9);
        var listed = api.get("/api/v1/accounts/acct-hooks/webhooks", ADMIN).body().get("subscriptions");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).has("secret")).isFalse();
        assertThat(listed.get(0).get("url").asText()).isEqualTo(url);
    }

    @Test
    void a_receiver_that_keeps_failing_is_given_up_after_the_last_scheduled_attempt_and_counted() throws Exception {
        HttpApi api = new HttpApi(port);
        warnedBelow40(api, "acct-flaky");
        String subscriptionId = subscribed(api, "acct-flaky", receiver.route("/always-fails", 0, 0, 503), "/always-fails");
        double givenUpBefore = givenUp();

        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(opus("acct-flaky", "flaky-1")), 0);

        Await.until("three attempts are logged", SOON, () -> log(api, "acct-flaky", subscriptionId).size() == 3);
        assertThat(log(api, "acct-flaky", subscriptionId)).extracting(a -> a.get("statusCode").asInt()).containsOnly(503);
        Await.until("the delivery is given up", SOON, () -> "given-up".equals(jdbc.queryForObject(
                "SELECT state FROM webhook_deliveries WHERE subscription_id = ?", String.class, subscriptionId)));
        assertThat(givenUp()).isEqualTo(givenUpBefore + 1);
        Thread.sleep(1000);
        assertThat(receiver.at("/always-fails")).hasSize(3);
    }

    @Test
    void a_receiver_that_answers_410_gone_ends_its_subscription_and_is_sent_nothing_more() throws Exception {
        HttpApi api = new HttpApi(port);
        Ledger ledger = warnedBelow40(api, "acct-gone");
        String gone = subscribed(api, "acct-gone", receiver.route("/gone", 0, 0, 410), "/gone");
        subscribed(api, "acct-gone", receiver.route("/witness", 0, 0, 204), "/witness");

        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(opus("acct-gone", "gone-1")), 0);
        Await.until("the first balance.low reached both", SOON, () -> receiver.at("/gone").size() == 1 && accepted("/witness").size() == 1);
        Await.until("the subscription is disabled", SOON, () -> !api.get("/api/v1/accounts/acct-gone/webhooks", ADMIN).body()
                .get("subscriptions").findValues("disabledAt").stream().allMatch(JsonNode::isNull));

        // Lifted above the threshold and taken below it again: a second balance.low, which the witness gets and /gone does not.
        belowTheThresholdAgain(api, ledger, "acct-gone");
        Await.until("the second balance.low reached the witness", SOON, () -> accepted("/witness").size() == 2);
        Thread.sleep(500);
        assertThat(receiver.at("/gone")).hasSize(1);
        assertThat(log(api, "acct-gone", gone)).extracting(a -> a.get("statusCode").asInt()).containsExactly(410);
    }

    @Test
    void after_a_rotation_both_secrets_verify_during_the_grace_period_and_only_the_new_one_after_it() throws Exception {
        HttpApi api = new HttpApi(port);
        Ledger ledger = warnedBelow40(api, "acct-rotate");
        var created = subscribe(api, "acct-rotate", receiver.route("/rotating", 0, 0, 204), "balance.low");
        String subscriptionId = created.body().get("subscriptionId").asText();
        String oldSecret = created.body().get("secret").asText();

        var rotated = api.post("/api/v1/accounts/acct-rotate/webhooks/" + subscriptionId + "/rotate-secret", ADMIN, "{}");
        assertThat(rotated.status()).as(String.valueOf(rotated.body())).isEqualTo(200);
        String newSecret = rotated.body().get("secret").asText();
        Instant graceEnds = Instant.parse(rotated.body().get("previousSecretValidUntil").asText());
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
        // The receiver has switched to the new secret; one that has not yet would still verify with the old one, below.
        receiver.trust("/rotating", newSecret);

        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(opus("acct-rotate", "rotate-1")), 0);
        Await.until("balance.low arrived", SOON, () -> receiver.at("/rotating").size() == 1);
        Received during = receiver.at("/rotating").get(0);
        assertThat(during.answered()).isEqualTo(204);
        assertThat(Instant.ofEpochSecond(Long.parseLong(during.timestamp()))).as("sent within the grace period").isBefore(graceEnds);
        assertThat(during.signature().split(" ")).hasSize(2);
        verify(newSecret, during);
        verify(oldSecret, during);

        Await.until("the grace period is over", Duration.ofSeconds(30), () -> Instant.now().isAfter(graceEnds.plusSeconds(1)));
        belowTheThresholdAgain(api, ledger, "acct-rotate");
        Await.until("the second balance.low arrived", SOON, () -> receiver.at("/rotating").size() == 2);
        Received after = receiver.at("/rotating").get(1);
        assertThat(after.answered()).isEqualTo(204);
        assertThat(after.signature().split(" ")).hasSize(1);
        verify(newSecret, after);
        assertThatThrownBy(() -> verify(oldSecret, after)).isInstanceOf(WebhookVerificationException.class);
        Await.until("both attempts are logged", SOON, () -> log(api, "acct-rotate", subscriptionId).size() == 2);
        assertThat(log(api, "acct-rotate", subscriptionId)).extracting(a -> a.get("statusCode").asInt()).containsOnly(204);
    }

    @Test
    void subscriptions_are_checked_at_the_door_at_most_20_an_account_and_reached_only_through_their_own_account() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-limits", "acct-neighbour"), new BigDecimal("50.00"));
        String url = receiver.route("/limits", 0, 0, 204);

        assertProblem(subscribe(api, "acct-limits", "ftp://127.0.0.1/hooks", "balance.low"), 422, "invalid-webhook-url");
        assertProblem(subscribe(api, "acct-limits", "https://user:pw@127.0.0.1/hooks", "balance.low"), 422, "invalid-webhook-url");
        assertProblem(subscribe(api, "acct-limits", "https://127.0.0.1/" + "a".repeat(2040), "balance.low"), 422, "invalid-field");
        assertProblem(subscribe(api, "acct-limits", url), 422, "invalid-webhook-event-types");
        assertProblem(subscribe(api, "acct-limits", url, "usage.charged"), 422, "invalid-webhook-event-types");
        assertProblem(api.post("/api/v1/accounts/acct-limits/webhooks", ADMIN, "{\"eventTypes\":[\"balance.low\"]}"), 422,
                "invalid-webhook-url");
        assertProblem(subscribe(api, "acct-unknown", url, "balance.low"), 404, "account-not-found");

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            var created = subscribe(api, "acct-limits", url, "balance.low", "invoice.issued", "invoice.paid", "invoice.payment_failed");
            assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
            ids.add(created.body().get("subscriptionId").asText());
        }
        assertProblem(subscribe(api, "acct-limits", url, "balance.low"), 422, "too-many-webhooks");

        // Another account's path never reaches this account's subscription, whatever id it names.
        String theirs = ids.get(0);
        assertProblem(api.get("/api/v1/accounts/acct-neighbour/webhooks/" + theirs + "/deliveries", ADMIN), 404,
                "webhook-subscription-not-found");
        assertProblem(api.post("/api/v1/accounts/acct-neighbour/webhooks/" + theirs + "/rotate-secret", ADMIN, "{}"), 404,
                "webhook-subscription-not-found");
        assertProblem(api.delete("/api/v1/accounts/acct-neighbour/webhooks/" + theirs, ADMIN), 404, "webhook-subscription-not-found");
        assertThat(api.get("/api/v1/accounts/acct-neighbour/webhooks", ADMIN).body().get("subscriptions")).isEmpty();
        assertThat(api.get("/api/v1/accounts/acct-limits/webhooks", ADMIN).body().get("subscriptions")).hasSize(20);
        assertProblem(api.get("/api/v1/accounts/acct-limits/webhooks/" + theirs + "/deliveries?limit=0", ADMIN), 422,
                "invalid-parameter");

        assertThat(api.delete("/api/v1/accounts/acct-limits/webhooks/" + theirs, ADMIN).status()).isEqualTo(204);
        assertProblem(api.delete("/api/v1/accounts/acct-limits/webhooks/" + theirs, ADMIN), 404, "webhook-subscription-not-found");
        assertThat(subscribe(api, "acct-limits", url, "budget.alert", "budget.blocked", "budget.alert").body().get("eventTypes"))
                .as("a type named twice is kept once").hasSize(2);
    }

    private static HttpApi.Response subscribe(HttpApi api, String account, String url, String... types) {
        String list = java.util.Arrays.stream(types).map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
        return api.post("/api/v1/accounts/" + account + "/webhooks", ADMIN, "{\"url\":\"" + url + "\",\"eventTypes\":[" + list + "]}");
    }

    /** A balance.low subscription whose secret the receiver of {@code path} trusts; its id. */
    private static String subscribed(HttpApi api, String account, String url, String path) {
        var created = subscribe(api, account, url, "balance.low");
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        receiver.trust(path, created.body().get("secret").asText());
        return created.body().get("subscriptionId").asText();
    }

    /** An account of 50.00 warned (BalanceLow) below 40.00, without recharging: one charge of 33.00 warns it. */
    private static Ledger warnedBelow40(HttpApi api, String account) {
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of(account), new BigDecimal("50.00"));
        assertThat(api.put("/api/v1/accounts/" + account + "/auto-recharge", ADMIN,
                "{\"threshold\":\"40.00\",\"amount\":\"50.00\",\"enabled\":false}").status()).isEqualTo(200);
        return ledger;
    }

    /** After the first warning at 17.00: lifted to 117.00 by a top-up, then charged 99.00, down to 18.00: warned again. */
    private static void belowTheThresholdAgain(HttpApi api, Ledger ledger, String account) {
        api.post("/api/v1/accounts/" + account + "/top-ups", ADMIN, "{\"amount\":\"100.00\"}", "Idempotency-Key", account + "-refill");
        ledger.awaitBalance(account, new BigDecimal("117.00"), SOON);
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(opus(account, account + "-2"), opus(account, account + "-3"),
                opus(account, account + "-4")), 0);
    }

    private static List<JsonNode> log(HttpApi api, String account, String subscriptionId) {
        var response = api.get("/api/v1/accounts/" + account + "/webhooks/" + subscriptionId + "/deliveries?limit=100", ADMIN);
        assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(200);
        List<JsonNode> attempts = new ArrayList<>();
        response.body().get("attempts").forEach(attempts::add);
        return attempts;
    }

    private static List<Received> accepted(String path) {
        return receiver.at(path).stream().filter(r -> r.answered() / 100 == 2).toList();
    }

    private static Instant lastAcceptedAt(String path) {
        return accepted(path).stream().map(Received::arrivedAt).max(Instant::compareTo).orElseThrow();
    }

    private static void verify(String secret, Received received) throws WebhookVerificationException {
        new WebhookVerifier(List.of(WebhookSecret.parse(secret)), Clock.systemUTC()).verify(received.headers()::get, received.body());
    }

    private double givenUp() {
        var counter = meters.find("ledger.webhooks.deliveries.given.up").counter();
        return counter == null ? 0 : counter.count();
    }

    private static void assertProblem(HttpApi.Response response, int status, String type) {
        assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(status);
        assertThat(response.body().get("type").asText()).isEqualTo("/problems/" + type);
    }

    private static Usage opus(String accountId, String eventId) {
        // 400,000 output tokens of Claude 4 Opus: 33.00.
        return new Usage(accountId, "{\"eventId\":\"" + eventId + "\",\"kind\":\"tokens\",\"accountId\":\"" + accountId + "\","
                + "\"occurredAt\":\"" + UsageStream.RECENTLY + "\",\"model\":\"anthropic/claude-4-opus\",\"outputTokens\":400000}");
    }
}
