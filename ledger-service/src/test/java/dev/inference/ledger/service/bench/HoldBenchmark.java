package dev.inference.ledger.service.bench;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.HashSet;
import java.util.Set;
import java.lang.management.ManagementFactory;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.localinfra.InProcessKafka;
import dev.inference.ledger.testsupport.TestDatabases;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.accounts.AccountCommand.SetBudget;
import dev.inference.ledger.accounts.AccountCommand.TopUp;
import dev.inference.ledger.accounts.AccountState;
import dev.inference.ledger.service.account.AccountStates;
import dev.inference.ledger.accounts.UsageTiers;
import dev.inference.ledger.service.hold.HoldRules;
import dev.inference.ledger.service.hold.HoldRules.OpenHold;

/**
 * Holds (docs/benchmarks.md): the decision in memory, and holds over HTTP at a steady rate against the
 * running application with its ingest on, each hold settled by a usage record published to Kafka as a
 * gateway would (so the ingest charges, and the desk settles, as many records as holds are placed). Beside
 * them, this machine's ceiling for the same durability: one single-row insert committed per request, at
 * the same rate, from as many clients, and where the CPU went per hold. Settings: -DholdAccounts=2000 -DholdRate=2000
 * -DholdSeconds=30 -DholdClients=32 (names of their own: the ingest benchmark's knobs are passed to every benchmark).
 */
public final class HoldBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "usage.events";

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(HoldBenchmark::run);
    }

    private static void run() throws Exception {
        int accounts = Integer.getInteger("holdAccounts", 2_000);
        int rate = Integer.getInteger("holdRate", 2_000);
        int seconds = Integer.getInteger("holdSeconds", 30);
        int clients = Integer.getInteger("holdClients", 32);
        Set<Long> before = threadIds();
        try (InProcessKafka kafka = InProcessKafka.start(0, Files.createTempDirectory("bench-kafka"))) {
            Thread.sleep(1000);
            Set<Long> brokerThreads = threadIds();
            brokerThreads.removeAll(before);
            TestDatabases.Database db = TestDatabases.fresh("bench_holds");
            try (ConfigurableApplicationContext app = BenchApp.start(db, kafka, "--ledger.roles.ingest=true")) {
                prepare(app, accounts);
                inMemory(app, accounts);
                Ceiling ceiling = ceiling(db, rate, seconds, clients);
                System.out.printf("2. ceiling (one single-row insert committed per request, %d clients, %,d/s for %d s): p50 %.2f ms, p99 %.2f ms,"
                        + " max %.1f ms, %,.0f commits/s%n", clients, rate, seconds, ceiling.p50, ceiling.p99, ceiling.max, ceiling.perSecond);
                overHttp(app, kafka.bootstrapServers(), accounts, rate, seconds, clients, ceiling, new CpuProfile(brokerThreads));
            }
        }
    }

    private static void prepare(ConfigurableApplicationContext app, int accounts) throws Exception {
        CommandGateway commands = app.getBean(CommandGateway.class);
        TransactionTemplate tx = app.getBean(TransactionTemplate.class);
        long t = System.nanoTime();
        for (int from = 0; from < accounts; from += 1000) {
            int start = from;
            tx.executeWithoutResult(s -> {
                for (int i = start; i < Math.min(start + 1000, accounts); i++) {
                    commands.sendAndWait(new OpenAccount(account(i), "Customer " + i, BillingMode.PREPAID, "USD"));
                    commands.sendAndWait(new TopUp(account(i), "opening", Money.of("5000", "USD")));
                    // Caps on the path, as gateways' customers set them: the decision reads every one.
                    commands.sendAndWait(new SetBudget(account(i), "apiKey", "key-1", "month", Money.of("4000", "USD"), List.of()));
                    commands.sendAndWait(new SetBudget(account(i), "project", "proj-a", "month", Money.of("4500", "USD"), List.of()));
                }
            });
        }
        System.out.printf("hold benchmark: %,d accounts opened, each with two hard caps, in %.1f s%n", accounts, (System.nanoTime() - t) / 1e9);
    }

    /** The rule alone: an account with two caps and ten open holds on its path. */
    private static void inMemory(ConfigurableApplicationContext app, int accounts) {
        AccountState account = app.getBean(AccountStates.class).catchUp(account(0), Long.MAX_VALUE).orElseThrow().state();
        UsageTiers tiers = app.getBean(UsageTiers.class);
        Attribution path = new Attribution("key-1", "proj-a", null, null);
        Instant now = Instant.now();
        List<OpenHold> open = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            open.add(new OpenHold("h-" + i, path, Money.of("1", "USD"), Money.of("0", "USD"), now.plusSeconds(600)));
        }
        HoldRules.Request request = new HoldRules.Request("h-new", path, new BigDecimal("0.25"), null, HoldRules.DEFAULT_TTL);
        int calls = 1_000_000;
        long granted = 0;
        double ns = 0;
        for (int round = 0; round < 3; round++) {
            long t = System.nanoTime();
            for (int n = 0; n < calls; n++) {
                if (HoldRules.place(account, open, request, tiers, now) instanceof HoldRules.Granted) {
                    granted++;
                }
            }
            ns = (System.nanoTime() - t) / (double) calls;
        }
        System.out.printf("1. in memory: %.2f µs per decision (two caps, ten open holds; %,.0f decisions/s on one thread; %,d granted)%n",
                ns / 1000, 1e9 / ns, granted);
    }

    private record Ceiling(double p50, double p99, double max, double perSecond) {
    }

    /** The same durability at the same rate with nothing else: a row per request, its own commit, as many clients. */
    private static Ceiling ceiling(TestDatabases.Database db, int rate, int seconds, int clients) throws Exception {
        try (Connection setup = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = setup.createStatement()) {
            s.execute("CREATE TABLE bench_ceiling (id BIGINT PRIMARY KEY, account_id TEXT, amount NUMERIC(38, 12), at TIMESTAMPTZ)");
        }
        ThreadLocal<PreparedStatement> statements = ThreadLocal.withInitial(() -> {
            try {
                Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                c.setAutoCommit(true);
                return c.prepareStatement("INSERT INTO bench_ceiling VALUES (?, ?, 1, now())");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        AtomicLong ids = new AtomicLong();
        Paced.Result result = Paced.run(rate, seconds, clients, n -> {
            PreparedStatement insert = statements.get();
            insert.setLong(1, ids.incrementAndGet());
            insert.setString(2, account((int) (n % 2000)));
            insert.executeUpdate();
            return true;
        });
        return new Ceiling(result.p50(), result.p99(), result.max(), result.perSecond());
    }

    /** Holds at a steady rate, each settled by a usage record on Kafka; a warm-up first, then the measured run. */
    private static void overHttp(ConfigurableApplicationContext app, String bootstrap, int accounts, int rate, int seconds, int clients,
                                 Ceiling ceiling, CpuProfile cpu) throws Exception {
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        AtomicLong settled = new AtomicLong();
        UsageWorkload.awaitLeaders(bootstrap, TOPIC);
        try (KafkaProducer<String, byte[]> producer = UsageWorkload.producer(bootstrap, "bench-holds")) {
            Paced.Task hold = n -> {
                String account = account(new Random(n).nextInt(accounts));
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/holds"))
                        .header("Authorization", "Bearer " + BenchApp.ADMIN).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"accountId\":\"" + account + "\",\"apiKeyId\":\"key-1\",\"projectId\":\"proj-a\","
                                + "\"amount\":\"0.25\"}")).build();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                statuses.computeIfAbsent(response.statusCode(), k -> new AtomicLong()).incrementAndGet();
                if (response.statusCode() == 201) {
                    String holdId = JSON.readTree(response.body()).get("holdId").asText();
                    // The request ran: its usage (one image, 0.0005) settles the hold of 0.25.
                    producer.send(new ProducerRecord<>(TOPIC, account, ("{\"eventId\":\"use-" + holdId + "\",\"kind\":\"units\",\"accountId\":\""
                            + account + "\",\"occurredAt\":\"" + Instant.now() + "\",\"model\":\"black-forest-labs/FLUX-1-schnell\",\"unit\":\"image\","
                            + "\"quantity\":\"1\",\"apiKeyId\":\"key-1\",\"projectId\":\"proj-a\",\"holdId\":\"" + holdId + "\"}")
                            .getBytes(StandardCharsets.UTF_8)));
                    settled.incrementAndGet();
                }
                return response.statusCode() == 201;
            };
            Paced.run(rate, seconds, clients, hold); // warm-up as long as the run: the JIT, the caches, the pools
            statuses.clear();
            JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
            cpu.start();
            Paced.Result result = Paced.run(rate, seconds, clients, hold);
            CpuProfile.Split split = cpu.stop((long) rate * seconds);
            long t = System.nanoTime();
            while (jdbc.queryForObject("SELECT count(*) FROM holds WHERE state = 'open'", Long.class) > 0
                    && System.nanoTime() - t < 120_000_000_000L) {
                Thread.sleep(100);
            }
            double drained = (System.nanoTime() - t) / 1e9;
            System.out.printf("3. over HTTP (%d clients, loopback, ingest on, each hold settled by a usage record on Kafka), %,d/s for %d s:"
                            + " p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.1f ms, %,.0f holds/s; answers %s%n",
                    clients, rate, seconds, result.p50(), result.p99(), result.p999(), result.max(), result.perSecond(), statuses);
            System.out.printf("   p99 / ceiling's p99: %.1f ×; every hold settled %.1f s after the last was placed (%s open left)%n",
                    result.p99() / ceiling.p99(), drained, jdbc.queryForObject("SELECT count(*) FROM holds WHERE state = 'open'", Long.class));
            System.out.print(split.report().replace("per record", "per hold").replace("µs/record", "µs/hold"));
            System.out.printf("   target p99 < 5 ms at 2,000 holds/s: %s%n", result.p99() < 5 && result.perSecond() >= rate * 0.98 ? "PASS" : "MISS");
        }
    }

    private static String account(int i) {
        return "acct-" + i;
    }

    private static Set<Long> threadIds() {
        Set<Long> ids = new HashSet<>();
        for (long id : ManagementFactory.getThreadMXBean().getAllThreadIds()) {
            ids.add(id);
        }
        return ids;
    }

    /** Requests sent at a steady rate from a pool of clients, each timed from when it was due (no coordinated omission). */
    static final class Paced {

        interface Task {
            boolean run(long n) throws Exception;
        }

        record Result(double p50, double p99, double p999, double max, double perSecond) {
        }

        static Result run(int rate, int seconds, int clients, Task task) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long total = (long) rate * seconds;
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            List<Future<Long>> latencies = new ArrayList<>((int) total);
            for (long n = 0; n < total; n++) {
                long due = start + n * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                long id = n;
                latencies.add(pool.submit(() -> {
                    task.run(id);
                    return System.nanoTime() - due;
                }));
            }
            List<Long> sorted = new ArrayList<>(latencies.size());
            for (Future<Long> latency : latencies) {
                sorted.add(latency.get());
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            Collections.sort(sorted);
            return new Result(ms(sorted, 0.50), ms(sorted, 0.99), ms(sorted, 0.999), sorted.get(sorted.size() - 1) / 1e6, total / elapsed);
        }

        private static double ms(List<Long> sorted, double q) {
            return sorted.get((int) Math.min(sorted.size() - 1, sorted.size() * q)) / 1e6;
        }
    }
}
