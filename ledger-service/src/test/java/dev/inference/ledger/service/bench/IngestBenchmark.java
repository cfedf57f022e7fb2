package dev.inference.ledger.service.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.inference.ledger.ingest.KafkaConnection;
import dev.inference.ledger.ingest.TopicSetup;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.localinfra.InProcessKafka;
import dev.inference.ledger.localinfra.TestDatabases;
import dev.inference.ledger.service.LedgerApplication;
import dev.inference.ledger.service.account.AccountCommand.OpenAccount;
import dev.inference.ledger.service.account.AccountCommand.TopUp;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The ingest benchmark (README, "Benchmarks"). In one run, on this machine: the raw ceiling (a plain
 * consumer writing the same records to PostgreSQL with batched JDBC), the product end to end (first
 * record polled to last balance projected), and publish-to-balance latency at a steady rate.
 * Settings: -Drecords=1000000 -Daccounts=10000 -Dduplicates=0.05 -Drate=10000 -DsteadySeconds=20.
 */
public final class IngestBenchmark {

    private static final String TOPIC = "usage.events";
    private static final int PARTITIONS = 8;

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(IngestBenchmark::run);
    }

    private static void run() throws Exception {
        int records = Integer.getInteger("records", 1_000_000);
        int accounts = Integer.getInteger("accounts", 10_000);
        double duplicates = Double.parseDouble(System.getProperty("duplicates", "0.05"));
        int rate = Integer.getInteger("rate", 10_000);
        int steadySeconds = Integer.getInteger("steadySeconds", 20);
        Resources resources = new Resources();

        System.out.printf("ingest benchmark: %,d records, %,d accounts (Zipf), %.0f%% duplicates, %d cores%n",
                records, accounts, duplicates * 100, Runtime.getRuntime().availableProcessors());
        try (InProcessKafka kafka = InProcessKafka.start(0, Files.createTempDirectory("bench-kafka"))) {
            TopicSetup.ensure(KafkaConnection.plain(kafka.bootstrapServers()), List.of(TOPIC, "usage.events.dlq", "billing.notifications"), PARTITIONS);
            UsageWorkload workload = new UsageWorkload(accounts, 1.0);
            List<UsageWorkload.Record> bulk = workload.bulk(records, duplicates);
            long unique = bulk.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).distinct().count();
            long t = System.nanoTime();
            produce(kafka.bootstrapServers(), bulk);
            System.out.printf("pre-loaded %,d records (%,d unique) in %.1f s%n", records, unique, seconds(t));

            double ceiling = ceiling(kafka.bootstrapServers(), TestDatabases.fresh("bench_ceiling"), records);
            System.out.printf("1. ceiling: plain consumer -> PostgreSQL batched JDBC: %,.0f records/s%n", ceiling);

            resources.start();
            try (ConfigurableApplicationContext app = startLedger(TestDatabases.fresh("bench_ledger"), kafka.bootstrapServers(), accounts)) {
                JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
                MeterRegistry meters = app.getBean(MeterRegistry.class);
                long first = awaitFirstPoll(meters);
                CpuProfile cpu = new CpuProfile();
                cpu.start();
                awaitCharged(meters, records, Duration.ofMinutes(30));
                System.out.printf("   write path (decode, rate, dedupe, aggregate, events + offsets committed): %,.0f records/s in %.1f s%n",
                        records / seconds(first), seconds(first));
                awaitProjected(jdbc, unique, Duration.ofMinutes(30));
                double e2e = unique / seconds(first);
                System.out.printf("2. product end to end: %,.0f records/s (%,d unique charged + %,d duplicates skipped in %.1f s), %.2f x ceiling%n",
                        records / seconds(first), unique, records - unique, seconds(first), records / seconds(first) / ceiling);
                System.out.printf("   charged records/s alone: %,.0f%n", e2e);
                System.out.print("   where the CPU went, first record polled to last balance projected:\n" + cpu.report(seconds(first)));
                steady(kafka.bootstrapServers(), jdbc, workload, rate, steadySeconds);
            }
            resources.stop();
            System.out.printf("4. peak heap %,d MiB; process CPU avg %.0f%% / peak %.0f%% of the machine; machine CPU avg %.0f%%%n",
                    resources.peakHeap.get() >> 20, resources.avgProcess(), resources.peakProcess * 100, resources.avgMachine());
        }
    }

    private static void produce(String bootstrap, List<UsageWorkload.Record> records) {
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            for (UsageWorkload.Record r : records) {
                producer.send(new ProducerRecord<>(TOPIC, r.accountId(), r.value()));
            }
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(p);
    }

    /** The machine's raw ceiling: consume everything, append it to a table 500 rows a statement. */
    private static double ceiling(String bootstrap, TestDatabases.Database db, int records) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl() + "?reWriteBatchedInserts=true", db.user(), db.password())) {
            c.createStatement().execute("CREATE TABLE raw_usage (topic_partition INT, record_offset BIGINT, account_id TEXT, payload BYTEA)");
            c.setAutoCommit(false);
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "ceiling-" + UUID.randomUUID());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            long start = 0;
            int done = 0;
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
                 PreparedStatement insert = c.prepareStatement("INSERT INTO raw_usage VALUES (?, ?, ?, ?)")) {
                consumer.subscribe(List.of(TOPIC));
                while (done < records) {
                    var polled = consumer.poll(Duration.ofMillis(200));
                    if (polled.isEmpty()) {
                        continue;
                    }
                    if (start == 0) {
                        start = System.nanoTime();
                    }
                    int inBatch = 0;
                    for (ConsumerRecord<String, byte[]> r : polled) {
                        insert.setInt(1, r.partition());
                        insert.setLong(2, r.offset());
                        insert.setString(3, r.key());
                        insert.setBytes(4, r.value());
                        insert.addBatch();
                        if (++inBatch % 500 == 0) {
                            insert.executeBatch();
                        }
                    }
                    insert.executeBatch();
                    c.commit();
                    consumer.commitSync();
                    done += polled.count();
                }
            }
            return done / seconds(start);
        }
    }

    private static ConfigurableApplicationContext startLedger(TestDatabases.Database db, String bootstrap, int accounts) {
        Map<String, Object> props = new HashMap<>();
        props.put("spring.datasource.url", db.jdbcUrl());
        props.put("spring.datasource.username", db.user());
        props.put("spring.datasource.password", db.password());
        props.put("ledger.kafka.bootstrap-servers", bootstrap);
        props.put("ledger.security.admin-token", "lt_bench-admin-token-at-least-32-characters");
        props.put("server.port", "0");
        props.put("logging.structured.format.console", "");
        props.put("logging.level.root", "WARN");
        // Open the accounts first, with the ingest off, so that no record meets an unknown account.
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
            System.out.printf("opened and funded %,d accounts in %.1f s%n", accounts, seconds(t));
        }
        return SpringApplication.run(LedgerApplication.class, arguments(props));
    }

    /** As command-line arguments: they outrank application.yml, whose defaults read the environment. */
    private static String[] arguments(Map<String, Object> properties) {
        return properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    private static long awaitFirstPoll(MeterRegistry meters) throws InterruptedException {
        while (meters.counter("ledger.ingest.records", "outcome", "received").count() == 0) {
            Thread.sleep(5);
        }
        return System.nanoTime();
    }

    private static void awaitCharged(MeterRegistry meters, long records, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (meters.counter("ledger.ingest.records", "outcome", "charged").count()
                + meters.counter("ledger.ingest.records", "outcome", "duplicate").count() < records) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ingest did not take all " + records + " records in " + timeout);
            }
            Thread.sleep(5);
        }
    }

    /** Every account opens with sequence 0 and a top-up at 1, so each charge adds one to last_sequence. */
    private static void awaitProjected(JdbcTemplate jdbc, long charges, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long accounts = jdbc.queryForObject("SELECT count(*) FROM accounts", Long.class);
        while (true) {
            Long projected = jdbc.queryForObject("SELECT COALESCE(sum(last_sequence), 0) FROM account_balances", Long.class);
            if (projected - accounts >= charges) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + (projected - accounts) + " of " + charges + " charges projected");
            }
            Thread.sleep(20);
        }
    }

    /**
     * Publishes at a steady rate; one record in a hundred goes to one of 50 probe accounts (which get
     * nothing else), and a watcher sees each probe's balance move: publish -> balance visible.
     */
    private static void steady(String bootstrap, JdbcTemplate jdbc, UsageWorkload workload, int rate, int seconds) throws Exception {
        int probeAccounts = 50;
        String[] probes = new String[probeAccounts];
        Map<String, Long> base = new HashMap<>();
        Map<String, List<Long>> sent = new ConcurrentHashMap<>();
        for (int p = 0; p < probeAccounts; p++) {
            probes[p] = UsageWorkload.account(p);
            base.put(probes[p], jdbc.queryForObject("SELECT last_sequence FROM account_balances WHERE account_id = ?", Long.class, probes[p]));
            sent.put(probes[p], Collections.synchronizedList(new ArrayList<>()));
        }
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean publishing = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            Map<String, Integer> seen = new HashMap<>();
            while (publishing.get() || latencies.size() < sent.values().stream().mapToInt(List::size).sum()) {
                long now = System.nanoTime();
                jdbc.query("SELECT account_id, last_sequence FROM account_balances WHERE account_id = ANY (?)", rs -> {
                    String account = rs.getString(1);
                    long applied = rs.getLong(2) - base.get(account);
                    List<Long> times = sent.get(account);
                    int k = seen.getOrDefault(account, 0);
                    while (k < applied && k < times.size()) {
                        latencies.add(now - times.get(k++));
                    }
                    seen.put(account, k);
                }, (Object) probes);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watcher.start();
        long total = (long) rate * seconds;
        long perTick = rate / 100;
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            for (long n = 0; n < total; n++) {
                if (n % perTick == 0) {
                    long due = start + n * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                String account;
                boolean probe = n % 100 == 0;
                if (probe) {
                    account = probes[(int) (n / 100 % probeAccounts)];
                } else {
                    do {
                        account = workload.zipfAccount();
                    } while (Integer.parseInt(account.substring(5)) < probeAccounts);
                }
                UsageWorkload.Record r = workload.record("steady-", n, account);
                if (probe) {
                    sent.get(account).add(System.nanoTime());
                }
                producer.send(new ProducerRecord<>(TOPIC, r.accountId(), r.value()));
                if (probe) {
                    producer.flush();
                }
            }
        }
        double achieved = total / seconds(start);
        publishing.set(false);
        watcher.join(60_000);
        watcher.interrupt();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("3. latency at a steady %,.0f records/s for %d s (%,d probes): publish -> balance visible p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                achieved, seconds, sorted.size(), percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 1.0));
    }

    private static double percentile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
        return sorted.get(Math.max(0, index)) / 1e6;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Samples heap and CPU while the product runs. */
    private static final class Resources {
        final AtomicLong peakHeap = new AtomicLong();
        volatile double peakProcess;
        double sumProcess;
        double sumMachine;
        int samples;
        private ScheduledExecutorService sampler;

        void start() {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            var memory = ManagementFactory.getMemoryMXBean();
            sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> {
                peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                double process = os.getProcessCpuLoad();
                double machine = os.getCpuLoad();
                synchronized (this) {
                    if (process >= 0) {
                        peakProcess = Math.max(peakProcess, process);
                        sumProcess += process;
                        sumMachine += machine;
                        samples++;
                    }
                }
            }, 0, 250, TimeUnit.MILLISECONDS);
        }

        void stop() {
            sampler.shutdownNow();
        }

        synchronized double avgProcess() {
            return samples == 0 ? 0 : sumProcess / samples * 100;
        }

        synchronized double avgMachine() {
            return samples == 0 ? 0 : sumMachine / samples * 100;
        }
    }
}
