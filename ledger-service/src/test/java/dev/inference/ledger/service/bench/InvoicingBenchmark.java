package dev.inference.ledger.service.bench;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.axonframework.commandhandling.gateway.CommandGateway;
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
import dev.inference.ledger.accounts.AccountCommand.AttachPaymentMethod;
import dev.inference.ledger.accounts.AccountCommand.ChargeUsage;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.accounts.AccountCommand.UsageToCharge;
import dev.inference.ledger.invoicing.process.MonthlyInvoicing;

/**
 * The monthly run (docs/benchmarks.md): postpaid accounts with last month's usage, each invoiced in a
 * transaction of its own (the account's close, the number, the carry, the invoice), then charged to the
 * card. Beside it, this machine's ceiling for the same shape of work: one transaction per account that
 * appends two event-sized rows, takes a number from a counter row and writes a carry, with synchronous
 * commit. Settings: -Daccounts=2000 -DrecordsEach=20.
 */
public final class InvoicingBenchmark {

    private static final String ADMIN = BenchApp.ADMIN;

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(InvoicingBenchmark::run);
    }

    private static void run() throws Exception {
        int accounts = Integer.getInteger("accounts", 2_000);
        int recordsEach = Integer.getInteger("recordsEach", 20);
        double ceiling = ceiling(accounts);
        try (InProcessKafka kafka = InProcessKafka.start(0, Files.createTempDirectory("bench-kafka"))) {
            TestDatabases.Database db = TestDatabases.fresh("bench_invoicing");
            try (ConfigurableApplicationContext app = BenchApp.start(db, kafka, "--ledger.invoicing.poll-interval=200ms", "--ledger.payments.simulated.delay=0ms")) {
                prepare(app, accounts, recordsEach);
                JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
                // The worker ran last month's period at start, before these accounts existed: it is run again for them.
                jdbc.update("DELETE FROM billing_runs");
                MonthlyInvoicing monthly = app.getBean(MonthlyInvoicing.class);
                monthly.invoiceEndedMonth();
                await(jdbc, "SELECT count(*) FROM invoices", accounts);
                double run = span(jdbc, "issued_at");
                await(jdbc, "SELECT count(*) FROM invoices WHERE status = 'paid'", accounts);
                double paid = span(jdbc, "paid_at");
                System.out.printf("invoicing benchmark: %,d postpaid accounts of %,d records each%n", accounts, recordsEach);
                System.out.printf("1. ceiling (a transaction per account: 2 event rows, a number, a carry; synchronous commit): %,.0f accounts/s%n",
                        ceiling);
                System.out.printf("2. monthly run, first to last invoice issued: %,.0f invoices/s (%.1f s), %.2f x the ceiling%n",
                        accounts / run, run, accounts / run / ceiling);
                System.out.printf("3. issued to paid by card (simulated provider answering at once): %,.0f invoices/s (%.1f s)%n",
                        accounts / paid, paid);
            }
        }
    }

    private static void prepare(ConfigurableApplicationContext app, int accounts, int recordsEach) {
        CommandGateway commands = app.getBean(CommandGateway.class);
        TransactionTemplate tx = app.getBean(TransactionTemplate.class);
        Instant lastMonth = YearMonth.now(ZoneOffset.UTC).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().minus(Duration.ofHours(1));
        Charge charge = new Charge("tokens", "deepseek-ai/DeepSeek-V3", "deepinfra", 1,
                List.of(new ChargeLine("input", new BigDecimal("2000"), new BigDecimal("0.38"), "1M tokens", Money.of("0.00076", "USD")),
                        new ChargeLine("output", new BigDecimal("500"), new BigDecimal("0.89"), "1M tokens", Money.of("0.000445", "USD"))),
                Money.of("0.001205", "USD"));
        for (int from = 0; from < accounts; from += 500) {
            int start = from;
            tx.executeWithoutResult(s -> {
                for (int i = start; i < Math.min(start + 500, accounts); i++) {
                    commands.sendAndWait(new OpenAccount(account(i), "Customer " + i, BillingMode.POSTPAID, "USD"));
                    commands.sendAndWait(new AttachPaymentMethod(account(i), "pm_card_visa", "visa 4242"));
                    List<UsageToCharge> usage = new ArrayList<>(recordsEach);
                    for (int r = 0; r < recordsEach; r++) {
                        usage.add(new UsageToCharge("u-" + i + "-" + r, lastMonth, null, Attribution.NONE, charge, null));
                    }
                    commands.sendAndWait(new ChargeUsage(account(i), usage));
                }
            });
        }
    }

    private static void await(JdbcTemplate jdbc, String count, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (jdbc.queryForObject(count, Long.class) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done within 10 minutes: " + count);
            }
            Thread.sleep(100);
        }
    }

    /** Seconds from the first to the last value of an instant column of the invoices. */
    private static double span(JdbcTemplate jdbc, String column) {
        return jdbc.queryForObject("SELECT extract(epoch FROM max(" + column + ") - min(issued_at)) FROM invoices", Double.class);
    }

    private static double ceiling(int accounts) throws Exception {
        TestDatabases.Database db = TestDatabases.fresh("bench_invoicing_ceiling");
        byte[] payload = new byte[900];
        try (Connection c = db.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE events (id bigserial PRIMARY KEY, aggregate varchar(128), payload bytea)");
                s.execute("CREATE TABLE series (series varchar(8) PRIMARY KEY, last_number bigint)");
                s.execute("INSERT INTO series VALUES ('INV', 0)");
                s.execute("CREATE TABLE carry (account_id varchar(64) PRIMARY KEY, carried numeric(38, 12))");
            }
            c.setAutoCommit(false);
            long t = System.nanoTime();
            try (PreparedStatement event = c.prepareStatement("INSERT INTO events (aggregate, payload) VALUES (?, ?)");
                 PreparedStatement number = c.prepareStatement("UPDATE series SET last_number = last_number + 1 WHERE series = 'INV' RETURNING last_number");
                 PreparedStatement carry = c.prepareStatement("INSERT INTO carry VALUES (?, 0.001) ON CONFLICT (account_id) DO UPDATE SET carried = excluded.carried")) {
                for (int i = 0; i < accounts; i++) {
                    for (int e = 0; e < 2; e++) {
                        event.setString(1, account(i));
                        event.setBytes(2, payload);
                        event.executeUpdate();
                    }
                    number.executeQuery().close();
                    carry.setString(1, account(i));
                    carry.executeUpdate();
                    c.commit();
                }
            }
            return accounts / ((System.nanoTime() - t) / 1e9);
        }
    }

    private static String account(int i) {
        return "acct-" + i;
    }
}
