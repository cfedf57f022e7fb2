package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.inference.ledger.audit.LedgerReplay;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.UsageStream;
import dev.inference.ledger.service.support.UsageStream.Usage;

/**
 * Volume prices, an account's own price and a commitment, over HTTP and Kafka: Gemma 3's input is 0.08 per 1M tokens up to
 * 1M tokens of an account's month, 0.04 after (catalog version 2). One customer crosses the tier; another has its own price;
 * a postpaid customer commits to 0.10 at half price, uses 0.04 of it, and the rest is trued up at the term's end. The
 * auditor's replay finds every cent.
 */
class PriceTermsEndToEndTest extends ServiceStory {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String GEMMA = "google/gemma-3-27b-it";

    @Autowired
    DataSource dataSource;

    @Test
    void volume_tiers_an_accounts_own_price_and_a_commitment_price_usage_and_the_commitment_is_trued_up() throws Exception {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        Instant effective = Instant.now().plusSeconds(1);
        var catalog = (ObjectNode) api.get("/api/v1/prices", ADMIN).body();
        catalog.put("effectiveFrom", effective.toString());
        for (var token : catalog.get("tokens")) {
            if (token.get("model").asText().equals(GEMMA)) {
                ((ObjectNode) token).putArray("tiers").addObject().put("from", "1000000").put("input", "0.04")
                        .put("output", token.get("output").asText());
            }
        }
        var published = api.post("/api/v1/prices", ADMIN, catalog.toString());
        assertThat(published.status()).as(published.body().toString()).isEqualTo(201);
        JsonNode gemma = null;
        for (var token : api.get("/api/v1/prices?at=" + effective, ADMIN).body().get("tokens")) {
            gemma = token.get("model").asText().equals(GEMMA) ? token : gemma;
        }
        assertThat(gemma.at("/tiers/0/from").asText()).isEqualTo("1000000");
        while (Instant.now().isBefore(effective)) {
            Thread.sleep(50);
        }

        ledger.openPrepaid(List.of("acct-volume", "acct-own-price"), new BigDecimal("100"));
        String staff = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"staff\"}").body().get("token").asText();
        String ownPrice = "{\"item\":\"" + GEMMA + "\",\"input\":\"0.05\",\"output\":\"0.05\",\"reason\":\"negotiated\"}";
        assertThat(api.post("/api/v1/accounts/acct-own-price/prices", staff, ownPrice).status()).isEqualTo(403);
        var set = api.post("/api/v1/accounts/acct-own-price/prices", ADMIN, ownPrice);
        assertThat(set.status()).as(set.body().toString()).isEqualTo(201);
        assertThat(set.body().at("/prices/0/input").asText()).isEqualTo("0.05");
        var bad = api.post("/api/v1/accounts/acct-own-price/prices", ADMIN, "{\"item\":\"" + GEMMA + "\",\"input\":\"-1\",\"output\":\"1\"}");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body().get("type").asText()).isEqualTo("/problems/invalid-override");

        // 600,000 tokens three times: 0.048; then 400,000 at 0.08 and 200,000 at 0.04 = 0.040; then 0.024 — 0.112 in all.
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(gemma("acct-volume", "v-1"), gemma("acct-volume", "v-2"),
                gemma("acct-volume", "v-3"), gemma("acct-own-price", "o-1")), 0);
        ledger.awaitBalance("acct-volume", new BigDecimal("99.888"), WAIT);
        // 600,000 at the account's own 0.05: 0.03, whatever the tiers.
        ledger.awaitBalance("acct-own-price", new BigDecimal("99.97"), WAIT);
        JsonNode crossing = api.get("/api/v1/accounts/acct-volume/entries?order=asc&limit=10", ADMIN).body().at("/entries/2/details/charge");
        assertThat(crossing.at("/lines/0/tier").asInt()).as(crossing.toString()).isEqualTo(1);
        assertThat(crossing.at("/lines/1/tier").asInt()).isEqualTo(2);
        assertThat(crossing.at("/lines/1/unitPrice").asText()).isEqualTo("0.04");
        JsonNode own = api.get("/api/v1/accounts/acct-own-price/entries?order=desc&limit=1", ADMIN).body().at("/entries/0/details/charge");
        assertThat(own.get("terms").asText()).isEqualTo("override");

        // A postpaid customer commits to 0.10 at half price until a few seconds from now, with a true-up.
        assertThat(api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"acct-commit\",\"name\":\"Committed\",\"billingMode\":\"postpaid\","
                + "\"currency\":\"USD\"}").status()).isEqualTo(201);
        Instant ends = Instant.now().plusSeconds(6);
        String contract = "{\"commitmentId\":\"c-2026\",\"amount\":\"0.10\",\"endsAt\":\"" + ends + "\",\"discountPercent\":\"50\","
                + "\"trueUp\":true,\"reason\":\"annual contract\"}";
        var made = api.post("/api/v1/accounts/acct-commit/commitments", ADMIN, contract);
        assertThat(made.status()).as(made.body().toString()).isEqualTo(201);
        assertThat(made.body().get("status").asText()).isEqualTo("active");
        assertThat(api.post("/api/v1/accounts/acct-commit/commitments", ADMIN, contract).status()).as("the same again").isEqualTo(200);
        assertThat(api.post("/api/v1/accounts/acct-commit/commitments", ADMIN, contract.replace("0.10", "0.20")).body().get("type").asText())
                .isEqualTo("/problems/commitment-exists");

        // 600,000 tokens at 0.08, half price: 0.024.
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(gemma("acct-commit", "c-1")), 0);
        Await.until("the committed usage is charged", WAIT, () -> unbilled(api).compareTo(new BigDecimal("0.024")) == 0);
        JsonNode active = api.get("/api/v1/accounts/acct-commit/commitments", staff).body().at("/commitments/0");
        assertThat(active.get("consumed").asText()).isEqualTo("0.024");
        assertThat(active.get("remaining").asText()).isEqualTo("0.076");

        // The term ends: the clock closes it, and the 0.076 not used is trued up onto the next invoice.
        Await.until("the commitment ends with its true-up", WAIT, () -> unbilled(api).compareTo(new BigDecimal("0.1")) == 0);
        Await.until("the commitment shows ended", WAIT,
                () -> api.get("/api/v1/accounts/acct-commit/commitments", ADMIN).body().at("/commitments/0/status").asText().equals("ended"));

        // What-if: the catalog in force, tiers and all, re-rates the tiered customer's month to exactly what it paid; without
        // the tier, 1.8M tokens at 0.08 would have cost 0.144. A record priced by the account's own terms costs what it did.
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules();
        var inForce = mapper.treeToValue(api.get("/api/v1/prices", ADMIN).body(), dev.inference.ledger.kernel.pricing.CatalogView.class);
        var flat = (ObjectNode) api.get("/api/v1/prices", ADMIN).body();
        flat.get("tokens").forEach(t -> ((ObjectNode) t).remove("tiers"));
        var whatIf = new dev.inference.ledger.audit.WhatIfRerating(dataSource);
        Instant from = Instant.now().minus(Duration.ofHours(1));
        Instant to = Instant.now().plus(Duration.ofHours(1));
        var same = whatIf.run(inForce.draft(), from, to);
        var withoutTiers = whatIf.run(mapper.treeToValue(flat, dev.inference.ledger.kernel.pricing.CatalogView.class).draft(), from, to);
        assertThat(row(same, "acct-volume").wouldHavePaid()).isEqualByComparingTo("0.112");
        assertThat(row(withoutTiers, "acct-volume").wouldHavePaid()).isEqualByComparingTo("0.144");
        assertThat(row(withoutTiers, "acct-own-price").wouldHavePaid()).isEqualByComparingTo("0.03");
        assertThat(row(withoutTiers, "acct-commit").wouldHavePaid()).isEqualByComparingTo("0.024");

        ledger.assertReconciles();
        assertThat(new LedgerReplay(dataSource, 100, p -> { }).run().differences()).as("the auditor's replay").isEmpty();
    }

    private static dev.inference.ledger.audit.WhatIfRerating.Row row(dev.inference.ledger.audit.WhatIfRerating.Result result, String account) {
        return result.rows().stream().filter(r -> r.accountId().equals(account) && r.item().equals(GEMMA)).findFirst().orElseThrow();
    }

    private static BigDecimal unbilled(HttpApi api) {
        return new BigDecimal(api.get("/api/v1/accounts/acct-commit", ADMIN).body().path("unbilled").asText("0"));
    }

    private static Usage gemma(String account, String eventId) {
        return new Usage(account, "{\"eventId\":\"" + eventId + "\",\"kind\":\"tokens\",\"accountId\":\"" + account + "\",\"occurredAt\":\""
                + Instant.now() + "\",\"model\":\"" + GEMMA + "\",\"inputTokens\":600000}");
    }
}
