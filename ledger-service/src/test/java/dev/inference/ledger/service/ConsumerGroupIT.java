package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.inference.ledger.testsupport.TestDatabases;
import dev.inference.ledger.testsupport.TestKafka;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceProcess;
import dev.inference.ledger.service.support.UsageStream;

/**
 * Two service processes share the ingest as one consumer group. A second instance joins in the middle
 * of the stream and the first one later stops: two rebalances while batches are in flight, and still
 * every record charged exactly once. Meanwhile billing staff top up the same accounts over HTTP.
 */
class ConsumerGroupIT {

    private static final Logger log = LoggerFactory.getLogger(ConsumerGroupIT.class);
    private static final String ADMIN = "lt_group-test-admin-token-of-32-characters-or-more";
    private static final BigDecimal OPENING = new BigDecimal("1000.00");
    private static final BigDecimal TOP_UP = new BigDecimal("10.00");
    private static final int UNIQUE = 40_000;

    @Test
    void two_instances_rebalancing_mid_stream_charge_every_record_once_and_lose_no_top_up() throws Exception {
        List<String> accounts = IntStream.range(0, 40).mapToObj(i -> "acct-" + i).toList();
        UsageStream usage = new UsageStream(11).unique("group-", UNIQUE, accounts);
        List<UsageStream.Usage> stream = usage.withDuplicates(UNIQUE / 10);

        try (TestKafka kafka = TestKafka.start()) {
            TestDatabases.Database database = TestDatabases.fresh("group");
            Path logs = Path.of("target", "consumer-group-test");
            try (ServiceProcess first = new ServiceProcess(database, kafka.bootstrapServers(), ADMIN, Map.of(), logs.resolve("first"));
                 ServiceProcess second = new ServiceProcess(database, kafka.bootstrapServers(), ADMIN, Map.of(), logs.resolve("second"))) {
                first.start().awaitServing(Duration.ofMinutes(2));
                HttpApi firstApi = new HttpApi(first.port());
                Ledger ledger = new Ledger(database, firstApi, ADMIN);
                ledger.openPrepaid(accounts, OPENING);

                // Half the stream, then the rest once the second instance has joined: a second JVM takes from 15 s
                // to nearly a minute to start on two busy cores, so the join is made to fall mid-stream.
                CountDownLatch joined = new CountDownLatch(1);
                Thread publisher = new Thread(() -> {
                    UsageStream.publish(kafka.bootstrapServers(), stream.subList(0, stream.size() / 2), 1_000);
                    try {
                        joined.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    UsageStream.publish(kafka.bootstrapServers(), stream.subList(stream.size() / 2, stream.size()), 1_000);
                }, "publisher");
                publisher.start();

                Await.until("charging has begun", Duration.ofMinutes(2), () -> ledger.charged() > 0);
                second.start().awaitServing(Duration.ofMinutes(2));
                joined.countDown();
                long atJoin = ledger.charged();
                log.info("the second instance joined the group at {} of {} records charged", atJoin, UNIQUE);
                assertThat(atJoin).as("the second instance joined mid-stream").isLessThan(UNIQUE * 9 / 10);

                // Top-ups to the accounts being charged, through the instance that is about to leave.
                for (String account : accounts) {
                    assertThat(firstApi.post("/api/v1/accounts/" + account + "/top-ups", ADMIN, "{\"amount\":\"" + TOP_UP + "\"}",
                            "Idempotency-Key", "mid-stream-" + account).status()).isEqualTo(201);
                }

                Await.until("three quarters of the stream are charged", Duration.ofMinutes(2), () -> ledger.charged() >= UNIQUE * 3 / 4);
                long atStop = ledger.charged();
                first.stop();
                log.info("the first instance stopped (SIGTERM) at {} of {} records charged", atStop, UNIQUE);
                assertThat(atStop).as("the rebalance happened mid-stream").isLessThan(UNIQUE);
                publisher.join();

                Await.until("all " + UNIQUE + " distinct records are charged", Duration.ofMinutes(5), () -> ledger.charged() == UNIQUE);
                assertThat(ledger.usageRecordsCharged()).isEqualTo(UNIQUE);
                assertThat(ledger.usageEventIdsChargedTwice()).isZero();
                Ledger survivor = new Ledger(database, new HttpApi(second.port()), ADMIN);
                for (String account : accounts) {
                    BigDecimal expected = OPENING.add(TOP_UP).subtract(usage.expectedSpend(account));
                    survivor.awaitBalance(account, expected, Duration.ofMinutes(2));
                }
                survivor.assertReconciles();
                second.stop();
            }
        }
    }
}
