package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
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
 * A GPU cluster reports a day of a thousand replicas by mistake, and a millisecond interval as it should:
 * the millisecond is charged to the last fraction, the mistake is held for review instead of charged, an
 * admin approves one such record and rejects another, and a repeat of the approved one is never charged twice.
 */
class UsageReviewEndToEndTest extends ServiceStory {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String ACCOUNT = "acct-cluster";

    @Test
    void a_record_costing_more_than_the_review_ceiling_is_held_until_an_admin_approves_or_rejects_it() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of(ACCOUNT), new BigDecimal("100.00"));

        // 86,400 s × 1,000 replicas × 0.0059890856 = 517,456.99584: above 10,000. 12.345 s × 0.0000872083 = 0.001076586464 (rounded half-even).
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(compute("day-1", "llm.super", "86400", 1000),
                compute("ms-1", "llm.micro", "12.345", 1)), 0);
        BigDecimal afterMillisecond = new BigDecimal("100").subtract(new BigDecimal("0.001076586464"));
        ledger.awaitBalance(ACCOUNT, afterMillisecond, WAIT);
        Await.until("the day is held for review", WAIT, () -> held(api).size() == 1);
        JsonNode held = held(api).get(0);
        assertThat(held.path("eventId").asText()).isEqualTo("day-1");
        assertThat(held.path("cost").asText()).isEqualTo("517456.995840000000");
        assertThat(held.path("reviewAbove").asText()).isEqualTo("10000.000000000000");

        String staff = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"staff\"}").body().get("token").asText();
        assertThat(api.post("/api/v1/accounts/" + ACCOUNT + "/usage/held/approve", staff, "{\"eventId\":\"day-1\"}").status()).isEqualTo(403);
        assertThat(api.post("/api/v1/accounts/" + ACCOUNT + "/usage/held/approve", ADMIN, "{\"eventId\":\"day-1\"}").status()).isEqualTo(200);
        BigDecimal afterDay = afterMillisecond.subtract(new BigDecimal("517456.99584"));
        ledger.awaitBalance(ACCOUNT, afterDay, WAIT);
        Await.until("nothing is held any more", WAIT, () -> held(api).isEmpty());

        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(compute("day-1", "llm.super", "86400", 1000),
                compute("day-2", "llm.super", "86400", 2000)), 0);
        Await.until("the second day is held", WAIT, () -> held(api).size() == 1);
        var rejected = api.post("/api/v1/accounts/" + ACCOUNT + "/usage/held/reject", ADMIN, "{\"eventId\":\"day-2\",\"reason\":\"unit bug\"}");
        assertThat(rejected.status()).isEqualTo(200);
        Await.until("the rejected day is gone", WAIT, () -> held(api).isEmpty());
        var again = api.post("/api/v1/accounts/" + ACCOUNT + "/usage/held/approve", ADMIN, "{\"eventId\":\"day-2\"}");
        assertThat(again.status()).isEqualTo(422);
        assertThat(again.body().path("type").asText()).isEqualTo("/problems/usage-not-held");

        // A witness published after all the above: once it is charged, the repeat of day-1 has been read and skipped.
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(compute("ms-2", "llm.micro", "0.001", 1)), 0);
        ledger.awaitBalance(ACCOUNT, afterDay.subtract(new BigDecimal("0.000000087208")), WAIT);
        assertThat(ledger.usageRecordsOf(ACCOUNT)).as("ms-1, day-1 once, ms-2").isEqualTo(3);
        assertThat(ledger.usageEventIdsChargedTwice()).isZero();
    }

    private static List<JsonNode> held(HttpApi api) {
        List<JsonNode> usage = new java.util.ArrayList<>();
        api.get("/api/v1/accounts/" + ACCOUNT + "/usage/held", ADMIN).body().path("usage").forEach(usage::add);
        return usage;
    }

    private static Usage compute(String eventId, String meter, String seconds, int replicas) {
        return new Usage(ACCOUNT, "{\"eventId\":\"" + eventId + "\",\"kind\":\"compute\",\"accountId\":\"" + ACCOUNT + "\",\"occurredAt\":\""
                + UsageStream.RECENTLY + "\",\"meter\":\"" + meter + "\",\"seconds\":\"" + seconds + "\",\"replicas\":" + replicas + "}");
    }
}
