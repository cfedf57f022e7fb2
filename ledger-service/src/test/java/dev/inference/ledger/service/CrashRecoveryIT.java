package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.inference.ledger.testsupport.TestDatabases;
import dev.inference.ledger.testsupport.TestKafka;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceProcess;
import dev.inference.ledger.service.support.Topics;
import dev.inference.ledger.service.support.UsageStream;

/**
 * The ledger service, a real process started with {@code java -jar}, ingests a stream of 100,000 usage
 * records (10% of them duplicates) while it is killed with SIGKILL at five random moments and started
 * again; PostgreSQL and Kafka outlive it. In the end every record is charged exactly once, told once
 * on billing.notifications, every auto-recharge payment taken is credited exactly once, and the promotional grants
 * that expire mid-stream leave the balance by exactly what was left of them.
 */
class CrashRecoveryIT {

    private static final Logger log = LoggerFactory.getLogger(CrashRecoveryIT.class);
    private static final String ADMIN = "lt_crash-test-admin-token-of-32-characters-or-more";
    private static final BigDecimal OPENING = new BigDecimal("1000.00");
    /** Accounts that auto-recharge start low, so that their usage (about 10 each) dips below the threshold. */
    private static final BigDecimal RECHARGING_OPENING = new BigDecimal("10.00");
    /** Each of the other accounts' promotional grant, expiring about 12 s into the stream. */
    private static final BigDecimal PROMOTION = new BigDecimal("3.00");
    private static final int UNIQUE = 90_000;
    private static final int DUPLICATES = 10_000;
    private static final int KILLS = 5;

    private static List<ConsumerRecord<String, String>> receipts(TestKafka kafka) {
        return Topics.readToEnd(kafka.bootstrapServers(), "billing.notifications",
                r -> "usage.charged".equals(Topics.header(r, "x-notification-type")));
    }

    @Test
    void a_service_killed_five_times_mid_stream_charges_every_record_exactly_once() throws Exception {
        Random random = new Random();
        List<String> accounts = IntStream.range(0, 50).mapToObj(i -> "acct-" + i).toList();
        UsageStream usage = new UsageStream(random.nextLong()).unique("crash-", UNIQUE, accounts);
        List<UsageStream.Usage> stream = usage.withDuplicates(DUPLICATES);

        try (TestKafka kafka = TestKafka.start()) {
            TestDatabases.Database database = TestDatabases.fresh("crash");
            // A stable instance id: a restarted process takes its partitions back without waiting for the
            // dead one's session to time out, as a restarted pod would.
            try (ServiceProcess service = new ServiceProcess(database, kafka.bootstrapServers(), ADMIN,
                    Map.of("LEDGER_INGEST_INSTANCE_ID", "ledger-0",
                            // Slow payments, each account's first one failing: kills land on recharges and their retries.
                            "LEDGER_PAYMENTS_SIMULATED_DELAY", "300ms", "LEDGER_PAYMENTS_SIMULATED_FAILURES_PER_ACCOUNT", "1",
                            "LEDGER_RECHARGE_FIRST_RETRY_AFTER", "1s"), Path.of("target", "crash-test"))) {
                service.start().awaitServing(Duration.ofMinutes(2));
                HttpApi api = new HttpApi(service.port());
                Ledger ledger = new Ledger(database, api, ADMIN);
                // Half the accounts start at 10 and recharge by 10 whenever the balance dips below 5.
                List<String> recharging = accounts.subList(0, accounts.size() / 2);
                ledger.openPrepaid(recharging, RECHARGING_OPENING);
                ledger.openPrepaid(accounts.subList(accounts.size() / 2, accounts.size()), OPENING);
                for (String account : recharging) {
                    assertThat(api.put("/api/v1/accounts/" + account + "/auto-recharge", ADMIN,
                            "{\"threshold\":\"5.00\",\"amount\":\"10.00\",\"enabled\":true}").status()).isEqualTo(200);
                }

                // The other half also have a promotional grant that usage draws first and that expires mid-stream, kills or not.
                List<String> promoted = accounts.subList(accounts.size() / 2, accounts.size());
                String expiry = java.time.Instant.now().plusSeconds(12).toString();
                for (String account : promoted) {
                    assertThat(api.post("/api/v1/accounts/" + account + "/grants", ADMIN, "{\"grantId\":\"promo\",\"kind\":\"promotional\","
                            + "\"amount\":\"" + PROMOTION + "\",\"expiresAt\":\"" + expiry + "\"}").status()).isEqualTo(201);
                }

                Thread publisher = new Thread(() -> UsageStream.publish(kafka.bootstrapServers(), stream, 10_000), "publisher");
                publisher.start();

                // Kill points: random shares of the stream, so that every kill lands while records are in flight.
                List<Long> killAt = new ArrayList<>(random.doubles(KILLS, 0.05, 0.85).sorted().mapToObj(f -> (long) (f * UNIQUE)).toList());
                for (long point : killAt) {
                    Await.until(point + " records are charged", Duration.ofMinutes(3), () -> ledger.charged() >= point);
                    Thread.sleep(random.nextInt(300));
                    service.kill();
                    long charged = ledger.charged();
                    log.info("killed the service with SIGKILL at {} of {} records charged", charged, UNIQUE);
                    assertThat(charged).as("the kill landed mid-stream").isLessThan(UNIQUE);
                    service.start().awaitServing(Duration.ofMinutes(2));
                }
                publisher.join();

                Await.until("all " + UNIQUE + " distinct records are charged", Duration.ofMinutes(5), () -> ledger.charged() == UNIQUE);
                assertThat(ledger.usageRecordsCharged()).isEqualTo(UNIQUE);
                assertThat(ledger.usageEventIdsChargedTwice()).isZero();
                for (String account : recharging) {
                    Await.until(account + " has recharged and every recharge asked is settled", Duration.ofMinutes(2), () -> {
                        long requested = ledger.eventsOf(account, "RechargeRequested");
                        return requested > 0 && requested == ledger.eventsOf(account, "RechargeSucceeded") + ledger.eventsOf(account, "RechargeFailed");
                    });
                }
                for (String account : accounts) {
                    // Every payment taken is credited once, and nothing is credited that was not paid.
                    long recharges = ledger.eventsOf(account, "RechargeSucceeded");
                    assertThat(ledger.paymentsTaken(account)).as(account + ": payments taken").isEqualTo(recharges);
                    BigDecimal recharged = BigDecimal.TEN.multiply(BigDecimal.valueOf(recharges));
                    BigDecimal opening = recharging.contains(account) ? RECHARGING_OPENING : OPENING.add(PROMOTION);
                    if (!recharging.contains(account)) {
                        Await.until(account + "'s promotion has expired or was spent before", Duration.ofMinutes(2),
                                () -> java.time.Instant.now().isAfter(java.time.Instant.parse(expiry)) && ledger.grantsDue(account) == 0);
                    }
                    // What expired of a promotion left the balance by its event: the rest of the money is exact.
                    BigDecimal expected = opening.subtract(usage.expectedSpend(account)).add(recharged).subtract(ledger.expiredCredit(account));
                    ledger.awaitBalance(account, expected, Duration.ofMinutes(2));
                }
                ledger.assertReconciles();
                Await.until("the authorize view has caught up and the service reports UP", Duration.ofMinutes(1),
                        () -> api.get("/actuator/health", ADMIN).status() == 200);

                // Each usage record told once on billing.notifications (its receipt id), however the kills fell on its transactions.
                Await.until("every charge is told", Duration.ofMinutes(2), () -> receipts(kafka).size() >= UNIQUE);
                List<String> told = receipts(kafka).stream().map(r -> Topics.header(r, "x-receipt-id")).toList();
                assertThat(told).hasSize(UNIQUE).doesNotHaveDuplicates();

                // The auditor's replay of everything the kills left: log, checkpoints, balances, usage ids, payments.
                ledger.awaitAuditLog();
                ServiceProcess.AuditRun audit = service.auditVerify();
                assertThat(audit.exitCode()).as(audit.output()).isZero();
                assertThat(audit.output()).contains("VERIFIED");
                service.stop();
            }
        }
    }
}
