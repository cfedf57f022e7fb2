package dev.inference.ledger.service.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.inference.ledger.service.support.Infrastructure;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.testsupport.TestDatabases;
import dev.inference.ledger.service.LedgerApplication;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.accounts.AccountCommand.TopUp;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One run of the product in this JVM, on its own database and topics: accounts opened and funded with
 * the ingest off, then the ledger started with the ingest on over pre-loaded records, timed from its
 * first poll to the last output of every role (balances, entries, receipts, the authorize view).
 */
final class ProductRun implements AutoCloseable {

    static final String SPEND_GUARD = "spend-guard";
    static final String ACCOUNT_VIEWS = "account-views";
    static final String BALANCES = "balances";
    static final String ENTRIES = "entries";
    static final String RECEIPTS = "receipts";
    static final String AUTHORIZE = "authorize view";
    static final String BALANCE_RECORDS = "SELECT COALESCE(sum(usage_records), 0) FROM account_balances";
    static final String ENTRY_RECORDS = "SELECT COALESCE(sum(usage_records), 0) FROM ledger_entries";

    record Topics(String usage, String deadLetters, String notifications, String positions, String transactionalId) {
        static Topics named(String suffix) {
            return new Topics("bench.usage." + suffix, "bench.dlq." + suffix, "bench.notifications." + suffix,
                    "bench.positions." + suffix, "bench-notifications-" + suffix);
        }

        List<String> all() {
            return List.of(usage, deadLetters, notifications, positions);
        }
    }

    /** Seconds from the first poll to each role's last output; a role missing from it did not finish. */
    record Outcome(long records, long unique, Map<String, Double> roles, List<String> failures, CpuProfile.Split cpu, String statements) {
        boolean complete() {
            return failures.isEmpty() && roles.size() == 4;
        }

        double seconds() {
            return roles.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        double perSecond() {
            return complete() ? records / seconds() : Double.NaN;
        }
    }

    final ConfigurableApplicationContext app;
    final JdbcTemplate jdbc;
    final Topics topics;
    final String bootstrap;
    final List<String> missingColumns = new ArrayList<>();

    private ProductRun(ConfigurableApplicationContext app, Topics topics, String bootstrap) {
        this.app = app;
        this.jdbc = app.getBean(JdbcTemplate.class);
        this.topics = topics;
        this.bootstrap = bootstrap;
        for (String[] c : new String[][] {{"account_balances", "usage_records"}, {"ledger_entries", "usage_records"}}) {
            Integer n = jdbc.queryForObject("SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
                    Integer.class, c[0], c[1]);
            if (n == 0) {
                missingColumns.add(c[0] + "." + c[1]);
            }
        }
    }

    static ProductRun start(TestDatabases.Database db, String bootstrap, Topics topics, int accounts) {
        Map<String, Object> props = new HashMap<>();
        props.put("spring.datasource.url", db.jdbcUrl());
        props.put("spring.datasource.username", db.user());
        props.put("spring.datasource.password", db.password());
        props.put("ledger.kafka.bootstrap-servers", bootstrap);
        props.put("ledger.kafka.usage-topic", topics.usage());
        props.put("ledger.kafka.dead-letter-topic", topics.deadLetters());
        props.put("ledger.kafka.notifications-topic", topics.notifications());
        props.put("ledger.kafka.notification-positions-topic", topics.positions());
        props.put("ledger.kafka.notifications-transactional-id", topics.transactionalId());
        props.put("ledger.ingest.consumer-group", "bench-ingest-" + topics.usage());
        // The ceiling and the floor poll as much as the product: one setting for the three.
        props.put("ledger.ingest.max-poll-records", Integer.getInteger("maxPollRecords", 5000));
        props.put("ledger.security.admin-token", BenchApp.ADMIN);
        props.put("ledger.webhooks.secret-key", Infrastructure.WEBHOOK_SECRET_KEY);
        props.put("ledger.audit.signing-key", Infrastructure.AUDIT_SIGNING_KEY);
        props.put("ledger.audit.checkpoint-file", "target/bench-audit-checkpoints.txt");
        props.put("server.port", "0");
        props.put("logging.structured.format.console", "");
        props.put("logging.level.root", "WARN");
        // Opened first, with the ingest off, so that no record meets an unknown account.
        Map<String, Object> setupProps = new HashMap<>(props);
        setupProps.put("ledger.roles.ingest", "false");
        try (ConfigurableApplicationContext context = SpringApplication.run(LedgerApplication.class, arguments(setupProps))) {
            long t = System.nanoTime();
            CommandGateway commands = context.getBean(CommandGateway.class);
            TransactionTemplate tx = context.getBean(TransactionTemplate.class);
            for (int from = 0; from < accounts; from += 1000) {
                int start = from;
                tx.executeWithoutResult(s -> {
                    for (int i = start; i < Math.min(start + 1000, accounts); i++) {
                        commands.sendAndWait(new OpenAccount(UsageWorkload.account(i), "Customer " + i, BillingMode.PREPAID, "USD"));
                        commands.sendAndWait(new TopUp(UsageWorkload.account(i), "opening", Money.of("1000", "USD")));
                    }
                });
            }
            // The views' own catching up with the set-up is not the ingest's to pay for.
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            awaitTrue(() -> jdbc.queryForObject("SELECT count(*) FROM ledger_entries", Long.class) >= accounts
                    && jdbc.queryForObject("SELECT count(*) FROM account_balances", Long.class) >= accounts, Duration.ofMinutes(5));
            System.out.printf("      opened and funded %,d accounts in %.1f s%n", accounts, (System.nanoTime() - t) / 1e9);
        }
        props.put("ledger.kafka.client.interceptor.classes", FirstPoll.class.getName());
        FirstPoll.watch(topics.usage());
        return new ProductRun(SpringApplication.run(LedgerApplication.class, arguments(props)), topics, bootstrap);
    }

    /** As command-line arguments: they outrank application.yml, whose defaults read the environment. */
    private static String[] arguments(Map<String, Object> properties) {
        return properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    /** Times the pre-loaded {@code records} ({@code unique} of them to charge) through every role. */
    Outcome measure(long records, long unique, CpuProfile cpu, Duration timeout, int pollMs) throws Exception {
        List<String> failures = new ArrayList<>();
        Map<String, Long> doneAt = new LinkedHashMap<>();
        boolean balancesMeasurable = !missingColumns.contains("account_balances.usage_records");
        boolean entriesMeasurable = !missingColumns.contains("ledger_entries.usage_records");
        if (!balancesMeasurable) {
            failures.add(BALANCES + ": column account_balances.usage_records does not exist in this build");
        }
        if (!entriesMeasurable) {
            failures.add(ENTRIES + ": column ledger_entries.usage_records does not exist in this build");
        }
        StreamingEventProcessor guard = processor(SPEND_GUARD);
        EventStore store = app.getBean(EventStore.class);
        MeterRegistry meters = app.getBean(MeterRegistry.class);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Receipts receipts = new Receipts(bootstrap, topics.notifications(), false, unique, null)) {
            if (!awaitFirstPoll(timeout)) {
                failures.add("the ingest polled nothing in " + timeout);
                return new Outcome(records, unique, Map.of(), failures, null, "");
            }
            long first = FirstPoll.at();
            PgStatements statements = new PgStatements(jdbc);
            statements.reset();
            cpu.start();
            long head = -1;
            List<long[]> guardSamples = new ArrayList<>();
            long lastEntriesCheck = 0;
            long lastBalancesCheck = 0;
            long balances = 0;
            long entries = 0;
            int checked = 0;
            int measurable = 2 + (balancesMeasurable ? 1 : 0) + (entriesMeasurable ? 1 : 0);
            while (System.nanoTime() < deadline) {
                long now = System.nanoTime();
                // Summing 10,000 balance rows every poll was 8% of the server's time in the run it measured: once a
                // second until the ingest has taken every record (the balances cannot be done before), then every poll.
                if (balancesMeasurable && !doneAt.containsKey(BALANCES)
                        && (ingested(meters) >= records || now - lastBalancesCheck > 1_000_000_000L)) {
                    lastBalancesCheck = now;
                    balances = jdbc.queryForObject(BALANCE_RECORDS, Long.class);
                    if (balances >= unique) {
                        doneAt.put(BALANCES, now);
                    }
                }
                if (!doneAt.containsKey(RECEIPTS) && receipts.reachedAt() != 0) {
                    doneAt.put(RECEIPTS, receipts.reachedAt());
                }
                // Summing a table of entries is not free: once a second while other roles still run, then at every poll.
                boolean othersDone = doneAt.keySet().stream().filter(k -> !k.equals(ENTRIES)).count() >= measurable - 1;
                if (entriesMeasurable && !doneAt.containsKey(ENTRIES) && (othersDone || now - lastEntriesCheck > 1_000_000_000L)) {
                    lastEntriesCheck = now;
                    entries = jdbc.queryForObject(ENTRY_RECORDS, Long.class);
                    if (entries >= unique) {
                        doneAt.put(ENTRIES, now);
                    }
                }
                if (!doneAt.containsKey(AUTHORIZE)) {
                    guardSamples.add(new long[] {now, position(guard)});
                    // Every charge is in the event store once the ingest has taken every record (or a view has
                    // shown them all): the store's head then is where the authorize view has to be.
                    if (head < 0 && (ingested(meters) >= records || doneAt.containsKey(BALANCES) || doneAt.containsKey(RECEIPTS))) {
                        head = store.createHeadToken().position().orElse(0);
                    }
                    for (; head >= 0 && checked < guardSamples.size() && !doneAt.containsKey(AUTHORIZE); checked++) {
                        if (guardSamples.get(checked)[1] >= head) {
                            doneAt.put(AUTHORIZE, guardSamples.get(checked)[0]);
                        }
                    }
                }
                if (doneAt.size() == measurable) {
                    break;
                }
                Thread.sleep(pollMs);
            }
            CpuProfile.Split split = cpu.stop(records);
            String statementReport = statements.report(records);
            if (balancesMeasurable && !doneAt.containsKey(BALANCES)) {
                failures.add(String.format("%s: %,d of %,d records after %s", BALANCES, balances, unique, timeout));
            }
            if (entriesMeasurable && !doneAt.containsKey(ENTRIES)) {
                failures.add(String.format("%s: %,d of %,d records after %s", ENTRIES, entries, unique, timeout));
            }
            if (!doneAt.containsKey(RECEIPTS)) {
                failures.add(String.format("%s: %,d of %,d readable after %s", RECEIPTS, receipts.count(), unique, timeout));
            }
            if (!doneAt.containsKey(AUTHORIZE)) {
                failures.add(String.format("%s: at %d, event store head %d, after %s", AUTHORIZE, position(guard), head, timeout));
            }
            if (!receipts.problems().isEmpty()) {
                failures.add(RECEIPTS + ": " + receipts.problems());
            }
            Map<String, Double> roles = new LinkedHashMap<>();
            doneAt.forEach((role, at) -> roles.put(role, (at - first) / 1e9));
            return new Outcome(records, unique, roles, failures, split, statementReport);
        }
    }

    private static boolean awaitFirstPoll(Duration timeout) throws InterruptedException {
        CountDownLatch waited = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                FirstPoll.await();
                waited.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-first-poll");
        t.setDaemon(true);
        t.start();
        boolean polled = waited.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        t.interrupt();
        return polled;
    }

    private static double ingested(MeterRegistry meters) {
        return meters.counter("ledger.ingest.records", "outcome", "charged").count()
                + meters.counter("ledger.ingest.records", "outcome", "duplicate").count()
                + meters.counter("ledger.ingest.records", "outcome", "dead-lettered").count();
    }

    StreamingEventProcessor processor(String name) {
        return app.getBean(EventProcessingConfiguration.class).eventProcessor(name, StreamingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("no streaming event processor named " + name));
    }

    /** Where the slowest segment of a processor is in the event stream (-1 before it has a position). */
    static long position(StreamingEventProcessor processor) {
        var status = processor.processingStatus();
        if (status.isEmpty()) {
            return -1;
        }
        return status.values().stream().map(EventTrackerStatus::getCurrentPosition)
                .mapToLong(p -> p.orElse(-1)).min().orElse(-1);
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static boolean awaitTrue(Condition condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!condition.holds()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(20);
            }
            return true;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
