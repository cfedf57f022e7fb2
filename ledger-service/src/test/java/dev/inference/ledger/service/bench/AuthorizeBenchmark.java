package dev.inference.ledger.service.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.Charge;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.localinfra.InProcessKafka;
import dev.inference.ledger.testsupport.TestDatabases;
import dev.inference.ledger.accounts.AccountCommand.ChargeUsage;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.accounts.AccountCommand.SetBudget;
import dev.inference.ledger.accounts.AccountCommand.TopUp;
import dev.inference.ledger.accounts.AccountCommand.UsageToCharge;
import dev.inference.ledger.service.account.authorize.SpendGuard;

/**
 * The gateway's authorize check (docs/benchmarks.md): the in-memory decision, and the HTTP round trip
 * against the running application, over 10,000 accounts of which one in ten has an API key blocked by
 * its budget. Settings: -Daccounts=10000 -Dcalls=5000000 -Drequests=20000.
 */
public final class AuthorizeBenchmark {

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(AuthorizeBenchmark::run);
    }

    private static void run() throws Exception {
        int accounts = Integer.getInteger("accounts", 10_000);
        int calls = Integer.getInteger("calls", 5_000_000);
        int requests = Integer.getInteger("requests", 20_000);
        try (InProcessKafka kafka = InProcessKafka.start(0, Files.createTempDirectory("bench-kafka"))) {
            TestDatabases.Database db = TestDatabases.fresh("bench_authorize");
            try (ConfigurableApplicationContext app = BenchApp.start(db, kafka)) {
                prepare(app, accounts);
                SpendGuard guard = app.getBean(SpendGuard.class);
                while (guard.authorize(account(accounts - 1), null, null, null).reason() != null) {
                    Thread.sleep(50);
                }
                inMemory(guard, accounts, calls);
                overHttp(((WebServerApplicationContext) app).getWebServer().getPort(), accounts, requests);
            }
        }
    }

    private static void prepare(ConfigurableApplicationContext app, int accounts) {
        CommandGateway commands = app.getBean(CommandGateway.class);
        TransactionTemplate tx = app.getBean(TransactionTemplate.class);
        long t = System.nanoTime();
        for (int from = 0; from < accounts; from += 1000) {
            int start = from;
            tx.executeWithoutResult(s -> {
                for (int i = start; i < Math.min(start + 1000, accounts); i++) {
                    commands.sendAndWait(new OpenAccount(account(i), "Customer " + i, BillingMode.PREPAID, "USD"));
                    commands.sendAndWait(new TopUp(account(i), "opening", Money.of("1000", "USD")));
                    if (i % 10 == 0) {
                        // key-1 of every tenth account spends past a cap of 1: blocked.
                        commands.sendAndWait(new SetBudget(account(i), "apiKey", "key-1", "month", Money.of("1", "USD"), List.of()));
                        Charge charge = new Charge("tokens", "bench-model", "bench", 1, List.of(), Money.of("2", "USD"));
                        commands.sendAndWait(new ChargeUsage(account(i), List.of(new UsageToCharge("u-" + i, Instant.now(), null,
                                new Attribution("key-1", null, null, null), charge, null))));
                    }
                }
            });
        }
        System.out.printf("authorize benchmark: %,d accounts opened, %,d with a blocked API key, in %.1f s%n",
                accounts, accounts / 10, (System.nanoTime() - t) / 1e9);
    }

    private static void inMemory(SpendGuard guard, int accounts, int calls) {
        Random random = new Random(1);
        String[] ids = new String[accounts];
        for (int i = 0; i < accounts; i++) {
            ids[i] = account(i);
        }
        long refused = 0;
        for (int round = 0; round < 2; round++) {
            long t = System.nanoTime();
            for (int n = 0; n < calls; n++) {
                if (!guard.authorize(ids[random.nextInt(accounts)], "key-" + (n & 1), "proj-a", null).allowed()) {
                    refused++;
                }
            }
            double ns = (System.nanoTime() - t) / (double) calls;
            if (round == 1) {
                System.out.printf("1. in memory: %.0f ns per decision (%,.0f decisions/s on one thread), %,d refused%n",
                        ns, 1e9 / ns, refused / 2);
            }
        }
    }

    private static void overHttp(int port, int accounts, int requests) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Random random = new Random(2);
        List<Long> latencies = new ArrayList<>(requests);
        for (int n = 0; n < requests + 2_000; n++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/authorize?accountId="
                    + account(random.nextInt(accounts)) + "&apiKeyId=key-1")).header("Authorization", "Bearer " + BenchApp.ADMIN).build();
            long t = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("authorize answered " + response.statusCode() + ": " + response.body());
            }
            if (n >= 2_000) {
                latencies.add(System.nanoTime() - t);
            }
        }
        Collections.sort(latencies);
        long total = latencies.stream().mapToLong(Long::longValue).sum();
        System.out.printf("2. over HTTP (bearer token checked, one client thread, loopback): p50 %.3f ms, p99 %.3f ms, max %.3f ms, %,.0f requests/s%n",
                latencies.get(latencies.size() / 2) / 1e6, latencies.get((int) (latencies.size() * 0.99)) / 1e6,
                latencies.get(latencies.size() - 1) / 1e6, latencies.size() / (total / 1e9));
    }

    private static String account(int i) {
        return "acct-" + i;
    }
}
