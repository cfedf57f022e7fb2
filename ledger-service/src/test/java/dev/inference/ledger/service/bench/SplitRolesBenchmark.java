package dev.inference.ledger.service.bench;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import dev.inference.ledger.testsupport.TestDatabases;
import dev.inference.ledger.testsupport.TestKafka;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceProcess;
import dev.inference.ledger.service.support.UsageStream;

/**
 * What splitting the roles costs the ingest: one instance ingests only, the other serves HTTP and runs the
 * processors (as the Kubernetes Deployments do). Usage for a few hot accounts is charged twice over: first
 * alone, then while staff top those same accounts up as fast as four clients can. A top-up is written by the
 * HTTP instance, so an ingest batch that touched its account meets a newer version in the event store, is
 * rolled back whole and retried. Printed: records a second in each phase, the ratio, batch retries, top-ups.
 * {@code ./mvnw -B -q -Pbenchmark -pl ledger-service -am verify -DskipTests -Dbenchmark=SplitRolesBenchmark [-Drecords=500000] [-Dsplit=false]}
 * (a quarter of -Drecords in each phase; {@code -Dsplit=false}: the same on one instance with every role, the baseline).
 */
public final class SplitRolesBenchmark {

    private static final String ADMIN = "lt_split-roles-benchmark-admin-token-of-32-characters";
    private static final BigDecimal OPENING = new BigDecimal("1000.00");

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(new SplitRolesBenchmark()::run);
    }

    private void run() throws Exception {
        int perPhase = Integer.getInteger("records", 500_000) / 4;
        boolean split = Boolean.parseBoolean(System.getProperty("split", "true"));
        List<String> accounts = IntStream.range(0, 50).mapToObj(i -> "acct-hot-" + i).toList();
        TestDatabases.Database database = TestDatabases.fresh("split_roles");
        Path logs = Path.of("target", "split-roles-benchmark");
        try (TestKafka kafka = TestKafka.start();
             ServiceProcess ingest = new ServiceProcess(database, kafka.bootstrapServers(), ADMIN, split ? roles(true) : Map.of(), logs.resolve("ingest"));
             ServiceProcess http = split ? new ServiceProcess(database, kafka.bootstrapServers(), ADMIN, roles(false), logs.resolve("http")) : ingest) {
            if (split) {
                http.start().awaitServing(Duration.ofMinutes(3));
            }
            ingest.start().awaitServing(Duration.ofMinutes(3));
            HttpApi api = new HttpApi(http.port());
            Ledger ledger = new Ledger(database, api, ADMIN);
            ledger.openPrepaid(accounts, OPENING);

            Phase alone = phase("alone", perPhase, 0, accounts, kafka, ingest, api, ledger, 0);
            Phase contended = phase("with top-ups", perPhase, 4, accounts, kafka, ingest, api, ledger, perPhase);
            System.out.printf("%n%s: %d hot accounts, %d records a phase%n", split
                    ? "Split roles (ingest on one instance, HTTP and processors on the other)"
                    : "One instance with every role", accounts.size(), perPhase);
            System.out.printf("%-14s %12s %14s %10s %12s%n", "phase", "records/s", "batch retries", "top-ups", "top-ups/s");
            for (Phase p : List.of(alone, contended)) {
                System.out.printf("%-14s %,12.0f %,14d %,10d %,12.1f%n", p.name, p.recordsPerSecond(), p.retries, p.topUps, p.topUps / p.seconds);
            }
            System.out.printf("ratio with top-ups / alone: %.2f%n", contended.recordsPerSecond() / alone.recordsPerSecond());
        }
    }

    private record Phase(String name, int records, double seconds, long retries, long topUps) {
        double recordsPerSecond() {
            return records / seconds;
        }
    }

    private static Map<String, String> roles(boolean ingestOnly) {
        String ingest = String.valueOf(ingestOnly);
        String rest = String.valueOf(!ingestOnly);
        return Map.of("LEDGER_ROLES_INGEST", ingest, "LEDGER_ROLES_PROJECTIONS", rest, "LEDGER_ROLES_HTTP", rest,
                "LEDGER_ROLES_NOTIFICATIONS", rest, "LEDGER_ROLES_INVOICING", rest, "LEDGER_ROLES_WEBHOOKS", rest,
                "LEDGER_ROLES_RECHARGES", rest, "LEDGER_INGEST_INSTANCE_ID", "ledger-" + (ingestOnly ? "ingest" : "http"));
    }

    private static Phase phase(String name, int records, int topUpClients, List<String> accounts, TestKafka kafka,
                               ServiceProcess ingest, HttpApi api, Ledger ledger, long chargedBefore) throws InterruptedException {
        UsageStream usage = new UsageStream(name.hashCode()).unique("split-" + name.replace(' ', '-') + "-", records, accounts);
        long retriesBefore = retries(ingest);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong topUps = new AtomicLong();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < topUpClients; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                for (int n = 0; running.get(); n++) {
                    String account = accounts.get((n * 7 + client) % accounts.size());
                    if (api.post("/api/v1/accounts/" + account + "/top-ups", ADMIN, "{\"amount\":\"10.00\"}",
                            "Idempotency-Key", "split-" + client + "-" + n).status() == 201) {
                        topUps.incrementAndGet();
                    }
                }
            }, "top-ups-" + c);
            thread.start();
            clients.add(thread);
        }
        long started = System.nanoTime();
        UsageStream.publish(kafka.bootstrapServers(), usage.withDuplicates(0), 0);
        Await.until(name + ": every record charged", Duration.ofMinutes(20), () -> ledger.charged() >= chargedBefore + records);
        double seconds = (System.nanoTime() - started) / 1e9;
        running.set(false);
        for (Thread t : clients) {
            t.join();
        }
        return new Phase(name, records, seconds, retries(ingest) - retriesBefore, topUps.get());
    }

    private static long retries(ServiceProcess service) {
        String metrics = new HttpApi(service.port()).text("/actuator/prometheus", ADMIN)[1];
        return metrics.lines().filter(l -> l.startsWith("ledger_ingest_batch_retries_total"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
