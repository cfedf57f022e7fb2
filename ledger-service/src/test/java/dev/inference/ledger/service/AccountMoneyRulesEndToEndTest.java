package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import dev.inference.ledger.service.account.authorize.GuardSnapshots;
import dev.inference.ledger.service.account.authorize.SpendGuard;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.Topics;
import dev.inference.ledger.service.support.UsageStream;
import dev.inference.ledger.service.support.UsageStream.Usage;

/**
 * The account's money rules as billing staff and gateways meet them: top-ups under the minimum and
 * above the review limit, an admin's review, and a prepaid customer who spends through the balance,
 * is suspended, tops up, and moves up a usage tier.
 */
class AccountMoneyRulesEndToEndTest extends ServiceStory {

    @Test
    void a_top_up_over_5000_waits_for_an_admin_and_one_under_10_is_refused() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"acct-enterprise\",\"name\":\"Enterprise\"}");

        var small = api.post("/api/v1/accounts/acct-enterprise/top-ups", ADMIN, "{\"amount\":\"9.99\"}", "Idempotency-Key", "small");
        assertThat(small.status()).isEqualTo(422);
        assertThat(small.body().get("type").asText()).isEqualTo("/problems/top-up-below-minimum");

        var big = api.post("/api/v1/accounts/acct-enterprise/top-ups", ADMIN, "{\"amount\":\"6000.00\"}", "Idempotency-Key", "big");
        assertThat(big.status()).isEqualTo(202);
        assertThat(big.body().get("status").asText()).isEqualTo("held-for-review");
        var other = api.post("/api/v1/accounts/acct-enterprise/top-ups", ADMIN, "{\"amount\":\"7000.00\"}", "Idempotency-Key", "other");

        String staff = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"staff\"}").body().get("token").asText();
        assertThat(api.post("/api/v1/accounts/acct-enterprise/top-ups/big/approve", staff, "").status()).isEqualTo(403);
        assertThat(api.post("/api/v1/accounts/acct-enterprise/top-ups/big/approve", ADMIN, "").status()).isEqualTo(200);
        assertThat(api.post("/api/v1/accounts/acct-enterprise/top-ups/other/reject", ADMIN, "{\"reason\":\"card declined\"}").status())
                .isEqualTo(200);
        assertThat(other.status()).isEqualTo(202);

        ledger.awaitBalance("acct-enterprise", new BigDecimal("6000"), Duration.ofSeconds(20));
        var again = api.post("/api/v1/accounts/acct-enterprise/top-ups/big/approve", ADMIN, "");
        assertThat(again.status()).isEqualTo(422);
        assertThat(again.body().get("type").asText()).isEqualTo("/problems/top-up-not-held");
    }

    @Test
    void a_customer_who_spends_through_the_balance_is_suspended_reinstated_by_a_top_up_and_promoted_at_100() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-opus"), new BigDecimal("10.00"));

        // 1M output tokens of Claude 4 Opus: 82.50.
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(opus("opus-1")), 0);
        ledger.awaitBalance("acct-opus", new BigDecimal("-72.50"), Duration.ofSeconds(30));
        awaitAccount(api, "suspended", 1);
        Await.until("the gateway is told the account is suspended", Duration.ofSeconds(20), () -> "suspended".equals(
                api.get("/api/v1/authorize?accountId=acct-opus&apiKeyId=key-1", ADMIN).body().path("reason").asText()));

        api.post("/api/v1/accounts/acct-opus/top-ups", ADMIN, "{\"amount\":\"100.00\"}", "Idempotency-Key", "refill");
        awaitAccount(api, "active", 1);
        Await.until("the gateway may spend again", Duration.ofSeconds(20),
                () -> api.get("/api/v1/authorize?accountId=acct-opus", ADMIN).body().path("allowed").asBoolean());

        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(opus("opus-2")), 0);
        ledger.awaitBalance("acct-opus", new BigDecimal("-55.00"), Duration.ofSeconds(30));
        // 165.00 spent from a prepaid balance: past tier 2's 100; and below zero again.
        awaitAccount(api, "suspended", 2);
    }

    @Test
    void a_postpaid_account_without_a_card_may_not_spend_and_its_usage_past_the_billing_limit_is_invoiced_at_once() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        assertThat(api.post("/api/v1/accounts", ADMIN,
                "{\"accountId\":\"acct-postpaid\",\"name\":\"Invoiced\",\"billingMode\":\"postpaid\",\"currency\":\"USD\"}")
                .status()).isEqualTo(201);
        Await.until("a postpaid account without a card is refused", Duration.ofSeconds(20),
                () -> "no-payment-method".equals(api.get("/api/v1/authorize?accountId=acct-postpaid", ADMIN).body().path("reason").asText()));

        // Two charges of 82.50 in one batch: the first passes tier 1's billing limit of 20, and one threshold
        // invoice takes everything unbilled at that moment.
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(
                new Usage("acct-postpaid", opus("post-1").json().replace("acct-opus", "acct-postpaid")),
                new Usage("acct-postpaid", opus("post-2").json().replace("acct-opus", "acct-postpaid"))), 0);

        Await.until("a threshold invoice of 165.00", Duration.ofSeconds(30), () -> {
            var invoices = api.get("/api/v1/accounts/acct-postpaid/invoices", ADMIN).body().path("invoices");
            return invoices.size() == 1 && new BigDecimal(invoices.get(0).get("total").asText()).compareTo(new BigDecimal("165")) == 0;
        });
        Await.until("nothing is left unbilled", Duration.ofSeconds(30), () -> new BigDecimal(
                api.get("/api/v1/accounts/acct-postpaid", ADMIN).body().path("unbilled").asText("1")).signum() == 0);
        var account = api.get("/api/v1/accounts/acct-postpaid", ADMIN).body();
        assertThat(new BigDecimal(account.get("balance").asText())).isZero();
        assertThat(ledger.eventsOf("acct-postpaid", "BillingLimitReached")).isEqualTo(1);
        assertThat(ledger.eventsOf("acct-postpaid", "TierPromoted")).as("postpaid spend counts once invoices are paid").isZero();
        assertThat(api.put("/api/v1/accounts/acct-postpaid/auto-recharge", ADMIN,
                "{\"threshold\":\"1\",\"amount\":\"10\",\"enabled\":true}")
                .body().path("type").asText()).isEqualTo("/problems/auto-recharge-not-prepaid");
    }

    @Test
    void an_api_key_budget_alerts_at_half_its_cap_and_blocks_at_the_cap() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-budget"), new BigDecimal("100.00"));
        var budget = api.put("/api/v1/accounts/acct-budget/budgets/apiKey/key-1", ADMIN,
                "{\"period\":\"month\",\"hardCap\":\"0.05\",\"softAlerts\":[\"0.5\"]}");
        assertThat(budget.status()).isEqualTo(200);
        assertThat(api.put("/api/v1/accounts/acct-budget/budgets/galaxy/g-1", ADMIN, "{\"hardCap\":\"1\"}").status()).isEqualTo(422);

        // 10,000 input tokens of Claude 4 Sonnet: 0.033 each, on key-1; the third goes on another key.
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(sonnet("b-1", "key-1"), sonnet("b-2", "key-1"), sonnet("b-3", "key-2")), 0);

        ledger.awaitBalance("acct-budget", new BigDecimal("99.901"), Duration.ofSeconds(30));
        assertThat(ledger.eventsOf("acct-budget", "BudgetAlertRaised")).isEqualTo(1);
        assertThat(ledger.eventsOf("acct-budget", "BudgetBlocked")).isEqualTo(1);
        var told = Topics.read(infra().kafka.bootstrapServers(), "billing.notifications", 2, r -> "acct-budget".equals(r.key())
                && Topics.header(r, "x-notification-type").startsWith("budget."));
        assertThat(told).extracting(r -> Topics.header(r, "x-notification-type")).containsExactly("budget.alert", "budget.blocked");

        // The gateway asks before each request; the blocked key is refused, the other one may spend.
        String gateway = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"gateway\",\"accountId\":\"acct-budget\"}").body().get("token").asText();
        Await.until("key-1 is refused by its budget", Duration.ofSeconds(20), () -> "budget-hard-cap:apiKey:key-1".equals(
                api.get("/api/v1/authorize?accountId=acct-budget&apiKeyId=key-1", gateway).body().path("reason").asText()));
        var other = api.get("/api/v1/authorize?accountId=acct-budget&apiKeyId=key-2", gateway).body();
        assertThat(other.get("allowed").asBoolean()).isTrue();
        assertThat(api.get("/api/v1/authorize?accountId=acct-opus", gateway).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/authorize?accountId=acct-nobody", ADMIN).body().get("reason").asText()).isEqualTo("unknown-account");
        var missing = api.get("/api/v1/authorize", ADMIN);
        assertThat(missing.status()).as(String.valueOf(missing.body())).isEqualTo(400);
        assertThat(missing.body().path("type").asText()).as(String.valueOf(missing.body())).isEqualTo("/problems/missing-parameter");
    }

    private static Usage sonnet(String eventId, String apiKey) {
        return new Usage("acct-budget", "{\"eventId\":\"" + eventId + "\",\"kind\":\"tokens\",\"accountId\":\"acct-budget\","
                + "\"occurredAt\":\"" + Instant.now() + "\",\"model\":\"anthropic/claude-4-sonnet\","
                + "\"inputTokens\":10000,\"apiKeyId\":\"" + apiKey + "\"}");
    }

    @Test
    void gateways_are_told_of_each_charge_and_of_a_tier_promotion_on_billing_notifications() {
        Ledger ledger = new Ledger(infra().database, new HttpApi(port), ADMIN);
        ledger.openPrepaid(List.of("acct-notify"), new BigDecimal("200.00"));

        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(
                new Usage("acct-notify", opus("n-1").json().replace("acct-opus", "acct-notify")),
                new Usage("acct-notify", opus("n-2").json().replace("acct-opus", "acct-notify"))), 0);

        var notifications = Topics.read(infra().kafka.bootstrapServers(), "billing.notifications", 3, r -> "acct-notify".equals(r.key()));
        assertThat(notifications).extracting(r -> Topics.header(r, "x-notification-type"))
                .containsExactlyInAnyOrder("usage.charged", "usage.charged", "tier.promoted");
        // Consumers dedupe on the receipt id: one per usage record, even where one ledger event charged both.
        assertThat(notifications).extracting(r -> Topics.header(r, "x-receipt-id")).doesNotHaveDuplicates();
        assertThat(notifications).filteredOn(r -> Topics.header(r, "x-notification-type").equals("usage.charged"))
                .extracting(r -> r.value()).anySatisfy(v -> assertThat(v).contains("\"usageEventId\":\"n-1\""))
                .anySatisfy(v -> assertThat(v).contains("\"usageEventId\":\"n-2\""));
        assertThat(notifications).filteredOn(r -> Topics.header(r, "x-notification-type").equals("tier.promoted"))
                .singleElement().satisfies(r -> assertThat(r.value()).contains("\"toTier\":2"));
    }

    @Autowired
    SpendGuard liveGuard;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    Serializer serializer;

    @Test
    void an_instance_starting_from_the_snapshot_of_the_authorize_view_decides_as_one_that_read_every_event() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-snap-spent", "acct-snap-capped", "acct-snap-open"), new BigDecimal("10.00"));
        api.put("/api/v1/accounts/acct-snap-capped/budgets/apiKey/key-1", ADMIN, "{\"hardCap\":\"0.01\"}");
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(
                new Usage("acct-snap-spent", opus("snap-1").json().replace("acct-opus", "acct-snap-spent")),
                new Usage("acct-snap-capped", sonnet("snap-2", "key-1").json().replace("acct-budget", "acct-snap-capped"))), 0);
        Await.until("the view and its snapshot have the suspension and the block", Duration.ofSeconds(30), () ->
                "suspended".equals(liveGuard.authorize("acct-snap-spent", null, null, null).reason())
                        && "budget-hard-cap:apiKey:key-1".equals(liveGuard.authorize("acct-snap-capped", "key-1", null, null).reason())
                        && jdbc.queryForObject("SELECT count(*) FROM authorize_guards WHERE suspended", Integer.class) > 0
                        && jdbc.queryForObject("SELECT count(*) FROM authorize_blocks", Integer.class) > 0);

        SpendGuard started = new SpendGuard(Clock.systemUTC());
        assertThat(new GuardSnapshots(jdbc, transactions, serializer, started).restore()).as("a position to read on from").isNotNull();
        for (String account : List.of("acct-snap-spent", "acct-snap-capped", "acct-snap-open", "acct-nobody")) {
            for (String key : Arrays.asList(null, "key-1", "key-2")) {
                assertThat(started.authorize(account, key, null, null)).as(account + " " + key)
                        .isEqualTo(liveGuard.authorize(account, key, null, null));
            }
        }
    }

    @Test
    void staff_set_up_an_organisation_of_projects_members_and_api_keys() {
        HttpApi api = new HttpApi(port);
        api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"acct-org\",\"name\":\"Org\"}");
        String staff = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"staff\"}").body().get("token").asText();

        assertThat(api.post("/api/v1/accounts/acct-org/projects", staff, "{\"projectId\":\"proj-a\",\"name\":\"Assistant\"}").status())
                .isEqualTo(201);
        assertThat(api.post("/api/v1/accounts/acct-org/members", staff, "{\"memberId\":\"user-3\",\"role\":\"developer\"}").status())
                .isEqualTo(201);
        assertThat(api.post("/api/v1/accounts/acct-org/api-keys", staff,
                "{\"apiKeyId\":\"key-1\",\"projectId\":\"proj-a\",\"memberId\":\"user-3\"}").status()).isEqualTo(201);
        var refused = api.post("/api/v1/accounts/acct-org/api-keys", staff, "{\"apiKeyId\":\"key-2\",\"projectId\":\"proj-x\"}");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().get("type").asText()).isEqualTo("/problems/unknown-project");

        Await.until("the organisation is projected", Duration.ofSeconds(20),
                () -> api.get("/api/v1/accounts/acct-org/organisation", staff).body().get("apiKeys").size() == 1);
        var organisation = api.get("/api/v1/accounts/acct-org/organisation", staff).body();
        assertThat(organisation.get("projects").get(0).get("name").asText()).isEqualTo("Assistant");
        assertThat(organisation.get("members").get(0).get("role").asText()).isEqualTo("developer");
        assertThat(organisation.get("apiKeys").get(0).get("projectId").asText()).isEqualTo("proj-a");
    }

    private static void awaitAccount(HttpApi api, String status, int tier) {
        Await.until("acct-opus is " + status + " at tier " + tier, Duration.ofSeconds(20), () -> {
            var account = api.get("/api/v1/accounts/acct-opus", ADMIN).body();
            return account.get("status").asText().equals(status) && account.get("tier").asInt() == tier;
        });
    }

    private static Usage opus(String eventId) {
        return new Usage("acct-opus", "{\"eventId\":\"" + eventId + "\",\"kind\":\"tokens\",\"accountId\":\"acct-opus\","
                + "\"occurredAt\":\"" + UsageStream.RECENTLY + "\",\"model\":\"anthropic/claude-4-opus\",\"outputTokens\":1000000}");
    }
}
