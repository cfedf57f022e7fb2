package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.inference.ledger.testsupport.TestDatabases;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.KafkaProcess;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceProcess;
import dev.inference.ledger.service.support.Topics;
import dev.inference.ledger.service.support.UsageStream;

/**
 * The chaos run (one command: {@code ./mvnw -B -Pchaos -pl ledger-service -am verify}; docs/how-to/test.md, "Chaos run").
 * A million usage records, a tenth of them exact duplicates, into two instances of the service sharing one
 * database and one Kafka broker (a process of its own), while: each instance is SIGKILLed at twenty random
 * points and started again, the broker is killed and restarted, PostgreSQL is restarted twice (fast
 * shutdown: every connection cut), and HTTP top-ups and budget changes arrive at both instances all along.
 * In the end every record is charged exactly once, every prepaid balance is its opening plus its top-ups and
 * recharges less its usage to the last decimal, every postpaid account's unbilled amount plus its invoices is
 * its usage, every payment taken is credited once, every receipt is told once, and the auditor's replay
 * verifies. Sizes: -Dchaos.records (1,000,000), -Dchaos.kills (20 per instance), -Dchaos.seconds (the stream's length,
 * 60 s a kill: a restart of an instance takes about 40 s on 2 cores).
 */
class ChaosRun {

    private static final Logger log = LoggerFactory.getLogger(ChaosRun.class);
    private static final String ADMIN = "lt_chaos-run-admin-token-of-32-characters-or-more";
    private static final BigDecimal OPENING = new BigDecimal("1000.00");
    /** Accounts that auto-recharge start low: their usage dips below the threshold again and again, up to the daily limit. */
    private static final BigDecimal RECHARGING_OPENING = new BigDecimal("10.00");
    private static final Duration START = Duration.ofMinutes(4);
    private static final Path LOGS = Path.of("target", "chaos-run");

    private final Random random = new Random();

    @Test
    void a_million_records_through_kills_broker_and_database_restarts_are_each_charged_once_and_every_cent_adds_up() throws Exception {
        int records = Integer.getInteger("chaos.records", 1_000_000);
        int kills = Integer.getInteger("chaos.kills", 20);
        int unique = records * 9 / 10;
        List<String> prepaid = IntStream.range(0, 90).mapToObj(i -> "acct-pre-" + i).toList();
        List<String> postpaid = IntStream.range(0, 10).mapToObj(i -> "acct-post-" + i).toList();
        List<String> accounts = new ArrayList<>(prepaid);
        accounts.addAll(postpaid);
        UsageStream usage = new UsageStream(random.nextLong()).unique("chaos-", unique, accounts);
        List<UsageStream.Usage> stream = usage.withDuplicates(records - unique);

        TestDatabases.Database database = TestDatabases.fresh("chaos");
        try (KafkaProcess kafka = new KafkaProcess(Files.createTempDirectory("chaos-kafka")).start();
             ServiceProcess first = instance(database, kafka, 0);
             ServiceProcess second = instance(database, kafka, 1)) {
            List<ServiceProcess> instances = List.of(first, second);
            first.start().awaitServing(START);
            second.start().awaitServing(START);
            HttpApi api = new HttpApi(first.port());
            Ledger ledger = new Ledger(database, api, ADMIN);
            List<String> recharging = prepaid.subList(0, 30);
            ledger.openPrepaid(recharging, RECHARGING_OPENING);
            ledger.openPrepaid(prepaid.subList(30, prepaid.size()), OPENING);
            for (String account : recharging) {
                assertThat(api.put("/api/v1/accounts/" + account + "/auto-recharge", ADMIN,
                        "{\"threshold\":\"5.00\",\"amount\":\"10.00\",\"enabled\":true}").status()).isEqualTo(200);
            }
            for (String account : postpaid) {
                assertThat(api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"" + account + "\",\"name\":\"" + account
                        + "\",\"billingMode\":\"postpaid\",\"currency\":\"USD\"}").status()).isEqualTo(201);
                assertThat(api.put("/api/v1/accounts/" + account + "/payment-method", ADMIN,
                        "{\"paymentMethodId\":\"pm_card_visa\",\"description\":\"visa 4242\"}").status()).isEqualTo(200);
            }
            for (String account : accounts) {
                Await.until(account + " may spend", Duration.ofMinutes(1),
                        () -> api.get("/api/v1/authorize?accountId=" + account, ADMIN).body().path("allowed").asBoolean());
            }

            // Paced so that the stream outlasts the faults: each instance's kills land while records are in flight.
            int seconds = Integer.getInteger("chaos.seconds", kills * 60);
            AtomicBoolean publishing = new AtomicBoolean(true);
            Thread publisher = new Thread(() -> {
                UsageStream.publish(kafka.bootstrapServers(), stream, Math.max(1, records / seconds));
                publishing.set(false);
            }, "publisher");
            Map<String, BigDecimal> toppedUp = new ConcurrentHashMap<>();
            AtomicInteger budgets = new AtomicInteger();
            AtomicInteger topUps = new AtomicInteger();
            Thread operators = new Thread(() -> operate(instances, prepaid, accounts, publishing, toppedUp, topUps, budgets), "operators");
            BooleanSupplier inFlight = safely(() -> publishing.get() || ledger.charged() < unique);
            List<Integer> midStreamKills = Collections.synchronizedList(new ArrayList<>());
            List<Thread> chaos = new ArrayList<>();
            for (ServiceProcess service : instances) {
                chaos.add(new Thread(() -> {
                    int landed = 0;
                    while (landed < kills && inFlight.getAsBoolean()) {
                        sleep(3_000 + random.nextInt(15_000));
                        if (inFlight.getAsBoolean()) {
                            restart(service, "SIGKILL", service::kill);
                            landed++;
                        }
                    }
                    midStreamKills.add(landed);
                }, "kills-" + service.port()));
            }
            List<String> infrastructureFaults = Collections.synchronizedList(new ArrayList<>());
            chaos.add(new Thread(() -> {
                for (double share : new double[] {0.25, 0.5, 0.75}) {
                    sleep((long) (seconds * 1000 * 0.25));
                    if (share == 0.5) {
                        log.info("chaos: SIGKILL to the Kafka broker, started again");
                        kafka.kill();
                        kafka.start();
                        infrastructureFaults.add("kafka killed and restarted");
                    } else {
                        restartPostgres();
                        infrastructureFaults.add("postgres restarted");
                    }
                }
            }, "infrastructure"));
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            chaos.forEach(thread -> thread.setUncaughtExceptionHandler((t, e) -> failures.add(e)));
            operators.setUncaughtExceptionHandler((t, e) -> failures.add(e));
            long began = System.nanoTime();
            publisher.start();
            operators.start();
            chaos.forEach(Thread::start);
            publisher.join();
            for (Thread thread : chaos) {
                thread.join();
            }
            assertThat(failures).as("the chaos threads and the operators ran through").isEmpty();
            Await.until("all " + unique + " distinct records are charged", Duration.ofMinutes(15), safely(() -> ledger.charged() == unique));
            long tookSeconds = (System.nanoTime() - began) / 1_000_000_000L;
            operators.join();
            assertThat(midStreamKills).as("SIGKILLs per instance that landed while records were in flight").allSatisfy(n -> assertThat(n).isEqualTo(kills));
            assertThat(infrastructureFaults).hasSize(3);

            assertThat(ledger.usageRecordsCharged()).isEqualTo(unique);
            assertThat(ledger.usageEventIdsChargedTwice()).isZero();
            for (String account : recharging) {
                Await.until(account + "'s recharges have settled", Duration.ofMinutes(3), () -> {
                    long requested = ledger.eventsOf(account, "RechargeRequested");
                    return requested == ledger.eventsOf(account, "RechargeSucceeded") + ledger.eventsOf(account, "RechargeFailed");
                });
            }
            for (String account : prepaid) {
                long recharges = ledger.eventsOf(account, "RechargeSucceeded");
                assertThat(ledger.paymentsTaken(account)).as(account + ": payments taken, each credited once").isEqualTo(recharges);
                BigDecimal expected = (recharging.contains(account) ? RECHARGING_OPENING : OPENING).add(toppedUp.getOrDefault(account, BigDecimal.ZERO))
                        .add(BigDecimal.TEN.multiply(BigDecimal.valueOf(recharges))).subtract(usage.expectedSpend(account));
                ledger.awaitBalance(account, expected, Duration.ofMinutes(3));
            }
            for (String account : postpaid) {
                assertThat(ledger.paymentsTaken(account)).as(account + ": invoice payments taken, each recorded once")
                        .isEqualTo(ledger.invoicePaymentsRecorded(account));
                Await.until(account + ": unbilled plus invoiced is its usage", Duration.ofMinutes(3), () -> {
                    BigDecimal unbilled = new BigDecimal(api.get("/api/v1/accounts/" + account, ADMIN).body().path("unbilled").asText());
                    return unbilled.add(ledger.invoicedCharges(account)).compareTo(usage.expectedSpend(account)) == 0;
                });
            }
            ledger.assertReconciles();
            Await.until("every charge is told once", Duration.ofMinutes(5), () -> receipts(kafka).size() >= unique);
            List<String> told = receipts(kafka).stream().map(r -> Topics.header(r, "x-receipt-id")).toList();
            assertThat(told).hasSize(unique).doesNotHaveDuplicates();

            ledger.awaitAuditLog();
            ServiceProcess.AuditRun audit = first.auditVerify();
            assertThat(audit.exitCode()).as(audit.output()).isZero();
            assertThat(audit.output()).contains("VERIFIED");
            log.info("chaos: {} records ({} distinct) in {} s, {} SIGKILLs per instance, {}; {} budget changes: all charged once, "
                    + "every balance exact, audit VERIFIED", records, unique, tookSeconds, midStreamKills, infrastructureFaults, budgets.get());
            Files.writeString(LOGS.resolve("result.txt"), "records " + records + ", distinct " + unique + ", seconds " + tookSeconds
                    + ", SIGKILLs per instance landing mid-stream " + midStreamKills + ", " + infrastructureFaults + ", top-ups " + topUps.get()
                    + ", budget changes " + budgets.get() + ", audit: " + audit.output().lines().filter(l -> l.contains("VERIFIED")).findFirst().orElse("") + "\n");
            first.stop();
            second.stop();
        }
    }

    private static ServiceProcess instance(TestDatabases.Database database, KafkaProcess kafka, int n) {
        return new ServiceProcess(database, kafka.bootstrapServers(), ADMIN, Map.of("LEDGER_INGEST_INSTANCE_ID", "ledger-" + n,
                "LEDGER_PAYMENTS_SIMULATED_DELAY", "100ms", "LEDGER_RECHARGE_FIRST_RETRY_AFTER", "1s",
                "JAVA_TOOL_OPTIONS", "-Xmx1536m"), LOGS.resolve("instance-" + n));
    }

    /** As a supervisor would: an instance that exits while starting (its database restarting) is started again. */
    private void restart(ServiceProcess service, String how, Runnable stop) {
        log.info("chaos: {} to the instance on port {}", how, service.port());
        stop.run();
        for (int attempt = 1; ; attempt++) {
            try {
                service.start().awaitServing(START);
                return;
            } catch (AssertionError e) {
                if (attempt == 5) {
                    throw e;
                }
                log.info("chaos: the instance on port {} exited while starting ({}), started again", service.port(), e.getMessage());
            }
        }
    }

    /** PostgreSQL's fast shutdown: every session is cut, then it starts again. */
    private void restartPostgres() {
        log.info("chaos: PostgreSQL restarted (fast shutdown)");
        try {
            String version = Files.list(Path.of("/etc/postgresql")).map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElseThrow();
            Process restart = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast")
                    .inheritIO().start();
            assertThat(restart.waitFor()).as("pg_ctlcluster restart").isZero();
        } catch (Exception e) {
            throw new IllegalStateException("cannot restart PostgreSQL (the chaos run needs the local cluster, as .ci/run starts it)", e);
        }
    }

    /**
     * Staff at work on both instances: top-ups (each retried with its idempotency key until an instance
     * answers, so each is credited once) and budget changes (caps far above any spend: they never block).
     */
    private void operate(List<ServiceProcess> instances, List<String> prepaid, List<String> accounts, AtomicBoolean publishing,
                         Map<String, BigDecimal> toppedUp, AtomicInteger topUps, AtomicInteger budgets) {
        int n = 0;
        while (publishing.get()) {
            n++;
            final int request = n;
            String account = (n % 2 == 0 ? prepaid : accounts).get(random.nextInt(n % 2 == 0 ? prepaid.size() : accounts.size()));
            if (n % 2 == 0) {
                BigDecimal amount = BigDecimal.valueOf(10 + random.nextInt(40)).setScale(2);
                String body = "{\"amount\":\"" + amount + "\"}";
                if (untilAnswered(instances, api -> api.post("/api/v1/accounts/" + account + "/top-ups", ADMIN, body,
                        "Idempotency-Key", "chaos-top-up-" + request).status())) {
                    toppedUp.merge(account, amount, BigDecimal::add);
                    topUps.incrementAndGet();
                }
            } else {
                String body = "{\"hardCap\":\"1000000000.00\",\"softAlerts\":[\"0." + (5 + random.nextInt(4)) + "\"]}";
                if (untilAnswered(instances, api -> api.put("/api/v1/accounts/" + account + "/budgets/account/" + account, ADMIN, body).status())) {
                    budgets.incrementAndGet();
                }
            }
            sleep(40);
        }
    }

    /** The same request to one instance, then the other, until one answers 2xx (any other answer fails the run). */
    private boolean untilAnswered(List<ServiceProcess> instances, java.util.function.ToIntFunction<HttpApi> request) {
        for (int attempt = 0; attempt < 600; attempt++) {
            ServiceProcess service = instances.get((attempt + random.nextInt(2)) % 2);
            try {
                int status = request.applyAsInt(new HttpApi(service.port()));
                if (status / 100 == 2) {
                    return true;
                }
                if (status != 503 && status != 500) {
                    throw new AssertionError("an operator's request was refused with " + status);
                }
            } catch (IllegalStateException e) {
                // the instance is down: the other, or this one once restarted
            }
            sleep(500);
        }
        throw new AssertionError("no instance answered an operator's request for 5 minutes");
    }

    private static BooleanSupplier safely(BooleanSupplier condition) {
        return () -> {
            try {
                return condition.getAsBoolean();
            } catch (RuntimeException e) {
                return false; // PostgreSQL restarting
            }
        };
    }

    private static List<ConsumerRecord<String, String>> receipts(KafkaProcess kafka) {
        return Topics.readToEnd(kafka.bootstrapServers(), "billing.notifications",
                r -> "usage.charged".equals(Topics.header(r, "x-notification-type")));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
