package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.Topics;
import dev.inference.ledger.service.support.UsageStream;
import dev.inference.ledger.service.support.UsageStream.Usage;

/**
 * Auto-recharge through Kafka, HTTP and the simulated payment provider: a recharge when usage takes
 * the balance below the threshold, a declined card retried, given up on and the customer told, settings
 * that would loop refused and usage that outruns every recharge stopped at the daily limit, and one
 * account hammered by 10,000 charges and 100 top-ups without a recharge too many or a cent lost.
 */
class AutoRechargeEndToEndTest extends ServiceStory {

    @DynamicPropertySource
    static void payments(DynamicPropertyRegistry registry) {
        registry.add("ledger.payments.simulated.declined-accounts", () -> "acct-declined");
        registry.add("ledger.recharge.max-attempts", () -> "3");
        registry.add("ledger.recharge.first-retry-after", () -> "1s");
        registry.add("ledger.recharge.poll-interval", () -> "200ms");
    }

    @Test
    void usage_taking_the_balance_below_the_threshold_recharges_it_once_and_tells_the_customer() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-refill"), new BigDecimal("50.00"));
        var saved = api.put("/api/v1/accounts/acct-refill/auto-recharge", ADMIN,
                "{\"threshold\":\"20.00\",\"amount\":\"100.00\",\"enabled\":true}");
        assertThat(saved.status()).as(String.valueOf(saved.body())).isEqualTo(200);

        // 400,000 output tokens of Claude 4 Opus: 33.00, leaving 17.00, below the threshold of 20.
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(opus("acct-refill", "refill-1")), 0);

        ledger.awaitBalance("acct-refill", new BigDecimal("117.00"), Duration.ofSeconds(30));
        var settings = api.get("/api/v1/accounts/acct-refill/auto-recharge", ADMIN).body();
        assertThat(settings.get("enabled").asBoolean()).isTrue();
        assertThat(new BigDecimal(settings.get("threshold").asText())).isEqualByComparingTo("20");
        assertThat(settings.get("rechargeInFlight").isNull()).isTrue();
        assertThat(ledger.eventsOf("acct-refill", "RechargeRequested")).isEqualTo(1);
        var notifications = Topics.read(infra().kafka.bootstrapServers(), "billing.notifications", 2,
                r -> "acct-refill".equals(r.key()) && !"usage.charged".equals(Topics.header(r, "x-notification-type")));
        assertThat(notifications).extracting(r -> Topics.header(r, "x-notification-type"))
                .containsExactly("balance.low", "recharge.succeeded");
        assertThat(notifications.get(1).value()).contains("\"amount\":\"100").contains("\"paymentReference\":\"sim_");
        var entries = api.get("/api/v1/accounts/acct-refill/entries", ADMIN).body().get("entries");
        assertThat(entries.get(entries.size() - 1).get("type").asText()).isEqualTo("recharge");
        ledger.assertReconciles();
    }

    @Test
    void a_declined_card_is_retried_then_given_up_on_the_customer_told_and_the_spent_account_suspended() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-declined"), new BigDecimal("10.00"));
        api.put("/api/v1/accounts/acct-declined/auto-recharge", ADMIN, "{\"threshold\":\"20.00\",\"amount\":\"50.00\",\"enabled\":true}");

        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(opus("acct-declined", "declined-1")), 0);

        // While the recharge is being retried the account is not suspended, but it may not spend.
        Await.until("the gateway is told the balance is insufficient", Duration.ofSeconds(20), () -> "insufficient-balance".equals(
                api.get("/api/v1/authorize?accountId=acct-declined", ADMIN).body().path("reason").asText()));
        Await.until("staff see the recharge in flight", Duration.ofSeconds(20), () -> api.get(
                "/api/v1/accounts/acct-declined/auto-recharge", ADMIN).body().path("rechargeInFlight").path("rechargeId").isTextual());
        assertThat(ledger.eventsOf("acct-declined", "AccountSuspended")).isZero();
        Await.until("the gateway is told the account is suspended", Duration.ofSeconds(30), () -> "suspended".equals(
                api.get("/api/v1/authorize?accountId=acct-declined", ADMIN).body().path("reason").asText()));
        assertThat(ledger.eventTypes("acct-declined")).containsSubsequence("RechargeRequested", "RechargeAttemptFailed",
                "RechargeAttemptFailed", "RechargeFailed", "AccountSuspended");
        var failed = Topics.read(infra().kafka.bootstrapServers(), "billing.notifications", 1,
                r -> "acct-declined".equals(r.key()) && "recharge.failed".equals(Topics.header(r, "x-notification-type")));
        assertThat(failed).singleElement().satisfies(r -> assertThat(r.value()).contains("\"attempts\":3", "card-declined"));

        api.post("/api/v1/accounts/acct-declined/top-ups", ADMIN, "{\"amount\":\"100.00\"}", "Idempotency-Key", "by-hand");
        ledger.awaitBalance("acct-declined", new BigDecimal("77.00"), Duration.ofSeconds(20));
        Await.until("the gateway may spend again", Duration.ofSeconds(20),
                () -> api.get("/api/v1/authorize?accountId=acct-declined", ADMIN).body().path("allowed").asBoolean());
        assertThat(api.put("/api/v1/accounts/acct-declined/auto-recharge", ADMIN,
                "{\"threshold\":\"20\",\"amount\":\"5\",\"enabled\":true}")
                .body().path("type").asText()).isEqualTo("/problems/invalid-auto-recharge");
        assertThat(api.put("/api/v1/accounts/acct-declined/auto-recharge", ADMIN, "{\"threshold\":\"20\",\"amount\":\"50\"}")
                .status()).isEqualTo(400);
        var huge = api.put("/api/v1/accounts/acct-declined/auto-recharge", ADMIN,
                "{\"threshold\":\"1E+30\",\"amount\":\"50\",\"enabled\":false}");
        assertThat(huge.status()).isEqualTo(400);
        assertThat(huge.body().path("type").asText()).isEqualTo("/problems/invalid-amount");
    }

    @Test
    void settings_that_would_recharge_in_a_loop_are_refused_and_usage_that_outruns_every_recharge_stops_at_the_daily_limit() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-loop"), new BigDecimal("10.00"));
        // A threshold above the refill: each recharge would leave the balance below it, and the next follow at once.
        var looping = api.put("/api/v1/accounts/acct-loop/auto-recharge", ADMIN, "{\"threshold\":\"1000\",\"amount\":\"10\",\"enabled\":true}");
        assertThat(looping.status()).isEqualTo(422);
        assertThat(looping.body().path("type").asText()).isEqualTo("/problems/invalid-auto-recharge");
        assertThat(ledger.paymentsTaken("acct-loop")).isZero();

        assertThat(api.put("/api/v1/accounts/acct-loop/auto-recharge", ADMIN, "{\"threshold\":\"20\",\"amount\":\"50\",\"enabled\":true}")
                .status()).isEqualTo(200);
        // Forty records of 33.00: 1,320 of usage against 10 and at most ten recharges of 50 a day.
        List<Usage> expensive = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expensive.add(opus("acct-loop", "loop-" + i));
        }
        UsageStream.publish(infra().kafka.bootstrapServers(), expensive, 0);

        Await.until("the daily limit is reached and told", Duration.ofSeconds(60),
                () -> ledger.eventsOf("acct-loop", "AutoRechargeLimitReached") == 1 && ledger.usageRecordsOf("acct-loop") == 40);
        ledger.awaitBalance("acct-loop", new BigDecimal("10").add(new BigDecimal("500")).subtract(new BigDecimal("1320")), Duration.ofSeconds(30));
        assertThat(ledger.eventsOf("acct-loop", "RechargeSucceeded")).isEqualTo(10);
        assertThat(ledger.eventsOf("acct-loop", "RechargeRequested")).isEqualTo(10);
        assertThat(ledger.paymentsTaken("acct-loop")).as("cards charged").isEqualTo(10);
        assertThat(ledger.eventTypes("acct-loop")).contains("AccountSuspended");
        var limited = Topics.read(infra().kafka.bootstrapServers(), "billing.notifications", 1,
                r -> "acct-loop".equals(r.key()) && "recharge.limited".equals(Topics.header(r, "x-notification-type")));
        assertThat(limited).hasSize(1);

        // More usage the same day asks no more recharges and tells the limit no more.
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(opus("acct-loop", "loop-after")), 0);
        ledger.awaitBalance("acct-loop", new BigDecimal("-843.00"), Duration.ofSeconds(30));
        assertThat(ledger.eventsOf("acct-loop", "RechargeRequested")).isEqualTo(10);
        assertThat(ledger.eventsOf("acct-loop", "AutoRechargeLimitReached")).isEqualTo(1);
        assertAlternating(ledger, "acct-loop");
    }

    @Test
    void ten_thousand_charges_and_a_hundred_top_ups_at_once_lose_nothing_and_never_recharge_twice_at_a_time() throws Exception {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-busy"), new BigDecimal("10.00"));
        // Just above the threshold at the start: the first records take it below; then top-ups, charges and recharges race.
        api.put("/api/v1/accounts/acct-busy/auto-recharge", ADMIN, "{\"threshold\":\"9.00\",\"amount\":\"10.00\",\"enabled\":true}");
        UsageStream usage = new UsageStream(5).unique("busy-", 10_000, List.of("acct-busy"));

        Thread publisher = new Thread(() -> UsageStream.publish(infra().kafka.bootstrapServers(), usage.withDuplicates(0), 0));
        publisher.start();
        // The top-ups race the charges and the recharges once the first recharge has been asked.
        Await.until("a first recharge is asked", Duration.ofSeconds(60), () -> ledger.eventsOf("acct-busy", "RechargeRequested") >= 1);
        var topUps = Executors.newFixedThreadPool(4);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String key = "busy-top-up-" + i;
            answers.add(topUps.submit(() -> api.post("/api/v1/accounts/acct-busy/top-ups", ADMIN, "{\"amount\":\"10.00\"}",
                    "Idempotency-Key", key).status()));
        }
        for (var answer : answers) {
            assertThat(answer.get()).isEqualTo(201);
        }
        topUps.shutdown();
        publisher.join();

        BigDecimal spend = usage.expectedSpend("acct-busy");
        Await.until("every record charged and every recharge asked answered", Duration.ofSeconds(120),
                () -> ledger.usageRecordsOf("acct-busy") == 10_000
                        && ledger.eventsOf("acct-busy", "RechargeRequested") == ledger.eventsOf("acct-busy", "RechargeSucceeded"));
        long recharges = ledger.eventsOf("acct-busy", "RechargeSucceeded");
        ledger.awaitBalance("acct-busy", new BigDecimal("1010.00").add(BigDecimal.TEN.multiply(BigDecimal.valueOf(recharges)))
                .subtract(spend), Duration.ofSeconds(60));
        assertThat(ledger.eventsOf("acct-busy", "TopUpCredited")).isEqualTo(101);
        assertThat(recharges).as("at least one, within the daily limit").isBetween(1L, 10L);
        assertThat(ledger.paymentsTaken("acct-busy")).isEqualTo(recharges);
        assertAlternating(ledger, "acct-busy");
        ledger.assertReconciles();
    }

    /** Never two in flight: each request is followed by its success before the next request. */
    private static void assertAlternating(Ledger ledger, String accountId) {
        List<String> recharging = ledger.eventTypes(accountId).stream()
                .filter(t -> t.equals("RechargeRequested") || t.equals("RechargeSucceeded")).toList();
        for (int i = 0; i < recharging.size(); i++) {
            assertThat(recharging.get(i)).as("recharge event " + i).isEqualTo(i % 2 == 0 ? "RechargeRequested" : "RechargeSucceeded");
        }
    }

    private static Usage opus(String accountId, String eventId) {
        return new Usage(accountId, "{\"eventId\":\"" + eventId + "\",\"kind\":\"tokens\",\"accountId\":\"" + accountId + "\","
                + "\"occurredAt\":\"" + UsageStream.RECENTLY + "\",\"model\":\"anthropic/claude-4-opus\",\"outputTokens\":400000}");
    }
}
