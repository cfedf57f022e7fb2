package dev.inference.ledger.service.bench;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.Charge;
import dev.inference.ledger.kernel.pricing.ChargeLine;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.localinfra.InProcessKafka;
import dev.inference.ledger.testsupport.TestDatabases;
import dev.inference.ledger.accounts.AccountCommand.ChargeUsage;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.accounts.AccountCommand.TopUp;
import dev.inference.ledger.accounts.AccountCommand.UsageToCharge;

/**
 * Usage analytics for one account with {@code -DanalyticsRecords} usage records (default 2,000,000) over
 * the last 30 days, across 5 models, 10 API keys and 3 projects: {@code GET /usage?groupBy=day,model} for
 * the month, timed over HTTP as a user sees it (token check, access rule, JSON), p50 and p99 of 300
 * requests. Beside it, the ceiling in the same run: the product's own query (whole days from the daily roll-up, the
 * edges from the hourly one) by plain JDBC, without HTTP, token or JSON.
 */
public final class UsageAnalyticsBenchmark {

    private static final String ADMIN = BenchApp.ADMIN;
    private static final String ACCOUNT = "acct-analytics";
    private static final String[] MODELS = {"deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-R1", "meta-llama/Llama-3.3-70B-Instruct",
            "meta-llama/Llama-3.3-70B-Instruct-Turbo", "deepseek-ai/DeepSeek-R1-Distill-Llama-70B"};
    private static final int QUERIES = 300;

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(UsageAnalyticsBenchmark::run);
    }

    private static void run() throws Exception {
        int records = Integer.getInteger("analyticsRecords", 2_000_000);
        try (InProcessKafka kafka = InProcessKafka.start(0, Files.createTempDirectory("bench-kafka"))) {
            TestDatabases.Database db = TestDatabases.fresh("bench_analytics");
            try (ConfigurableApplicationContext app = BenchApp.start(db, kafka)) {
                Instant now = Instant.now();
                long t = System.nanoTime();
                prepare(app, records, now);
                JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
                long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
                while (jdbc.queryForObject("SELECT COALESCE(sum(records), 0) FROM usage_rollup WHERE account_id = ?", Long.class, ACCOUNT)
                        < records) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the roll-up did not catch up within 20 minutes");
                    }
                    Thread.sleep(200);
                }
                // The other processors (the audit log above all) done too: what is timed is the query, not a busy machine.
                while (jdbc.queryForObject("SELECT count(*) FROM audit_log", Long.class)
                        < jdbc.queryForObject("SELECT count(*) FROM domainevententry", Long.class)) {
                    Thread.sleep(200);
                }
                // As a settled database would be: statistics of the fresh tables, and the bulk load's dirty pages written.
                try (Connection c = db.connect(); var statement = c.createStatement()) {
                    statement.execute("VACUUM (ANALYZE) usage_rollup, usage_daily, account_balances, api_tokens");
                    statement.execute("CHECKPOINT");
                }
                Thread.sleep(5_000);
                long rows = jdbc.queryForObject("SELECT count(*) FROM usage_rollup WHERE account_id = ?", Long.class, ACCOUNT);
                System.out.printf("usage analytics benchmark: %,d usage records of one account charged and rolled up in %.1f s (%,d roll-up rows)%n",
                        records, (System.nanoTime() - t) / 1e9, rows);

                Instant from = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(30));
                Instant to = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
                int port = ((WebServerApplicationContext) app).getWebServer().getPort();
                double[] floor = http(port, "/api/v1/me", "\"role\"");
                double[] product = http(port, "/api/v1/accounts/" + ACCOUNT + "/usage?from=" + from + "&to=" + to + "&groupBy=day,model",
                        "\"groups\"");
                double[] ceiling = jdbc(db, from, to);
                System.out.printf("GET /usage?groupBy=day,model for 30 days over HTTP: p50 %.1f ms, p99 %.1f ms (%d requests)%n",
                        product[0], product[1], QUERIES);
                System.out.printf("the HTTP floor on this machine (GET /api/v1/me: token, access rule, JSON): p50 %.1f ms, p99 %.1f ms%n",
                        floor[0], floor[1]);
                System.out.printf("ceiling (the same query by plain JDBC): p50 %.1f ms, p99 %.1f ms; target p99 < 50 ms: %s%n",
                        ceiling[0], ceiling[1], product[1] < 50 ? "met" : "NOT met");
            }
        }
    }

    /** Records spread evenly over the last 30 days, in events of 500 as a busy ingest writes them. */
    private static void prepare(ConfigurableApplicationContext app, int records, Instant now) {
        CommandGateway commands = app.getBean(CommandGateway.class);
        TransactionTemplate tx = app.getBean(TransactionTemplate.class);
        commands.sendAndWait(new OpenAccount(ACCOUNT, "Analytics", BillingMode.PREPAID, "USD"));
        commands.sendAndWait(new TopUp(ACCOUNT, "opening", Money.of("5000", "USD"))); // 2,000,000 records cost 2,410
        Charge[] charges = new Charge[MODELS.length];
        for (int m = 0; m < MODELS.length; m++) {
            charges[m] = new Charge("tokens", MODELS[m], "deepinfra", 1,
                    List.of(new ChargeLine("input", new BigDecimal("2000"), new BigDecimal("0.38"), "1M tokens", Money.of("0.00076", "USD")),
                            new ChargeLine("output", new BigDecimal("500"), new BigDecimal("0.89"), "1M tokens", Money.of("0.000445", "USD"))),
                    Money.of("0.001205", "USD"));
        }
        long span = Duration.ofDays(30).toSeconds();
        int perEvent = 500;
        for (int from = 0; from < records; from += perEvent * 20) {
            int start = from;
            tx.executeWithoutResult(s -> {
                for (int e = start; e < Math.min(start + perEvent * 20, records); e += perEvent) {
                    List<UsageToCharge> usage = new ArrayList<>(perEvent);
                    for (int r = e; r < Math.min(e + perEvent, records); r++) {
                        Instant at = now.minusSeconds(span - span * r / records);
                        usage.add(new UsageToCharge("u-" + r, at, "gw-1", new Attribution("key-" + r % 10, "proj-" + r % 3, null, null),
                                charges[r % MODELS.length], null));
                    }
                    commands.sendAndWait(new ChargeUsage(ACCOUNT, usage));
                }
            });
        }
    }

    private static double[] http(int port, String path, String expected) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + ADMIN)
                .build();
        double[] millis = new double[QUERIES];
        for (int warm = 0; warm < 30; warm++) {
            client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        for (int i = 0; i < QUERIES; i++) {
            long t = System.nanoTime();
            HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
            millis[i] = (System.nanoTime() - t) / 1e6;
            if (answer.statusCode() != 200 || !answer.body().contains(expected)) {
                throw new IllegalStateException(path + " answered " + answer.statusCode() + ": " + answer.body());
            }
        }
        return percentiles(millis);
    }

    private static double[] jdbc(TestDatabases.Database db, Instant from, Instant to) throws Exception {
        double[] millis = new double[QUERIES];
        Instant firstMidnight = from.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
        Instant lastMidnight = to.truncatedTo(ChronoUnit.DAYS);
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("""
                SELECT date_trunc('day', t AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', item, sum(records), sum(input_tokens),
                       sum(cached_input_tokens), sum(output_tokens), sum(seconds), sum(units), sum(cost)
                  FROM (SELECT day AS t, * FROM usage_daily WHERE account_id = ? AND day >= ? AND day < ?
                        UNION ALL
                        SELECT hour AS t, * FROM usage_rollup WHERE account_id = ? AND (hour >= ? AND hour < ? OR hour >= ? AND hour < ?)) u
                 GROUP BY 1, 2 ORDER BY 1, 2""")) {
            s.setString(1, ACCOUNT);
            s.setTimestamp(2, Timestamp.from(firstMidnight));
            s.setTimestamp(3, Timestamp.from(lastMidnight));
            s.setString(4, ACCOUNT);
            s.setTimestamp(5, Timestamp.from(from));
            s.setTimestamp(6, Timestamp.from(firstMidnight));
            s.setTimestamp(7, Timestamp.from(lastMidnight));
            s.setTimestamp(8, Timestamp.from(to));
            for (int i = -30; i < QUERIES; i++) {
                long t = System.nanoTime();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rs.getBigDecimal(9);
                    }
                }
                if (i >= 0) {
                    millis[i] = (System.nanoTime() - t) / 1e6;
                }
            }
        }
        return percentiles(millis);
    }

    private static double[] percentiles(double[] millis) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        return new double[] {sorted[sorted.length / 2], sorted[(int) Math.ceil(sorted.length * 0.99) - 1]};
    }
}
