package dev.inference.ledger.service.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import dev.inference.ledger.ingest.KafkaConnection;
import dev.inference.ledger.ingest.TopicSetup;
import dev.inference.ledger.localinfra.InProcessKafka;
import dev.inference.ledger.testsupport.TestDatabases;

/**
 * The ingest benchmark (docs/benchmarks.md; issue 11, "The benchmark must be honest"). For each
 * workload (Zipf over 10,000 accounts; 100 hot accounts), interleaved, each run on its own topic and
 * database: the ceiling (a plain consumer with the product's durability), the exactly-once floor (the
 * ceiling plus a primary-key dedupe insert) and the product, every clock from the first poll to the
 * last output of every role; medians of -Druns with their spread and the ratios. Then, on the last
 * Zipf product run: latency at a steady rate, and the account views replayed from the event store.
 * Also: the PostgreSQL settings, the machine's CPU per record by role, the product's heap. Every knob
 * is a -D property (Settings); the pom passes them through.
 */
public final class IngestBenchmark {

    private static final int PARTITIONS = 8;
    private static final double GiB = 1024.0 * 1024 * 1024;

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(IngestBenchmark::run);
    }

    private record WorkloadResult(String key, UsageWorkload workload, Stats ceiling, Stats floor, Stats product,
                                  List<Double> ceilings, List<Double> floors, List<ProductRun.Outcome> products) {
    }

    private static void run() throws Exception {
        Settings s = Settings.fromSystemProperties();
        HeapWatch heap = new HeapWatch();
        Summary summary = new Summary();
        System.out.printf("ingest benchmark: %,d records a run (%.0f%% exact duplicates), %d runs, max.poll.records %,d, %d cores, -Xmx %,d MiB%n",
                s.records(), s.duplicates() * 100, s.runs(), s.maxPollRecords(), Runtime.getRuntime().availableProcessors(),
                HeapWatch.maxHeap() >> 20);
        System.out.println("JVM arguments: " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        Map<String, String> pg = postgresSettings();
        System.out.println("PostgreSQL: " + pg);
        summary.figure("PostgreSQL settings", pg.toString().replaceAll("[{}]", ""));

        Path kafkaDir = Files.createTempDirectory("bench-kafka");
        Set<Long> before = threadIds();
        try (InProcessKafka kafka = InProcessKafka.start(0, kafkaDir)) {
            Thread.sleep(1000);
            Set<Long> brokerThreads = threadIds();
            brokerThreads.removeAll(before);
            String bootstrap = kafka.bootstrapServers();
            List<WorkloadResult> results = new ArrayList<>();
            String latencyWorkload = s.workloads().contains("zipf") ? "zipf" : s.workloads().get(0).trim();
            Latency.Result latency = null;
            Replay.Result replay = null;
            for (String key : s.workloads()) {
                key = key.trim();
                UsageWorkload workload = s.workload(key);
                System.out.printf("%nworkload %s: %,d records a run%n", workload.name(), s.records());
                List<Double> ceilings = new ArrayList<>();
                List<Double> floors = new ArrayList<>();
                List<ProductRun.Outcome> products = new ArrayList<>();
                for (int run = 1; run <= s.runs(); run++) {
                    ceilings.add(rawRun(bootstrap, workload, s, key + "-ceiling-" + run, false));
                    System.out.printf("   run %d ceiling: %,.0f records/s%n", run, ceilings.get(run - 1));
                    floors.add(rawRun(bootstrap, workload, s, key + "-floor-" + run, true));
                    System.out.printf("   run %d exactly-once floor: %,.0f records/s%n", run, floors.get(run - 1));

                    String suffix = key + "-" + run + "-" + Long.toString(System.nanoTime(), 36);
                    ProductRun.Topics topics = ProductRun.Topics.named(suffix);
                    TestDatabases.Database db = TestDatabases.fresh("bench_ledger_" + key);
                    TopicSetup.ensure(KafkaConnection.plain(bootstrap), List.of(topics.usage()), PARTITIONS);
                    long unique = workload.publish(bootstrap, topics.usage(), s.records());
                    heap.watching(true);
                    try (ProductRun product = ProductRun.start(db, bootstrap, topics, workload.accounts())) {
                        ProductRun.Outcome outcome = product.measure(s.records(), unique, new CpuProfile(brokerThreads), s.roleTimeout(), s.pollMs());
                        products.add(outcome);
                        System.out.printf("   run %d product: %s; roles (s after the first poll): %s%s%n", run,
                                outcome.complete() ? String.format("%,.0f records/s (%,d records, %,d charged, %,d duplicates, in %.1f s)",
                                        outcome.perSecond(), s.records(), unique, s.records() - unique, outcome.seconds()) : "INCOMPLETE",
                                rounded(outcome.roles()), outcome.failures().isEmpty() ? "" : "\n      failed: " + String.join("\n      failed: ", outcome.failures()));
                        System.out.print(outcome.statements());
                        if (key.equals(latencyWorkload) && run == s.runs()) {
                            long charged = unique;
                            if (s.latency()) {
                                latency = Latency.run(product, workload, s.rate(), s.steadySeconds(), s.probeAccounts(), s.roleTimeout());
                                charged += latency.records();
                                System.out.printf("   latency at a steady %,.0f records/s for %d s (%s): publish -> balance visible %s; publish -> usage.charged readable (read_committed) %s%n",
                                        latency.achievedRate(), latency.seconds(), workload.name(), latency.toBalance().describe(), latency.receipt().describe());
                            }
                            if (s.replay()) {
                                replay = Replay.run(product, charged, s.roleTimeout(), s.pollMs());
                                System.out.printf("   replay of account-views from the event store: %s%n", replay.failure() == null
                                        ? String.format("%,.0f records/s (%,d usage records in %.1f s)", replay.perSecond(), replay.records(), replay.seconds())
                                        : "not measured: " + replay.failure());
                            }
                        }
                    } finally {
                        heap.watching(false);
                        drop(db);
                        deleteTopics(bootstrap, topics.all());
                    }
                }
                WorkloadResult r = new WorkloadResult(key, workload, Stats.of(ceilings), Stats.of(floors),
                        Stats.of(products.stream().map(ProductRun.Outcome::perSecond).toList()), ceilings, floors, products);
                results.add(r);
                report(r, summary);
            }
            reportLatency(latency, summary);
            reportReplay(replay, summary);
            reportHeap(heap, results, summary, s.accounts());
            System.out.println();
            System.out.println("summary (medians of " + s.runs() + " runs; spread in parentheses):");
            System.out.print(summary.table());
        } finally {
            deleteRecursively(kafkaDir);
        }
    }

    /** One ceiling or floor run on its own topic and database. */
    private static double rawRun(String bootstrap, UsageWorkload workload, Settings s, String name, boolean dedupe) throws Exception {
        String topic = "bench.raw." + name + "-" + Long.toString(System.nanoTime(), 36);
        TopicSetup.ensure(KafkaConnection.plain(bootstrap), List.of(topic), PARTITIONS);
        workload.publish(bootstrap, topic, s.records());
        TestDatabases.Database db = TestDatabases.fresh("bench_" + (dedupe ? "floor" : "ceiling"));
        try {
            return Ceiling.run(bootstrap, topic, db, s.records(), s.maxPollRecords(), dedupe, s.roleTimeout()).perSecond();
        } catch (IllegalStateException e) {
            System.out.println("   " + name + " failed: " + e.getMessage());
            return Double.NaN;
        } finally {
            drop(db);
            deleteTopics(bootstrap, List.of(topic));
        }
    }

    private static void report(WorkloadResult r, Summary summary) {
        String w = r.key().equals("zipf") ? "Zipf" : "hot";
        System.out.printf("%n   %s, median of %d runs (min–max):%n", r.workload().name(), r.products().size());
        System.out.printf("      ceiling (raw rows + offsets upsert, one transaction a poll): %s%n", r.ceiling().describe());
        System.out.printf("      exactly-once floor (ceiling + (account, eventId) primary-key insert): %s%n", r.floor().describe());
        System.out.printf("      product (first poll -> last output of balances, entries, receipts, authorize view): %s%n", r.product().describe());
        summary.figure(w + ": ceiling", r.ceiling().describe());
        summary.figure(w + ": exactly-once floor", r.floor().describe());
        summary.target(w + ": product end to end", r.product().describe(), "≥ 50,000 records/s",
                r.product().measured() ? r.product().median() >= 50_000 : null);
        ratio(summary, w + ": product / ceiling", r.product(), r.ceiling(), ratios(r.products(), r.ceilings()), 0.5);
        ratio(summary, w + ": product / floor", r.product(), r.floor(), ratios(r.products(), r.floors()), 0.8);
        r.products().stream().filter(ProductRun.Outcome::complete)
                .sorted(Comparator.comparingDouble(ProductRun.Outcome::perSecond))
                .skip((r.products().stream().filter(ProductRun.Outcome::complete).count() - 1) / 2).findFirst()
                .or(() -> r.products().stream().filter(o -> o.cpu() != null).findFirst())
                .ifPresent(median -> {
                    System.out.printf("      CPU of the %s product run:%n%s", median.complete() ? "median" : "first (incomplete)", median.cpu().report());
                    summary.figure(w + ": machine CPU per record (product run)", String.format(
                            "%.1f µs: product threads %.1f, GC %.1f, other JVM %.1f, broker %.1f, PostgreSQL %.1f, benchmark %.1f, other processes %.1f",
                            median.cpu().perRecord(median.cpu().machine()), median.cpu().perRecord(median.cpu().productJava()),
                            median.cpu().perRecord(median.cpu().gc()), median.cpu().perRecord(median.cpu().otherVm()),
                            median.cpu().perRecord(median.cpu().broker()), median.cpu().perRecord(median.cpu().postgres()),
                            median.cpu().perRecord(median.cpu().harness()), median.cpu().perRecord(median.cpu().otherProcesses())));
                });
    }

    private static List<Double> ratios(List<ProductRun.Outcome> products, List<Double> raw) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < products.size(); i++) {
            out.add(products.get(i).perSecond() / raw.get(i));
        }
        return out;
    }

    private static void ratio(Summary summary, String figure, Stats product, Stats raw, List<Double> perRun, double target) {
        if (!product.measured() || !raw.measured()) {
            System.out.printf("      %s: n/a%n", figure);
            summary.target(figure, "n/a", String.format("≥ %.1f", target), null);
            return;
        }
        Stats runs = Stats.of(perRun);
        String value = String.format("%.2f (run by run %.2f–%.2f)", product.median() / raw.median(), runs.min(), runs.max());
        boolean met = product.median() / raw.median() >= target;
        System.out.printf("      %s: %s, target ≥ %.1f: %s%n", figure, value, target, met ? "PASS" : "MISS");
        summary.target(figure, value, String.format("≥ %.1f", target), met);
    }

    private static void reportLatency(Latency.Result latency, Summary summary) {
        if (latency == null) {
            summary.target("latency", "not run", "p99 < 1 s", null);
            return;
        }
        String at = String.format(" at %,.0f records/s, %d s", latency.achievedRate(), latency.seconds());
        for (var e : Map.of("publish -> balance visible", latency.toBalance(), "publish -> usage.charged readable", latency.receipt()).entrySet()) {
            Latency.Percentiles p = e.getValue();
            summary.target(e.getKey() + at, p.describe(), "p99 < 1 s", p.unavailable() != null ? null : p.meets(1000));
        }
    }

    private static void reportReplay(Replay.Result replay, Summary summary) {
        if (replay == null) {
            summary.target("replay of account-views", "not run", "≥ 100,000 records/s", null);
            return;
        }
        summary.target("replay of account-views", replay.failure() == null
                        ? String.format("%,.0f records/s (%,d records, %.1f s)", replay.perSecond(), replay.records(), replay.seconds())
                        : "not measured: " + replay.failure(), "≥ 100,000 records/s",
                replay.failure() == null ? replay.perSecond() >= 100_000 : null);
    }

    private static void reportHeap(HeapWatch heap, List<WorkloadResult> results, Summary summary, int accounts) {
        boolean allFinished = results.stream().flatMap(r -> r.products().stream()).allMatch(o -> !o.roles().isEmpty());
        long max = HeapWatch.maxHeap();
        String value = String.format("-Xmx %.2f GiB (broker, benchmark and product in one JVM); peak used after GC while the product ran %.2f GiB (%,d collections)",
                max / GiB, heap.peakAfterGc() / GiB, heap.collections());
        Boolean met;
        String basis;
        if (max <= GiB) {
            met = allFinished;
            basis = allFinished ? "every product run finished within -Xmx" : "a product run produced nothing: see above (OutOfMemoryError?)";
        } else {
            met = heap.peakAfterGc() <= GiB;
            basis = "-Xmx above 1 GiB: judged by the after-GC peak only";
        }
        System.out.printf("%nheap: %s; %s%n", value, basis);
        summary.target(String.format("peak heap (%,d accounts)", accounts), value + "; " + basis, "≤ 1 GiB", met);
    }

    private static String rounded(Map<String, Double> roles) {
        Map<String, String> out = new LinkedHashMap<>();
        roles.forEach((k, v) -> out.put(k, String.format("%.1f", v)));
        return out.toString();
    }

    private static Map<String, String> postgresSettings() throws Exception {
        TestDatabases.Database db = TestDatabases.fresh("bench_settings");
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String name : List.of("server_version", "fsync", "synchronous_commit", "full_page_writes", "shared_buffers",
                    "max_wal_size", "wal_compression", "checkpoint_timeout", "wal_buffers")) {
                try (ResultSet rs = st.executeQuery("SHOW " + name)) {
                    rs.next();
                    out.put(name, rs.getString(1));
                }
            }
        } finally {
            drop(db);
        }
        return out;
    }

    /** Benchmark databases are large; the server is shared, so each goes when its run is done. */
    private static void drop(TestDatabases.Database db) {
        String url = db.jdbcUrl();
        String name = url.substring(url.lastIndexOf('/') + 1);
        try (Connection c = DriverManager.getConnection(url.substring(0, url.lastIndexOf('/') + 1) + "postgres", db.user(), db.password());
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (Exception e) {
            System.out.println("      (could not drop " + name + ": " + e.getMessage() + ")");
        }
    }

    private static void deleteTopics(String bootstrap, List<String> topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, AdminClientConfig.CLIENT_ID_CONFIG, "bench-admin"))) {
            admin.deleteTopics(topics).topicNameValues().values().forEach(f -> {
                try {
                    f.get();
                } catch (Exception e) {
                    // a topic the run never created
                }
            });
        }
    }

    private static Set<Long> threadIds() {
        Set<Long> ids = new HashSet<>();
        for (long id : ManagementFactory.getThreadMXBean().getAllThreadIds()) {
            ids.add(id);
        }
        return ids;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
