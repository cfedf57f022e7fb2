package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.inference.ledger.kernel.audit.Checkpoint;
import dev.inference.ledger.kernel.hold.HoldEvent;
import dev.inference.ledger.service.projection.AccountSequencing;
import dev.inference.ledger.processing.AccountViews;
import dev.inference.ledger.audit.AuditVerifier;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.Topics;
import dev.inference.ledger.service.support.UsageStream;
import dev.inference.ledger.service.support.UsageStream.Usage;

/**
 * A gateway holds before each request and the usage record settles the hold: what is held is not
 * available — to other holds, to authorize, in the account's and the budgets' views — until usage
 * settles it, the gateway releases it, or it runs out of time; an auditor finds the log whole.
 */
@TestPropertySource(properties = "ledger.audit.checkpoint-interval=1s")
class HoldsEndToEndTest extends ServiceStory {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String ACCOUNT = "acct-holds";

    @Autowired
    DataSource dataSource;

    @Test
    void holds_reserve_what_a_request_may_spend_until_its_usage_settles_them() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of(ACCOUNT), new BigDecimal("10.00"));
        String gateway = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"gateway\"}").body().get("token").asText();

        // Granted, and the same key replays the same hold.
        HttpApi.Response first = hold(api, gateway, "{\"accountId\":\"" + ACCOUNT + "\",\"apiKeyId\":\"key-1\",\"amount\":\"4.00\"}", "k-1");
        assertThat(first.status()).isEqualTo(201);
        String holdId = first.body().get("holdId").asText();
        assertThat(first.body().get("amount").asText()).isEqualTo("4.000000000000");
        assertThat(first.body().get("available").asText()).isEqualTo("6.000000000000");
        assertThat(hold(api, gateway, "{\"accountId\":\"" + ACCOUNT + "\",\"apiKeyId\":\"key-1\",\"amount\":\"4.00\"}", "k-1").body()
                .get("holdId").asText()).isEqualTo(holdId);
        assertThat(hold(api, gateway, "{\"accountId\":\"" + ACCOUNT + "\",\"amount\":\"5.00\"}", "k-1").status())
                .as("the key with another body").isEqualTo(409);

        // What is held is not available to the next hold, nor in the account's view.
        HttpApi.Response refused = hold(api, gateway, "{\"accountId\":\"" + ACCOUNT + "\",\"amount\":\"6.01\"}", null);
        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body().get("type").asText()).isEqualTo("/problems/insufficient-balance");
        assertThat(refused.body().get("reason").asText()).isEqualTo("insufficient-balance");
        JsonNode account = api.get("/api/v1/accounts/" + ACCOUNT, ADMIN).body();
        assertThat(account.get("held").asText()).isEqualTo("4.000000000000");
        assertThat(account.get("available").asText()).isEqualTo("6.000000000000");

        // A hold priced by the catalog: DeepSeek-V3 at 0.49 in and 0.89 out per 1M tokens.
        HttpApi.Response estimated = hold(api, gateway, "{\"accountId\":\"" + ACCOUNT + "\",\"model\":\"deepseek-ai/DeepSeek-V3\","
                + "\"inputTokens\":1000000,\"maxOutputTokens\":1000000}", null);
        assertThat(estimated.status()).isEqualTo(201);
        assertThat(estimated.body().get("amount").asText()).isEqualTo("1.380000000000");
        String estimatedId = estimated.body().get("holdId").asText();

        // The rest held: authorize refuses until something is given back.
        HttpApi.Response rest = hold(api, gateway, "{\"accountId\":\"" + ACCOUNT + "\",\"amount\":\"4.62\"}", null);
        assertThat(rest.body().get("available").asText()).isEqualTo("0.000000000000");
        Await.until("authorize counts the holds", WAIT, () -> "insufficient-balance".equals(
                api.get("/api/v1/authorize?accountId=" + ACCOUNT, gateway).body().path("reason").asText()));
        HttpApi.Response released = api.delete("/api/v1/holds/" + rest.body().get("holdId").asText(), gateway);
        assertThat(released.status()).isEqualTo(200);
        assertThat(released.body().get("state").asText()).isEqualTo("released");
        assertThat(api.delete("/api/v1/holds/" + rest.body().get("holdId").asText(), gateway).body().get("state").asText())
                .as("a second release changes nothing").isEqualTo("released");
        Await.until("authorize allows again", WAIT, () -> api.get("/api/v1/authorize?accountId=" + ACCOUNT, gateway).body()
                .path("allowed").asBoolean());

        // Usage settles: below its hold, and above (charged in full all the same).
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(
                tokens("u-1", 1_000_000, 0, holdId, null),            // 0.49 of the 4.00 held
                tokens("u-2", 1_000_000, 1_000_000, estimatedId, null)), 0); // 1.38, exactly its hold
        BigDecimal balance = new BigDecimal("10.00").subtract(new BigDecimal("0.49")).subtract(new BigDecimal("1.38"));
        ledger.awaitBalance(ACCOUNT, balance, WAIT);
        Await.until("both holds settled", WAIT, () -> "settled".equals(state(api, holdId)) && "settled".equals(state(api, estimatedId)));
        JsonNode settled = api.get("/api/v1/holds/" + holdId, gateway).body();
        assertThat(settled.get("charged").asText()).isEqualTo("0.490000000000");
        account = api.get("/api/v1/accounts/" + ACCOUNT, ADMIN).body();
        assertThat(account.get("held").asText()).isEqualTo("0.000000000000");
        assertThat(new BigDecimal(account.get("available").asText())).isEqualByComparingTo(balance);

        // An agent's calls draw on one hold; the last one ends it, above the hold.
        String agent = hold(api, gateway, "{\"accountId\":\"" + ACCOUNT + "\",\"amount\":\"1.00\"}", null).body().get("holdId").asText();
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(tokens("u-3", 1_000_000, 0, agent, false)), 0);
        balance = balance.subtract(new BigDecimal("0.49"));
        ledger.awaitBalance(ACCOUNT, balance, WAIT);
        Await.until("the first call drew on the hold", WAIT, () -> "0.490000000000".equals(api.get("/api/v1/holds/" + agent, gateway)
                .body().path("charged").asText()));
        assertThat(state(api, agent)).isEqualTo("open");
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(tokens("u-4", 0, 1_000_000, agent, true)), 0);
        Await.until("the last call settled it", WAIT, () -> "settled".equals(state(api, agent)));
        assertThat(api.get("/api/v1/holds/" + agent, gateway).body().get("charged").asText()).isEqualTo("1.380000000000");

        // A hold nobody settles expires by itself.
        String brief = hold(api, gateway, "{\"accountId\":\"" + ACCOUNT + "\",\"amount\":\"1.00\",\"ttlSeconds\":1}", null).body()
                .get("holdId").asText();
        Await.until("the hold expired", WAIT, () -> "expired".equals(state(api, brief)));
        assertThat(hold(api, gateway, "{\"accountId\":\"" + ACCOUNT + "\",\"amount\":\"1.00\",\"ttlSeconds\":3601}", null).status())
                .isEqualTo(400);

        // A hard cap on an API key counts what is held on it.
        assertThat(api.put("/api/v1/accounts/" + ACCOUNT + "/budgets/apiKey/key-9", ADMIN, "{\"hardCap\":\"2.00\"}").status()).isEqualTo(200);
        assertThat(hold(api, gateway, "{\"accountId\":\"" + ACCOUNT + "\",\"apiKeyId\":\"key-9\",\"amount\":\"1.50\"}", null).status())
                .isEqualTo(201);
        HttpApi.Response capped = hold(api, gateway, "{\"accountId\":\"" + ACCOUNT + "\",\"apiKeyId\":\"key-9\",\"amount\":\"0.51\"}", null);
        assertThat(capped.status()).isEqualTo(402);
        assertThat(capped.body().get("reason").asText()).isEqualTo("budget-hard-cap:apiKey:key-9");
        JsonNode budget = api.get("/api/v1/accounts/" + ACCOUNT + "/budgets", ADMIN).body().get("budgets").get(0);
        assertThat(budget.get("held").asText()).isEqualTo("1.5");

        // Another account's token reaches none of these holds.
        ledger.openPrepaid(List.of("acct-other"), new BigDecimal("10.00"));
        String other = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"gateway\",\"accountId\":\"acct-other\"}").body().get("token").asText();
        assertThat(api.delete("/api/v1/holds/" + agent, other).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/holds/" + agent, other).status()).isEqualTo(403);
        assertThat(hold(api, other, "{\"accountId\":\"" + ACCOUNT + "\",\"amount\":\"1.00\"}", null).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/holds/h-none", ADMIN).status()).isEqualTo(404);

        // Each hold's life is told on billing.notifications.
        Await.until("the holds are told", WAIT, () -> Topics.readToEnd(infra().kafka.bootstrapServers(), "billing.notifications",
                r -> Topics.header(r, "x-notification-type").startsWith("hold.")).stream()
                .map(r -> Topics.header(r, "x-notification-type")).collect(java.util.stream.Collectors.toSet())
                .containsAll(List.of("hold.placed", "hold.settled", "hold.released", "hold.expired")));
        var settledNote = Topics.readToEnd(infra().kafka.bootstrapServers(), "billing.notifications",
                r -> "hold.settled".equals(Topics.header(r, "x-notification-type")) && r.value().contains(agent)).get(0).value();
        assertThat(settledNote).contains("\"charged\":\"1.380000000000\"", "\"overage\":\"0.380000000000\"", "\"usageEventId\":\"u-4\"");

        // Every hold event is in the audit log, and the log verifies: a hold changes no balance.
        ledger.awaitAuditLog();
        String auditor = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"auditor\"}").body().get("token").asText();
        long size = api.get("/api/v1/audit/events?limit=1", auditor).body().path("size").asLong();
        Await.until("a checkpoint signs the whole log", WAIT, () -> api.get("/api/v1/audit/checkpoints", auditor).body()
                .path("checkpoints").path(0).path("treeSize").asLong() >= size);
        String[] name = new String[1];
        byte[] key = Checkpoint.parseVerifierKey(api.get("/api/v1/audit/checkpoints", auditor).body().get("verifierKey").asText(), name);
        assertThat(new AuditVerifier(dataSource, name[0], key, 100).verify().differences()).isEmpty();
        ledger.assertReconciles();
        assertThat(ledger.usageEventIdsChargedTwice()).isZero();
    }

    /** Two segments writing one account's authorize row in different orders deadlock: its holds' events go with it. */
    @Test
    void the_account_views_keep_an_accounts_holds_in_its_segment(@Autowired EventProcessingConfiguration processing) {
        assertThat(processing.sequencingPolicy(AccountViews.GROUP)).isInstanceOf(AccountSequencing.class);
        AccountSequencing policy = new AccountSequencing();
        assertThat(policy.getSequenceIdentifierFor(new GenericDomainEventMessage<>("Hold", HoldEvent.stream("acct-7", "h-1"), 0, "x")))
                .isEqualTo(policy.getSequenceIdentifierFor(new GenericDomainEventMessage<>("Account", "acct-7", 3, "y")));
    }

    private static HttpApi.Response hold(HttpApi api, String token, String body, String key) {
        return key == null ? api.post("/api/v1/holds", token, body) : api.post("/api/v1/holds", token, body, "Idempotency-Key", key);
    }

    private static String state(HttpApi api, String holdId) {
        return api.get("/api/v1/holds/" + holdId, ADMIN).body().path("state").asText();
    }

    private static Usage tokens(String eventId, long input, long output, String holdId, Boolean last) {
        return new Usage(ACCOUNT, "{\"eventId\":\"" + eventId + "\",\"kind\":\"tokens\",\"accountId\":\"" + ACCOUNT + "\",\"occurredAt\":\""
                + UsageStream.RECENTLY + "\",\"model\":\"deepseek-ai/DeepSeek-V3\",\"inputTokens\":" + input + ",\"outputTokens\":" + output
                + ",\"holdId\":\"" + holdId + "\"" + (last == null ? "" : ",\"final\":" + last) + "}");
    }
}
