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

/**
 * Usage for an account not opened yet is dead-lettered; staff see it with its reason; once the account is
 * opened an admin re-drives that reason's letters and they are charged, once, however often re-driven.
 */
class DeadLetterRedriveEndToEndTest extends ServiceStory {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @Test
    void dead_letters_are_listed_with_their_reason_and_re_driven_once_their_cause_is_fixed_each_charged_at_most_once() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-known"), new BigDecimal("10.00"));
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(
                tokens("late-1", "acct-later", "deepseek-ai/DeepSeek-V3"), tokens("late-2", "acct-later", "deepseek-ai/DeepSeek-V3"),
                tokens("odd-1", "acct-known", "acme/unpriced-model")), 0);

        Await.until("three dead letters", WAIT, () -> letters(api).size() == 3);
        assertThat(letters(api)).extracting(l -> l.get("reason").asText())
                .containsExactlyInAnyOrder("unknown-account", "unknown-account", "unknown-price");
        assertThat(letters(api)).allSatisfy(l -> assertThat(l.get("record").asText()).contains("\"eventId\""));

        ledger.openPrepaid(List.of("acct-later"), new BigDecimal("10.00"));
        for (int time = 1; time <= 2; time++) {
            HttpApi.Response redriven = api.post("/api/v1/admin/dead-letters/redrive", ADMIN, "{\"reason\":\"unknown-account\"}");
            assertThat(redriven.status()).as(String.valueOf(redriven.body())).isEqualTo(200);
            assertThat(redriven.body().get("redriven").asInt()).isEqualTo(2);
        }
        // A record published after both re-drives: once it is charged, the re-driven ones have been read too.
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(tokens("after-1", "acct-later", "deepseek-ai/DeepSeek-V3")), 0);
        Await.until("the later record is charged", WAIT, () -> ledger.usageRecordsOf("acct-later") >= 3);
        assertThat(ledger.usageRecordsOf("acct-later")).as("each re-driven record charged once").isEqualTo(3);
        assertThat(ledger.usageEventIdsChargedTwice()).isZero();
        assertThat(letters(api)).as("the other reason stays dead, nothing new died").hasSize(3);

        String staff = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"staff\"}").body().get("token").asText();
        assertThat(api.post("/api/v1/admin/dead-letters/redrive", staff, "{}").status()).isEqualTo(403);
        assertThat(api.post("/api/v1/admin/dead-letters/redrive", ADMIN, "{\"hours\":1000}").status()).isEqualTo(400);
    }

    private static List<JsonNode> letters(HttpApi api) {
        JsonNode answer = api.get("/api/v1/dead-letters?hours=1", ADMIN).body().get("deadLetters");
        return java.util.stream.StreamSupport.stream(answer.spliterator(), false).toList();
    }

    private static UsageStream.Usage tokens(String eventId, String account, String model) {
        return new UsageStream.Usage(account, "{\"eventId\":\"" + eventId + "\",\"kind\":\"tokens\",\"accountId\":\"" + account
                + "\",\"occurredAt\":\"" + UsageStream.RECENTLY + "\",\"model\":\"" + model + "\",\"inputTokens\":1000,\"outputTokens\":100}");
    }
}
