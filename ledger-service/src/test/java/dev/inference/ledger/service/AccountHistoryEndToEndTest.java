package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.UsageStream;
import dev.inference.ledger.service.support.UsageStream.Usage;

/**
 * An account in the past, as an auditor asks for it: as the ledger knew it at an instant (recorded time:
 * the events recorded by then), across top-ups, charges and an invoice; and counting only what occurred
 * before an instant (a late record counts for the day it happened).
 */
class AccountHistoryEndToEndTest extends ServiceStory {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void an_account_is_answered_as_the_ledger_knew_it_at_each_instant_and_by_when_its_usage_occurred() throws Exception {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-pit"), new BigDecimal("100.00"));
        Instant afterTopUp = recorded("acct-pit", "TopUpCredited");
        publish("acct-pit", "pit-1", Instant.now().truncatedTo(ChronoUnit.SECONDS), 100_000);
        ledger.awaitBalance("acct-pit", new BigDecimal("91.75"), WAIT);
        Instant afterCharge = recorded("acct-pit", "UsageBatchCharged");
        // A record of two days ago, arriving now.
        Instant twoDaysAgo = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
        publish("acct-pit", "pit-late", twoDaysAgo, 200_000);
        ledger.awaitBalance("acct-pit", new BigDecimal("75.25"), WAIT);

        assertThat(balance(api, "/api/v1/accounts/acct-pit?asOf=" + afterTopUp)).isEqualByComparingTo("100");
        assertThat(balance(api, "/api/v1/accounts/acct-pit?asOf=" + afterCharge)).isEqualByComparingTo("91.75");
        assertThat(balance(api, "/api/v1/accounts/acct-pit")).isEqualByComparingTo("75.25");
        assertThat(api.get("/api/v1/accounts/acct-pit?asOf=" + afterTopUp, ADMIN).body().get("asOf").asText()).isEqualTo(afterTopUp.toString());
        assertThat(api.get("/api/v1/accounts/acct-pit?asOf=2020-01-01T00:00:00Z", ADMIN).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/accounts/acct-pit/entries?asOf=" + afterTopUp, ADMIN).body().get("entries")).hasSize(1);
        assertThat(api.get("/api/v1/accounts/acct-pit/entries?asOf=" + afterCharge, ADMIN).body().get("entries")).hasSize(2);

        // By occurrence: only the late record happened before yesterday.
        String yesterday = Instant.now().minus(Duration.ofDays(1)).toString();
        JsonNode before = api.get("/api/v1/accounts/acct-pit?occurredBefore=" + yesterday, ADMIN).body();
        assertThat(new BigDecimal(before.get("balance").asText())).isEqualByComparingTo("-16.50");
        assertThat(before.get("usageRecords").asLong()).isEqualTo(1);
        JsonNode lateOnly = api.get("/api/v1/accounts/acct-pit/entries?occurredBefore=" + yesterday, ADMIN).body().get("entries");
        assertThat(lateOnly).singleElement().satisfies(e -> assertThat(e.get("reference").asText()).isEqualTo("pit-late"));
        assertThat(api.get("/api/v1/accounts/acct-pit?asOf=yesterday", ADMIN).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/accounts/acct-pit?asOf=" + yesterday + "&occurredBefore=" + yesterday, ADMIN).status()).isEqualTo(400);

        // Paged one entry at a time: each entry once, a top-up's too.
        List<String> paged = new java.util.ArrayList<>();
        String next = "";
        for (int page = 0; page < 10 && next != null; page++) {
            JsonNode answer = api.get("/api/v1/accounts/acct-pit/entries?limit=1" + (next.isEmpty() ? "" : "&after=" + next), ADMIN).body();
            assertThat(answer.has("entries")).as(answer.toString()).isTrue();
            answer.get("entries").forEach(e -> paged.add(e.get("reference").asText()));
            next = answer.path("next").isNull() ? null : answer.path("next").asText(null);
        }
        assertThat(paged).containsExactly("opening-acct-pit", "pit-1", "pit-late");

        // The entries as documents, streamed: the same three entries in CSV and in JSON lines.
        String[] csv = api.text("/api/v1/accounts/acct-pit/entries/export?format=csv", ADMIN);
        assertThat(csv[0]).isEqualTo("200");
        assertThat(csv[1].split("\n")).hasSize(4);
        assertThat(csv[1]).startsWith("cursor,sequence,type");
        assertThat(csv[1]).contains("\"pit-late\"", "-16.500000000000");
        String[] jsonl = api.text("/api/v1/accounts/acct-pit/entries/export", ADMIN);
        assertThat(jsonl[1].split("\n")).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("{\"cursor\":"));
        assertThat(api.text("/api/v1/accounts/acct-pit/entries/export?format=xml", ADMIN)[0]).isEqualTo("400");

        // Across an invoice: unbilled before its close, nothing after.
        assertThat(api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"acct-pit-post\",\"name\":\"Post\",\"billingMode\":\"postpaid\","
                + "\"currency\":\"USD\"}").status()).isEqualTo(201);
        api.put("/api/v1/accounts/acct-pit-post/payment-method", ADMIN, "{\"paymentMethodId\":\"pm_card_visa\"}");
        publish("acct-pit-post", "post-1", Instant.now().truncatedTo(ChronoUnit.SECONDS), 1_000_000);
        Await.until("the threshold invoice closed the usage", WAIT, () -> ledger.eventsOf("acct-pit-post", "UnbilledClosed") == 1);
        JsonNode charged = view(api, "/api/v1/accounts/acct-pit-post?asOf=" + recorded("acct-pit-post", "UsageBatchCharged"));
        assertThat(new BigDecimal(charged.get("unbilled").asText())).isEqualByComparingTo("82.50");
        JsonNode invoiced = view(api, "/api/v1/accounts/acct-pit-post?asOf=" + recorded("acct-pit-post", "UnbilledClosed"));
        assertThat(new BigDecimal(invoiced.get("unbilled").asText())).isZero();
        assertThat(invoiced.get("lifetimeSpend").asText()).startsWith("82.5");
    }

    private static void publish(String account, String eventId, Instant occurredAt, int outputTokens) {
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(new Usage(account, "{\"eventId\":\"" + eventId
                + "\",\"kind\":\"tokens\",\"accountId\":\"" + account + "\",\"occurredAt\":\"" + occurredAt
                + "\",\"model\":\"anthropic/claude-4-opus\",\"outputTokens\":" + outputTokens + "}")), 0);
    }

    private static JsonNode view(HttpApi api, String path) {
        HttpApi.Response answer = api.get(path, ADMIN);
        assertThat(answer.status()).as(path + " " + answer.body()).isEqualTo(200);
        return answer.body();
    }

    private static BigDecimal balance(HttpApi api, String path) {
        HttpApi.Response answer = api.get(path, ADMIN);
        assertThat(answer.status()).as(path + " " + answer.body()).isEqualTo(200);
        return new BigDecimal(answer.body().get("balance").asText());
    }

    /** When the ledger recorded the account's (last) event of {@code type}: the event store's own time of it. */
    private static Instant recorded(String account, String type) throws SQLException {
        try (Connection c = infra().database.connect(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT max(timestamp) FROM domainevententry WHERE aggregateidentifier = '" + account
                     + "' AND payloadtype LIKE '%." + type + "'")) {
            rs.next();
            return Instant.parse(rs.getString(1));
        }
    }
}
