package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.UsageStream;

/**
 * Where the money went: a random stream of token, compute and unit records, over two days, several keys,
 * projects and agent runs, to a prepaid and a postpaid account. Every breakdown adds up to the totals, and
 * the totals are the ledger's entries exactly; an agent run's calls are listed with their cost.
 */
class UsageAnalyticsEndToEndTest extends ServiceStory {

    private static final List<String> MODELS = List.copyOf(UsageStream.PRICES.keySet());
    private static final String[] KEYS = {"key-1", "key-2", null};
    private static final String[] PROJECTS = {"proj-a", "proj-b", null};
    private static final String[] TRACES = {"task-1", "task-2", "task-3", null, null};

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final Instant from = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(48));

    /** What was published per account: token counts, and each trace's calls. */
    private final Map<String, long[]> tokens = new HashMap<>();
    private final Map<String, Integer> traceCalls = new HashMap<>();

    @Test
    void every_breakdown_adds_up_to_the_totals_and_the_totals_are_the_ledgers_entries_exactly() {
        HttpApi api = new HttpApi(port);
        new Ledger(infra().database, api, ADMIN).openPrepaid(List.of("acct-use"), new BigDecimal("1000.00"));
        assertThat(api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"acct-post\",\"name\":\"Post\",\"billingMode\":\"postpaid\","
                + "\"currency\":\"USD\"}").status()).isEqualTo(201);
        List<UsageStream.Usage> stream = stream(new Random(14), 600, List.of("acct-use", "acct-post"));
        UsageStream.publish(infra().kafka.bootstrapServers(), stream, 0);
        String staff = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"staff\"}").body().get("token").asText();
        Await.until("every record is in the roll-up", Duration.ofSeconds(60), () -> totalRecords(api, staff) == stream.size());

        for (String account : List.of("acct-use", "acct-post")) {
            JsonNode totals = usage(api, staff, account, "").get("totals");
            assertThat(new BigDecimal(totals.get("cost").asText())).as(account + ": the roll-up's cost is the entries' usage")
                    .isEqualByComparingTo(entriesUsage(account));
            assertThat(totals.get("inputTokens").asLong()).isEqualTo(tokens.get(account)[0]);
            assertThat(totals.get("cachedInputTokens").asLong()).isEqualTo(tokens.get(account)[1]);
            assertThat(totals.get("outputTokens").asLong()).isEqualTo(tokens.get(account)[2]);
            assertThat(new BigDecimal(totals.get("cachedShare").asText())).isEqualByComparingTo(BigDecimal.valueOf(tokens.get(account)[1])
                    .divide(BigDecimal.valueOf(tokens.get(account)[0] + tokens.get(account)[1]), 6, java.math.RoundingMode.HALF_EVEN));
            for (String groupBy : List.of("day,model", "hour", "apiKey,project", "kind,provider,source,member", "month")) {
                JsonNode answer = usage(api, staff, account, "&groupBy=" + groupBy);
                assertThat(sum(answer.get("groups"), "cost")).as(groupBy).isEqualByComparingTo(new BigDecimal(totals.get("cost").asText()));
                assertThat(sum(answer.get("groups"), "records")).as(groupBy).isEqualByComparingTo(totals.get("records").decimalValue());
            }
            JsonNode byDay = usage(api, staff, account, "&groupBy=day,model").get("groups");
            assertThat(byDay.get(0).has("bucket") && byDay.get(0).has("model")).isTrue();
        }

        // An agent run: its calls across models, in order, and its cost; grouped by trace, each run once.
        JsonNode trace = api.get("/api/v1/accounts/acct-use/usage/traces/task-2", staff).body();
        assertThat(trace.get("calls")).hasSize(traceCalls.get("acct-use/task-2"));
        assertThat(sum(trace.get("calls"), "cost")).isEqualByComparingTo(new BigDecimal(trace.get("totals").get("cost").asText()));
        JsonNode byTrace = usage(api, staff, "acct-use", "&groupBy=trace").get("groups");
        assertThat(byTrace).extracting(g -> g.get("trace").asText()).containsExactly("task-1", "task-2", "task-3");
        assertThat(byTrace.get(1).get("usage").get("records").asInt()).isEqualTo(traceCalls.get("acct-use/task-2"));

        // Refused at the door, with a problem document.
        assertThat(api.get("/api/v1/accounts/acct-use/usage?groupBy=colour", staff).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/accounts/acct-use/usage?groupBy=day,hour", staff).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/accounts/acct-use/usage?from=2026-01-01T00:30:00Z", staff).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/accounts/acct-use/usage?from=2020-01-01T00:00:00Z&to=2022-01-01T00:00:00Z", staff).status())
                .isEqualTo(400);
        assertThat(api.get("/api/v1/accounts/acct-use/usage/traces/task-404", staff).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/accounts/acct-nobody/usage", staff).status()).isEqualTo(404);
    }

    private JsonNode usage(HttpApi api, String token, String account, String query) {
        HttpApi.Response answer = api.get("/api/v1/accounts/" + account + "/usage?from=" + from + "&to="
                + now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1)) + query, token);
        assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(200);
        return answer.body();
    }

    private long totalRecords(HttpApi api, String token) {
        return usage(api, token, "acct-use", "").get("totals").get("records").asLong()
                + usage(api, token, "acct-post", "").get("totals").get("records").asLong();
    }

    private static BigDecimal sum(JsonNode rows, String field) {
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode row : rows) {
            JsonNode value = row.has("usage") ? row.get("usage").get(field) : row.get(field);
            sum = sum.add(new BigDecimal(value.asText()));
        }
        return sum;
    }

    /** Σ of the account's usage entries: drawn from the balance (prepaid) or added to the unbilled (postpaid). */
    private BigDecimal entriesUsage(String account) {
        try (Connection c = infra().database.connect(); var s = c.prepareStatement(
                "SELECT sum(unbilled_change - balance_change) FROM ledger_entries WHERE account_id = ? AND entry_type = 'usage'")) {
            s.setString(1, account);
            var rs = s.executeQuery();
            rs.next();
            return rs.getBigDecimal(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<UsageStream.Usage> stream(Random random, int count, List<String> accounts) {
        List<UsageStream.Usage> records = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            String account = accounts.get(random.nextInt(accounts.size()));
            Instant at = from.plusSeconds(60 + random.nextInt((int) Duration.between(from, now).getSeconds() - 120));
            String key = KEYS[random.nextInt(KEYS.length)];
            String project = PROJECTS[random.nextInt(PROJECTS.length)];
            String trace = TRACES[random.nextInt(TRACES.length)];
            StringBuilder json = new StringBuilder("{\"eventId\":\"use-" + n + "\",\"accountId\":\"" + account + "\",\"occurredAt\":\"" + at
                    + "\",\"source\":\"gw-" + random.nextInt(2) + "\"");
            if (key != null) {
                json.append(",\"apiKeyId\":\"").append(key).append('"');
            }
            if (project != null) {
                json.append(",\"projectId\":\"").append(project).append('"');
            }
            if (trace != null) {
                json.append(",\"traceId\":\"").append(trace).append('"');
                traceCalls.merge(account + "/" + trace, 1, Integer::sum);
            }
            int kind = random.nextInt(10);
            if (kind < 7) {
                long input = random.nextInt(5000);
                long cached = random.nextInt(3) == 0 ? random.nextInt(4000) : 0;
                long output = random.nextInt(2000);
                long[] sums = tokens.computeIfAbsent(account, a -> new long[3]);
                sums[0] += input;
                sums[1] += cached;
                sums[2] += output;
                json.append(",\"kind\":\"tokens\",\"model\":\"").append(MODELS.get(random.nextInt(MODELS.size())))
                        .append("\",\"inputTokens\":").append(input).append(",\"cachedInputTokens\":").append(cached)
                        .append(",\"outputTokens\":").append(output);
            } else if (kind < 9) {
                json.append(",\"kind\":\"compute\",\"meter\":\"llm.sm\",\"seconds\":\"").append(1 + random.nextInt(600))
                        .append(".5\",\"replicas\":").append(1 + random.nextInt(3)).append(",\"state\":\"running\"");
            } else {
                json.append(",\"kind\":\"units\",\"model\":\"black-forest-labs/FLUX-1-schnell\",\"unit\":\"image\",\"quantity\":\"")
                        .append(1 + random.nextInt(8)).append('"');
            }
            records.add(new UsageStream.Usage(account, json.append('}').toString()));
        }
        return records;
    }
}
