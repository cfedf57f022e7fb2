package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.inference.ledger.service.support.Topics;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.UsageStream;
import dev.inference.ledger.service.support.UsageStream.Usage;

/**
 * Every way the seeds bill inference, through the real ingest: usage published to Kafka, balances
 * read over HTTP, each moved by exactly the seed's own worked example.
 */
class PricingEndToEndTest extends ServiceStory {

    private static final BigDecimal OPENING = new BigDecimal("1000.00");

    @Test
    void each_seed_example_moves_its_balance_by_exactly_the_seeds_amount() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-meter", "acct-hour", "acct-month", "acct-images", "acct-sonnet", "acct-stopped"), OPENING);

        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(
                // Seed 001: 9 minutes streaming, then the 1-minute inactivity timeout, on a Micro LLM meter.
                compute("meter-1", "acct-meter", "llm.micro", "540", 1, "running"),
                compute("meter-2", "acct-meter", "llm.micro", "60", 1, "idle"),
                // Seed 004: one replica for the hour, two extra replicas for 15 minutes of it.
                compute("hour-1", "acct-hour", "aws.gpu.small", "3600", 1, "running"),
                compute("hour-2", "acct-hour", "aws.gpu.small", "900", 2, "running"),
                // Seed 004: a 730-hour month with 182.5 scale-up hours of 2 extra replicas.
                compute("month-1", "acct-month", "aws.gpu.small", "2628000", 1, "running"),
                compute("month-2", "acct-month", "aws.gpu.small", "657000", 2, "running"),
                units("img-1", "acct-images", "black-forest-labs/FLUX-1-schnell", "image", "4"),
                // Seed 002: 6,000 input tokens at 3.30 per 1M, one request of the support pipeline.
                new Usage("acct-sonnet", "{\"eventId\":\"sonnet-1\",\"kind\":\"tokens\",\"accountId\":\"acct-sonnet\","
                        + "\"occurredAt\":\"" + UsageStream.RECENTLY + "\",\"model\":\"anthropic/claude-4-sonnet\",\"inputTokens\":6000}"),
                compute("stopped-1", "acct-stopped", "llm.super", "3600", 4, "stopped")), 0);

        ledger.awaitBalance("acct-meter", OPENING.subtract(new BigDecimal("0.05232498")), Duration.ofSeconds(30));
        ledger.awaitBalance("acct-hour", OPENING.subtract(new BigDecimal("0.90")), Duration.ofSeconds(30));
        ledger.awaitBalance("acct-month", OPENING.subtract(new BigDecimal("657.00")), Duration.ofSeconds(30));
        ledger.awaitBalance("acct-images", OPENING.subtract(new BigDecimal("0.002")), Duration.ofSeconds(30));
        ledger.awaitBalance("acct-sonnet", OPENING.subtract(new BigDecimal("0.0198")), Duration.ofSeconds(30));
        ledger.awaitBalance("acct-stopped", OPENING, Duration.ofSeconds(30));

        var line = api.get("/api/v1/accounts/acct-hour/entries", ADMIN).body()
                .get("entries").get(2).get("details").get("charge").get("lines").get(0);
        assertThat(line.get("quantity").asText()).isEqualTo("30");
        assertThat(line.get("unitPrice").asText()).isEqualTo("0.60");
        assertThat(line.get("priceUnit").asText()).isEqualTo("hour, per started minute");
    }

    @Test
    void a_gateway_gets_a_quote_with_the_prices_and_catalog_version_and_nothing_is_written() {
        HttpApi api = new HttpApi(port);
        String gateway = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"gateway\"}").body().get("token").asText();

        var quote = api.post("/api/v1/quote", gateway,
                "{\"kind\":\"compute\",\"occurredAt\":\"" + UsageStream.RECENTLY + "\",\"meter\":\"aws.gpu.small\",\"seconds\":\"900\",\"replicas\":2}");

        assertThat(quote.status()).isEqualTo(200);
        assertThat(quote.body().get("cost").asText()).isEqualTo("0.300000000000");
        assertThat(quote.body().get("catalogVersion").asInt()).isEqualTo(1);
        assertThat(quote.body().get("provider").asText()).isEqualTo("endpoints");
        var line = quote.body().get("lines").get(0);
        assertThat(line.get("quantity").asText()).isEqualTo("30");
        assertThat(line.get("unitPrice").asText()).isEqualTo("0.60");

        var tokens = api.post("/api/v1/quote", gateway, "{\"kind\":\"tokens\",\"model\":\"deepseek-ai/DeepSeek-V3\","
                + "\"inputTokens\":2000,\"outputTokens\":500}");
        assertThat(tokens.body().get("cost").asText()).isEqualTo("0.001425000000");
        assertThat(api.get("/api/v1/accounts/quote", ADMIN).status()).isEqualTo(404);
    }

    @Test
    void a_quote_that_cannot_be_priced_or_read_is_a_problem_document_with_the_dead_letter_reason() {
        HttpApi api = new HttpApi(port);
        var unknown = api.post("/api/v1/quote", ADMIN, "{\"kind\":\"tokens\",\"model\":\"acme/none\",\"inputTokens\":1}");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.body().get("type").asText()).isEqualTo("/problems/unknown-price");

        var broken = api.post("/api/v1/quote", ADMIN, "{\"kind\":\"compute\",\"meter\":\"llm.micro\",\"seconds\":-5}");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.body().get("type").asText()).isEqualTo("/problems/negative-quantity");
        // The ingest's time window, on the same clock: no quote for usage the ledger would not charge.
        var future = api.post("/api/v1/quote", ADMIN, "{\"kind\":\"tokens\",\"occurredAt\":\"2099-01-01T00:00:00Z\","
                + "\"model\":\"deepseek-ai/DeepSeek-V3\",\"inputTokens\":1}");
        assertThat(future.body().get("type").asText()).isEqualTo("/problems/future-event");
        assertThat(api.post("/api/v1/quote", null, "{}").status()).isEqualTo(401);
    }

    @Test
    void an_estimate_gives_the_monthly_cost_per_model_cheapest_first() {
        HttpApi api = new HttpApi(port);
        var estimate = api.post("/api/v1/estimate", ADMIN, """
                {"requestsPerDay": 80000, "inputTokens": 6000,
                 "models": ["anthropic/claude-4-sonnet", "deepseek-ai/DeepSeek-V3.2", "acme/none"]}""");

        assertThat(estimate.status()).isEqualTo(200);
        var models = estimate.body().get("models");
        assertThat(models.get(0).get("model").asText()).isEqualTo("deepseek-ai/DeepSeek-V3.2");
        assertThat(models.get(1).get("monthlyCost").asText()).isEqualTo("47520.00");
        assertThat(estimate.body().get("unpriced").get(0).asText()).isEqualTo("acme/none");
        assertThat(api.post("/api/v1/estimate", ADMIN, "{\"requestsPerDay\": 1, \"models\": [\"x\"], \"cacheHitShare\": \"2\"}")
                .status()).isEqualTo(400);
    }

    @Test
    void an_estimate_compares_tokens_with_a_gpu_meter_by_the_second_and_a_dedicated_instance_by_the_hour() {
        HttpApi api = new HttpApi(port);
        var estimate = api.post("/api/v1/estimate", ADMIN, """
                {"requestsPerDay": 80000, "inputTokens": 6000, "outputTokens": 500, "models": ["deepseek-ai/DeepSeek-V3.2"],
                 "hardware": [{"meter": "llm.md", "tokensPerSecond": 3000}, {"meter": "aws.cpu.small", "tokensPerSecond": 200},
                              {"meter": "acme.none", "tokensPerSecond": 5}]}""");

        assertThat(estimate.status()).as(String.valueOf(estimate.body())).isEqualTo(200);
        var hardware = estimate.body().get("hardware");
        assertThat(hardware).hasSize(2);
        // 80,000 × 30 × 6,500 tokens; per-second at llm.md's price for the seconds 3,000 tokens/s take.
        assertThat(hardware.get(0).get("tokensPerMonth").asText()).isEqualTo("15600000000");
        assertThat(hardware.get(0).get("billing").asText()).isEqualTo("per-second");
        assertThat(new BigDecimal(hardware.get(0).get("hardwareMonthlyCost").asText()))
                .isEqualByComparingTo(new BigDecimal("5200000").multiply(new BigDecimal("0.0008433876")).setScale(6, java.math.RoundingMode.HALF_EVEN));
        assertThat(hardware.get(1).get("billing").asText()).isEqualTo("per-hour");
        assertThat(hardware.get(1).get("instances").asLong()).isEqualTo(31); // 15.6e9 / (200 × 2,592,000) rounded up
        assertThat(estimate.body().get("unpricedMeters")).extracting(com.fasterxml.jackson.databind.JsonNode::asText).containsExactly("acme.none");
        assertThat(api.post("/api/v1/estimate", ADMIN, "{\"requestsPerDay\": 1, \"models\": [\"x\"], \"hardware\": [{\"meter\": \"llm.md\"}]}")
                .status()).isEqualTo(400);
    }

    @Test
    void the_catalog_in_force_lists_every_price_of_the_seeds() {
        var catalog = new HttpApi(port).get("/api/v1/prices?at=2026-11-22T10:00:00Z", ADMIN).body();

        assertThat(catalog.get("version").asInt()).isEqualTo(1);
        assertThat(catalog.get("tokens")).hasSize(21);
        assertThat(catalog.get("meters")).hasSize(16 + 8 + 8);
        assertThat(catalog.get("units")).hasSize(4);
        assertThat(catalog.get("meters").findValuesAsText("price")).contains("0.0000872083", "45.00");
    }

    @Test
    void a_new_catalog_version_prices_what_happens_after_it_and_a_late_record_keeps_the_old_price() throws Exception {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-late"), OPENING);
        // Version 2: the catalog in force, with Gemma 3's input price raised from 0.08 to 0.10 per 1M tokens.
        Instant effective = Instant.now().plusSeconds(1);
        var current = (ObjectNode) api.get("/api/v1/prices", ADMIN).body();
        current.put("effectiveFrom", effective.toString());
        for (var token : current.get("tokens")) {
            if (token.get("model").asText().equals("google/gemma-3-27b-it")) {
                ((ObjectNode) token).put("input", "0.10").put("cachedInput", "0.10");
            }
        }
        var published = api.post("/api/v1/prices", ADMIN, current.toString());
        assertThat(published.status()).isEqualTo(201);
        assertThat(published.body().get("version").asInt()).isEqualTo(2);
        assertThat(api.post("/api/v1/prices", ADMIN, current.put("effectiveFrom", "2026-01-01T00:00:00Z").toString())
                .body().get("type").asText()).isEqualTo("/problems/effective-in-the-past");
        while (Instant.now().isBefore(effective)) {
            Thread.sleep(50);
        }

        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(
                gemma("late-1", effective.minusSeconds(3600)),
                gemma("new-1", effective.plusMillis(1))), 0);

        // 1M input tokens: 0.08 at the old price (the late record), 0.10 at the new one.
        ledger.awaitBalance("acct-late", OPENING.subtract(new BigDecimal("0.18")), Duration.ofSeconds(30));
        var entries = api.get("/api/v1/accounts/acct-late/entries", ADMIN).body().get("entries");
        assertThat(entries.get(1).get("details").get("charge").get("catalogVersion").asInt()).isEqualTo(1);
        assertThat(entries.get(2).get("details").get("charge").get("catalogVersion").asInt()).isEqualTo(2);
        assertThat(api.get("/api/v1/prices?at=" + effective.minusSeconds(1), ADMIN).body()
                .get("version").asInt()).isEqualTo(1);
    }

    @Test
    void compute_time_overlapping_time_already_charged_on_the_same_replica_is_dead_lettered_as_overlap() {
        Ledger ledger = new Ledger(infra().database, new HttpApi(port), ADMIN);
        ledger.openPrepaid(List.of("acct-overlap"), OPENING);

        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(
                interval("ov-1", 0, "r1"), interval("ov-2", 5, "r1"), interval("ov-3", 5, "r2")), 0);

        // Two 10-minute intervals on llm.micro charged (ov-1, ov-3); ov-2 overlaps ov-1 on replica r1.
        ledger.awaitBalance("acct-overlap", OPENING.subtract(new BigDecimal("0.10464996")), Duration.ofSeconds(30));
        assertThat(Topics.deadLetterReasonsByKey(infra().kafka.bootstrapServers(), 1)).containsEntry("acct-overlap", "overlap");
    }

    private static Usage interval(String eventId, int startMinute, String replica) {
        return new Usage("acct-overlap", "{\"eventId\":\"" + eventId + "\",\"kind\":\"compute\",\"accountId\":\"acct-overlap\","
                + "\"occurredAt\":\"" + UsageStream.RECENTLY.plusSeconds(60L * startMinute) + "\",\"meter\":\"llm.micro\",\"seconds\":\"600\","
                + "\"endpoint\":\"chat-prod\",\"replica\":\"" + replica + "\"}");
    }

    @Test
    void the_openapi_description_is_served_without_a_token() {
        String[] spec = new HttpApi(port).text("/openapi.yaml");

        assertThat(spec[0]).isEqualTo("200");
        assertThat(spec[1]).contains("/api/v1/quote:", "/api/v1/estimate:", "/api/v1/prices:");
    }

    private static Usage gemma(String eventId, Instant occurredAt) {
        return new Usage("acct-late", "{\"eventId\":\"" + eventId + "\",\"kind\":\"tokens\",\"accountId\":\"acct-late\","
                + "\"occurredAt\":\"" + occurredAt + "\",\"model\":\"google/gemma-3-27b-it\",\"inputTokens\":1000000}");
    }

    private static Usage compute(String eventId, String account, String meter, String seconds, int replicas, String state) {
        return new Usage(account, "{\"eventId\":\"" + eventId + "\",\"kind\":\"compute\",\"accountId\":\"" + account
                + "\",\"occurredAt\":\"" + UsageStream.RECENTLY + "\",\"meter\":\"" + meter + "\",\"seconds\":\"" + seconds
                + "\",\"replicas\":" + replicas + ",\"state\":\"" + state + "\"}");
    }

    private static Usage units(String eventId, String account, String model, String unit, String quantity) {
        return new Usage(account, "{\"eventId\":\"" + eventId + "\",\"kind\":\"units\",\"accountId\":\"" + account
                + "\",\"occurredAt\":\"" + UsageStream.RECENTLY + "\",\"model\":\"" + model + "\",\"unit\":\"" + unit
                + "\",\"quantity\":\"" + quantity + "\"}");
    }
}
