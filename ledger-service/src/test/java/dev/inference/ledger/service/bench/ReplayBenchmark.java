package dev.inference.ledger.service.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.Charge;
import dev.inference.ledger.kernel.pricing.ChargeLine;
import dev.inference.ledger.kernel.pricing.PriceCatalog;
import dev.inference.ledger.kernel.pricing.TokenPrice;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.localinfra.InProcessKafka;
import dev.inference.ledger.testsupport.TestDatabases;
import dev.inference.ledger.accounts.AccountCommand.ChargeUsage;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.accounts.AccountCommand.TopUp;
import dev.inference.ledger.accounts.AccountCommand.UsageToCharge;
import dev.inference.ledger.audit.AuditCommand;
import dev.inference.ledger.audit.WhatIfRerating;
import dev.inference.ledger.service.support.Infrastructure;

/**
 * The auditor's replay (docs/benchmarks.md): {@code audit verify} over a ledger of {@code -Drecords}
 * usage records (default 1,000,000) in batches of {@code -DrecordsPerEvent} (default 100, as the ingest
 * writes them under a busy Zipf stream), the log, its checkpoints and every figure verified. Beside it, the
 * machine's ceiling measured in the same run: a plain JDBC read of the same event rows in global order
 * that hashes each payload and nothing more.
 */
public final class ReplayBenchmark {

    private static final String ADMIN = BenchApp.ADMIN;

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(ReplayBenchmark::run);
    }

    private static void run() throws Exception {
        int records = Integer.getInteger("replayRecords", 1_000_000);
        int perEvent = Integer.getInteger("recordsPerEvent", 100);
        int accounts = 1_000;
        try (InProcessKafka kafka = InProcessKafka.start(0, Files.createTempDirectory("bench-kafka"))) {
            TestDatabases.Database db = TestDatabases.fresh("bench_replay");
            try (ConfigurableApplicationContext app = BenchApp.start(db, kafka)) {
                long t = System.nanoTime();
                prepare(app, accounts, records, perEvent);
                System.out.printf("replay benchmark: %,d usage records in events of %,d charged in %.1f s%n", records, perEvent,
                        (System.nanoTime() - t) / 1e9);
                JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
                awaitCount(jdbc, "SELECT COALESCE(sum(usage_records), 0) FROM account_balances", records);
                awaitCount(jdbc, "SELECT count(*) FROM audit_log", jdbc.queryForObject("SELECT count(*) FROM domainevententry", Long.class));
                awaitCount(jdbc, "SELECT COALESCE(max(tree_size), 0) FROM audit_checkpoints",
                        jdbc.queryForObject("SELECT count(*) FROM audit_log", Long.class));
            }
            double ceiling = ceiling(db, records);
            Map<String, String> env = Map.of("LEDGER_DB_URL", db.jdbcUrl(), "LEDGER_DB_USER", db.user(), "LEDGER_DB_PASSWORD", db.password(),
                    "LEDGER_AUDIT_SIGNING_KEY", Infrastructure.AUDIT_SIGNING_KEY);
            for (int run = 1; run <= 2; run++) {
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                long t = System.nanoTime();
                int exit = new AuditCommand(env, new PrintStream(output, true)).run("verify", "--report", "target/bench-audit-report.json");
                double seconds = (System.nanoTime() - t) / 1e9;
                if (exit != 0) {
                    throw new IllegalStateException("audit verify did not verify:\n" + output);
                }
                System.out.printf("%d. audit verify (log, checkpoints, replay, projections): %,.0f records/s (%.1f s), %.2f x the ceiling%n",
                        run, records / seconds, seconds, records / seconds / ceiling);
            }
            whatIf(db, records, ceiling);
            System.out.printf("ceiling (JDBC read of the event rows in global order, SHA-256 of each payload): %,.0f records/s%n", ceiling);
        }
    }

    /** Every record re-rated with a draft that doubles the model's prices: the same pass as the replay, decoding whole batches. */
    private static void whatIf(TestDatabases.Database db, int records, double ceiling) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(db.jdbcUrl());
        dataSource.setUser(db.user());
        dataSource.setPassword(db.password());
        PriceCatalog draft = new PriceCatalog.Builder().tokens("deepseek-ai/DeepSeek-V3", "deepinfra",
                new TokenPrice(new BigDecimal("0.76"), null, new BigDecimal("1.78"))).build(2, Instant.EPOCH, "USD");
        WhatIfRerating.Result result = new WhatIfRerating(dataSource).run(draft, Instant.now().minus(Duration.ofDays(1)), Instant.now());
        if (result.records() != records || result.wouldHavePaid().compareTo(result.paid().multiply(BigDecimal.valueOf(2))) != 0) {
            throw new IllegalStateException("what-if re-rated " + result.records() + " records: paid " + result.paid() + ", would have paid "
                    + result.wouldHavePaid());
        }
        double seconds = result.seconds().doubleValue();
        System.out.printf("what-if re-rating (every record rated again with a draft): %,.0f records/s (%.1f s), %.2f x the ceiling%n",
                records / seconds, seconds, records / seconds / ceiling);
    }

    private static void prepare(ConfigurableApplicationContext app, int accounts, int records, int perEvent) {
        CommandGateway commands = app.getBean(CommandGateway.class);
        TransactionTemplate tx = app.getBean(TransactionTemplate.class);
        Charge charge = new Charge("tokens", "deepseek-ai/DeepSeek-V3", "deepinfra", 1,
                List.of(new ChargeLine("input", new BigDecimal("2000"), new BigDecimal("0.38"), "1M tokens", Money.of("0.00076", "USD")),
                        new ChargeLine("output", new BigDecimal("500"), new BigDecimal("0.89"), "1M tokens", Money.of("0.000445", "USD"))),
                Money.of("0.001205", "USD"));
        tx.executeWithoutResult(s -> {
            for (int a = 0; a < accounts; a++) {
                commands.sendAndWait(new OpenAccount("acct-" + a, "Customer " + a, BillingMode.PREPAID, "USD"));
                commands.sendAndWait(new TopUp("acct-" + a, "opening", Money.of("5000", "USD")));
            }
        });
        Instant now = Instant.now();
        int events = records / perEvent;
        for (int from = 0; from < events; from += 50) {
            int start = from;
            tx.executeWithoutResult(s -> {
                for (int e = start; e < Math.min(start + 50, events); e++) {
                    List<UsageToCharge> usage = new ArrayList<>(perEvent);
                    for (int r = 0; r < perEvent; r++) {
                        usage.add(new UsageToCharge("u-" + e + "-" + r, now, "gw-1", Attribution.NONE, charge, null));
                    }
                    commands.sendAndWait(new ChargeUsage("acct-" + (e % accounts), usage));
                }
            });
        }
    }

    private static void awaitCount(JdbcTemplate jdbc, String sql, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (jdbc.queryForObject(sql, Long.class) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not caught up within 15 minutes: " + sql);
            }
            Thread.sleep(200);
        }
    }

    private static double ceiling(TestDatabases.Database db, int records) throws Exception {
        long t = System.nanoTime();
        long bytes = 0;
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("SELECT eventidentifier, payloadtype, payload FROM domainevententry ORDER BY globalindex")) {
                s.setFetchSize(2_000);
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        byte[] payload = rs.getBytes(3);
                        bytes += sha.digest(payload).length;
                    }
                }
            }
        }
        return bytes < 0 ? 0 : records / ((System.nanoTime() - t) / 1e9);
    }
}
