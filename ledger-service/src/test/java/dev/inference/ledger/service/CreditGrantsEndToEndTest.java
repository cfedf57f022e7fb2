package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;

import dev.inference.ledger.audit.LedgerReplay;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.UsageStream;
import dev.inference.ledger.service.support.UsageStream.Usage;

/**
 * A customer with a top-up of 100 gets a promotional grant of 25 that expires in a few seconds: usage draws the
 * promotion first, every entry says which grant paid it, the rest of the promotion expires as an entry, a grant that
 * starts later counts from its start, and a grant given by mistake is voided. Staff can read the grants, not make them;
 * two charged records are reversed, once each; the projections reconcile and the auditor's replay finds every cent.
 */
class CreditGrantsEndToEndTest extends ServiceStory {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String ACCOUNT = "acct-credits";
    /** 12.345 s of llm.micro at 0.0000872083 a second. */
    private static final BigDecimal COST = new BigDecimal("0.001076586464");

    @Autowired
    DataSource dataSource;

    @Test
    void grants_are_drawn_in_order_expire_as_entries_start_on_time_and_are_voided_when_unused() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of(ACCOUNT), new BigDecimal("100"));

        Instant expiry = Instant.now().plusSeconds(8);
        String promo = "{\"grantId\":\"promo-1\",\"kind\":\"promotional\",\"amount\":\"25\",\"expiresAt\":\"" + expiry
                + "\",\"reason\":\"launch promotion\"}";
        var granted = api.post("/api/v1/accounts/" + ACCOUNT + "/grants", ADMIN, promo);
        assertThat(granted.status()).as(granted.body().toString()).isEqualTo(201);
        assertThat(granted.body().get("status").asText()).isEqualTo("open");
        assertThat(granted.body().get("remaining").asText()).isEqualTo("25");
        assertThat(api.post("/api/v1/accounts/" + ACCOUNT + "/grants", ADMIN, promo).status()).as("the same grant again").isEqualTo(200);
        String staff = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"staff\"}").body().get("token").asText();
        assertThat(api.post("/api/v1/accounts/" + ACCOUNT + "/grants", staff, promo.replace("promo-1", "promo-x")).status()).isEqualTo(403);
        var badKind = api.post("/api/v1/accounts/" + ACCOUNT + "/grants", ADMIN, promo.replace("promotional", "free"));
        assertThat(badKind.status()).isEqualTo(400);
        assertThat(badKind.body().get("type").asText()).isEqualTo("/problems/invalid-grant");
        ledger.awaitBalance(ACCOUNT, new BigDecimal("125"), WAIT);

        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(compute("gpu-1")), 0);
        ledger.awaitBalance(ACCOUNT, new BigDecimal("125").subtract(COST), WAIT);
        JsonNode usage = entries(api).get(0);
        assertThat(usage.get("type").asText()).isEqualTo("usage");
        assertThat(usage.at("/details/paidBy/0/grantId").asText()).as("the promotion expires first: it pays first").isEqualTo("promo-1");
        assertThat(usage.at("/details/paidBy/0/amount").asText()).isEqualTo("0.001076586464");

        JsonNode grants = api.get("/api/v1/accounts/" + ACCOUNT + "/grants", staff).body();
        assertThat(grants.at("/grants/0/grantId").asText()).as("open grants in the order usage draws them").isEqualTo("promo-1");
        assertThat(new BigDecimal(grants.at("/grants/0/remaining").asText())).isEqualByComparingTo(new BigDecimal("25").subtract(COST));
        assertThat(grants.at("/grants/1/grantId").asText()).isEqualTo("top-up:opening-" + ACCOUNT);
        assertThat(new BigDecimal(grants.at("/drawnThisMonth/promotional").asText())).isEqualByComparingTo(COST);

        // A grant that counts from a moment ahead: pending until then.
        Instant start = Instant.now().plusSeconds(3);
        var later = api.post("/api/v1/accounts/" + ACCOUNT + "/grants", ADMIN, "{\"grantId\":\"contract-1\",\"kind\":\"contractual\","
                + "\"amount\":\"5\",\"priority\":10,\"effectiveAt\":\"" + start + "\"}");
        assertThat(later.body().get("status").asText()).as(later.body().toString()).isEqualTo("pending");

        // The promotion's rest expires, the contract's grant starts: 100 of the top-up and 5 of the contract are left.
        ledger.awaitBalance(ACCOUNT, new BigDecimal("105"), WAIT);
        List<String> types = new ArrayList<>();
        entries(api).forEach(e -> types.add(e.get("type").asText() + " " + e.get("reference").asText() + " " + e.get("balanceChange").asText()));
        assertThat(types).contains("grant-expired promo-1 -24.998923413536", "grant contract-1 5.000000000000");

        var voided = api.post("/api/v1/accounts/" + ACCOUNT + "/grants/contract-1/void", ADMIN, "{\"reason\":\"given by mistake\"}");
        assertThat(voided.status()).as(voided.body().toString()).isEqualTo(200);
        assertThat(api.post("/api/v1/accounts/" + ACCOUNT + "/grants/contract-1/void", ADMIN, "{}").status()).isEqualTo(422);
        assertThat(api.post("/api/v1/accounts/" + ACCOUNT + "/grants/top-up:opening-" + ACCOUNT + "/void", ADMIN, "{}").status())
                .as("a top-up is refunded, never voided").isEqualTo(422);
        ledger.awaitBalance(ACCOUNT, new BigDecimal("100"), WAIT);
        Await.until("the grants show how each ended", WAIT, () -> {
            JsonNode all = api.get("/api/v1/accounts/" + ACCOUNT + "/grants", ADMIN).body().get("grants");
            List<String> statuses = new ArrayList<>();
            all.forEach(g -> statuses.add(g.get("grantId").asText() + "=" + g.get("status").asText()));
            return statuses.containsAll(List.of("promo-1=expired", "contract-1=voided", "top-up:opening-" + ACCOUNT + "=open"));
        });

        // Corrections: gpu-1 was paid by the promotion, which has expired since: its cost expires on its way back. gpu-2, paid by
        // the top-up, comes back to it. Each once.
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(new Usage(ACCOUNT, compute("gpu-2").json().replace("}", ",\"traceId\":\"run-7\"}"))), 0);
        ledger.awaitBalance(ACCOUNT, new BigDecimal("100").subtract(COST), WAIT);
        Await.until("gpu-2 is listed in its agent run", WAIT,
                () -> api.get("/api/v1/accounts/" + ACCOUNT + "/usage/traces/run-7", ADMIN).status() == 200);
        var first = api.post("/api/v1/accounts/" + ACCOUNT + "/usage/reversals", staff, "{\"eventId\":\"gpu-1\",\"reason\":\"test traffic\"}");
        assertThat(first.status()).as(first.body().toString()).isEqualTo(201);
        assertThat(first.body().get("expiredOnReturn").asText()).isEqualTo("0.001076586464");
        var second = api.post("/api/v1/accounts/" + ACCOUNT + "/usage/reversals", ADMIN, "{\"eventId\":\"gpu-2\",\"reason\":\"test traffic\"}");
        assertThat(second.status()).as(second.body().toString()).isEqualTo(201);
        assertThat(second.body().at("/returnedToGrants/0/grantId").asText()).isEqualTo("top-up:opening-" + ACCOUNT);
        ledger.awaitBalance(ACCOUNT, new BigDecimal("100"), WAIT);
        var again = api.post("/api/v1/accounts/" + ACCOUNT + "/usage/reversals", ADMIN, "{\"eventId\":\"gpu-2\",\"reason\":\"again\"}");
        assertThat(again.status()).isEqualTo(422);
        assertThat(again.body().get("type").asText()).isEqualTo("/problems/usage-already-reversed");
        assertThat(api.post("/api/v1/accounts/" + ACCOUNT + "/usage/reversals", ADMIN, "{\"eventId\":\"never\",\"reason\":\"x\"}").status())
                .isEqualTo(404);
        assertThat(api.post("/api/v1/accounts/" + ACCOUNT + "/usage/reversals", ADMIN, "{\"eventId\":\"gpu-3\"}").status()).isIn(404, 422);
        assertThat(entries(api).get(0).get("type").asText()).isEqualTo("usage-reversed");
        Await.until("the reversed record leaves its agent run", WAIT,
                () -> api.get("/api/v1/accounts/" + ACCOUNT + "/usage/traces/run-7", ADMIN).status() == 404);
        // Both records leave the usage the customer is shown (and the budgets' month spend read from it).
        String hours = "?from=" + UsageStream.RECENTLY.truncatedTo(java.time.temporal.ChronoUnit.HOURS) + "&to="
                + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Await.until("the reversed records leave the usage totals", WAIT, () -> {
            JsonNode totals = api.get("/api/v1/accounts/" + ACCOUNT + "/usage" + hours, ADMIN).body().get("totals");
            return totals.get("records").asLong() == 0 && new BigDecimal(totals.get("cost").asText()).signum() == 0;
        });

        ledger.assertReconciles();
        assertThat(new LedgerReplay(dataSource, 100, p -> { }).run().differences()).as("the auditor's replay").isEmpty();
    }

    private static JsonNode entries(HttpApi api) {
        return api.get("/api/v1/accounts/" + ACCOUNT + "/entries?order=desc&limit=20", ADMIN).body().get("entries");
    }

    private static Usage compute(String eventId) {
        return new Usage(ACCOUNT, "{\"eventId\":\"" + eventId + "\",\"kind\":\"compute\",\"accountId\":\"" + ACCOUNT + "\",\"occurredAt\":\""
                + UsageStream.RECENTLY + "\",\"meter\":\"llm.micro\",\"seconds\":\"12.345\",\"replicas\":1}");
    }
}
