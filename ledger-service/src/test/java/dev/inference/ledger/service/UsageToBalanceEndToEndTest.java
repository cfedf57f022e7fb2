package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.inference.ledger.service.support.AnotherInstance;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.Topics;
import dev.inference.ledger.service.support.UsageStream;

/**
 * The foundation story: ten prepaid customers are topped up, their gateways publish a thousand token
 * usage records (a hundred of them sent twice, five of them broken), and every balance ends exactly
 * at the top-up minus the sum of its prices, each record charged once, the broken ones dead-lettered.
 */
class UsageToBalanceEndToEndTest extends ServiceStory {

    private static final BigDecimal OPENING = new BigDecimal("100.00");

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void a_thousand_usage_records_for_ten_accounts_move_each_balance_by_exactly_its_rated_usage() throws Exception {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        List<String> accounts = IntStream.rangeClosed(1, 10).mapToObj(i -> "acct-" + i).toList();
        ledger.openPrepaid(accounts, OPENING);

        UsageStream usage = new UsageStream(42).unique("gw-", 895, accounts);
        List<UsageStream.Usage> stream = usage.withDuplicates(100);
        String[][] invalid = {
                {"acct-1", "{\"eventId\":\"bad-1\",\"kind\":\"tokens\""},
                {"acct-2", "{\"eventId\":\"bad-2\",\"kind\":\"tokens\",\"accountId\":\"acct-2\",\"occurredAt\":\"" + UsageStream.RECENTLY + "\",\"inputTokens\":5}"},
                {"acct-3", "{\"eventId\":\"bad-3\",\"kind\":\"tokens\",\"accountId\":\"acct-3\",\"occurredAt\":\"" + UsageStream.RECENTLY + "\",\"model\":\"deepseek-ai/DeepSeek-V3\",\"inputTokens\":-5}"},
                {"acct-4", "{\"eventId\":\"bad-4\",\"kind\":\"tokens\",\"accountId\":\"acct-4\",\"occurredAt\":\"" + UsageStream.RECENTLY + "\",\"model\":\"acme/no-such-model\",\"inputTokens\":5}"},
                {"acct-404", "{\"eventId\":\"bad-5\",\"kind\":\"tokens\",\"accountId\":\"acct-404\",\"occurredAt\":\"" + UsageStream.RECENTLY + "\",\"model\":\"deepseek-ai/DeepSeek-V3\",\"inputTokens\":5}"}};
        stream = usage.mixedWith(stream, Arrays.stream(invalid).map(bad -> new UsageStream.Usage(bad[0], bad[1])).toList());
        assertThat(stream).hasSize(1000);
        UsageStream.publish(infra().kafka.bootstrapServers(), stream, 0);

        for (String account : accounts) {
            BigDecimal expected = OPENING.subtract(usage.expectedSpend(account));
            ledger.awaitBalance(account, expected, Duration.ofSeconds(60));
            var entries = api.get("/api/v1/accounts/" + account + "/entries?limit=1000", ADMIN).body().get("entries");
            Await.until(account + " lists every entry", Duration.ofSeconds(30),
                    () -> api.get("/api/v1/accounts/" + account + "/entries?limit=1000", ADMIN).body().get("entries").size()
                            == 1 + usage.expectedCharges(account));
            assertThat(entries.size()).isLessThanOrEqualTo(1 + usage.expectedCharges(account));
        }
        // Paged three at a time through the cursor, the entries are the same as in one page, cutting through batch events.
        var whole = api.get("/api/v1/accounts/acct-1/entries?limit=1000", ADMIN).body().get("entries");
        List<String> paged = new ArrayList<>();
        String after = null;
        do {
            var page = api.get("/api/v1/accounts/acct-1/entries?limit=3" + (after == null ? "" : "&after=" + after), ADMIN).body();
            page.get("entries").forEach(e -> paged.add(e.get("cursor").asText()));
            after = page.get("next").isNull() ? null : page.get("next").asText();
        } while (after != null);
        List<String> all = new ArrayList<>();
        whole.forEach(e -> all.add(e.get("cursor").asText()));
        assertThat(paged).isEqualTo(all).doesNotHaveDuplicates();
        BigDecimal sum = BigDecimal.ZERO;
        for (var e : whole) {
            sum = sum.add(new BigDecimal(e.get("balanceChange").asText()));
            assertThat(new BigDecimal(e.get("balanceAfter").asText())).as("each entry's balance after it").isEqualByComparingTo(sum);
        }
        assertThat(api.get("/api/v1/accounts/acct-1/entries?after=not-a-cursor", ADMIN).status()).isEqualTo(400);

        var usageEntry = api.get("/api/v1/accounts/acct-1/entries?limit=2", ADMIN).body().get("entries").get(1);
        assertThat(usageEntry.get("type").asText()).isEqualTo("usage");
        var charge = usageEntry.get("details").get("charge");
        assertThat(UsageStream.PRICES).containsKey(charge.get("item").asText());
        assertThat(charge.get("catalogVersion").asInt()).isEqualTo(1);
        assertThat(charge.get("lines")).isNotEmpty();
        assertThat(new BigDecimal(charge.get("cost").get("amount").asText()).negate())
                .isEqualByComparingTo(new BigDecimal(usageEntry.get("balanceChange").asText()));

        var reconciliation = api.get("/api/v1/audit/reconciliation", ADMIN).body();
        assertThat(reconciliation.get("mismatches")).isEmpty();
        assertThat(reconciliation.get("usageRecords").asLong()).isGreaterThanOrEqualTo(895);

        Map<String, String> reasons = Topics.deadLetterReasonsByKey(infra().kafka.bootstrapServers(), 5);
        assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of(
                "acct-1", "malformed-json", "acct-2", "missing-field", "acct-3", "negative-quantity",
                "acct-4", "unknown-price", "acct-404", "unknown-account"));
    }

    @Test
    void the_api_refuses_without_a_token_and_outside_a_role_with_problem_documents() {
        HttpApi api = new HttpApi(port);
        HttpApi.Response anonymous = api.get("/api/v1/accounts/acct-1", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");

        String gateway = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"gateway\"}").body().get("token").asText();
        HttpApi.Response forbidden = api.post("/api/v1/accounts", gateway, "{\"accountId\":\"x\",\"name\":\"X\"}");
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.body().get("type").asText()).isEqualTo("/problems/forbidden");

        api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"acct-bound\",\"name\":\"Bound\"}");
        String bound = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"staff\",\"accountId\":\"acct-bound\"}").body().get("token").asText();
        assertThat(api.get("/api/v1/accounts/acct-1/entries", bound).status()).isEqualTo(403);

        HttpApi.Response numberAmount = api.post("/api/v1/accounts/acct-bound/top-ups", ADMIN, "{\"amount\":12.5}", "Idempotency-Key", "n-1");
        assertThat(numberAmount.status()).isEqualTo(400);
        assertThat(api.post("/api/v1/accounts/acct-bound/top-ups", ADMIN, "{\"amount\":\"12.5\"}").status()).isEqualTo(400);
    }

    @Test
    void a_top_up_retried_with_its_idempotency_key_is_credited_once() {
        HttpApi api = new HttpApi(port);
        api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"acct-retry\",\"name\":\"Retry\"}");
        var first = api.post("/api/v1/accounts/acct-retry/top-ups", ADMIN, "{\"amount\":\"25.00\"}", "Idempotency-Key", "pay-1");
        var again = api.post("/api/v1/accounts/acct-retry/top-ups", ADMIN, "{\"amount\":\"25.00\"}", "Idempotency-Key", "pay-1");
        var other = api.post("/api/v1/accounts/acct-retry/top-ups", ADMIN, "{\"amount\":\"30.00\"}", "Idempotency-Key", "pay-1");

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(other.status()).isEqualTo(409);
        Await.until("the top-up is projected", Duration.ofSeconds(20),
                () -> api.get("/api/v1/accounts/acct-retry", ADMIN).status() == 200
                        && new BigDecimal(api.get("/api/v1/accounts/acct-retry", ADMIN).body().get("balance").asText()).compareTo(new BigDecimal("25")) == 0);
        assertThat(api.get("/api/v1/accounts/acct-retry/entries", ADMIN).body().get("entries")).hasSize(1);
    }

    @Test
    void a_top_up_that_meets_a_write_from_another_instance_is_retried_and_neither_is_lost() {
        HttpApi api = new HttpApi(port);
        api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"acct-race\",\"name\":\"Race\"}");
        assertThat(api.post("/api/v1/accounts/acct-race/top-ups", ADMIN, "{\"amount\":\"50.00\"}", "Idempotency-Key", "race-1").status())
                .isEqualTo(201);
        // Another instance credits 25 to the same account: its event takes the next sequence number,
        // behind the back of this instance, which still holds the account at a balance of 50 in its cache.
        AnotherInstance.creditsTopUp(jdbc, "acct-race", "race-elsewhere", "25.000000000000", "75.000000000000");

        var topUp = api.post("/api/v1/accounts/acct-race/top-ups", ADMIN, "{\"amount\":\"10.00\"}", "Idempotency-Key", "race-2");

        assertThat(topUp.status()).isEqualTo(201);
        Await.until("the balance holds all three top-ups", Duration.ofSeconds(20), () -> {
            var account = api.get("/api/v1/accounts/acct-race", ADMIN);
            return account.status() == 200 && new BigDecimal(account.body().get("balance").asText()).compareTo(new BigDecimal("85")) == 0;
        });
        assertThat(api.get("/api/v1/accounts/acct-race/entries", ADMIN).body().get("entries")).hasSize(3);
    }

}
