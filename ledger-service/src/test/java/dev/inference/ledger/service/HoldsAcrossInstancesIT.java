package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

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
import dev.inference.ledger.service.support.UsageStream.Usage;

/**
 * Two service processes take holds on the same accounts from concurrent clients: no two grant the last
 * dollar twice, on a balance or an API key's hard cap; a seeded schedule of holds, usage settling them,
 * releases, expiries, top-ups and cap changes keeps the guarantee at every grant; and an instance killed
 * with SIGKILL while clients hold forgets no hold it granted and grants none twice.
 */
class HoldsAcrossInstancesIT {

    private static final Logger log = LoggerFactory.getLogger(HoldsAcrossInstancesIT.class);
    private static final String ADMIN = "lt_holds-test-admin-token-of-32-characters-or-more";
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** DeepSeek-V3's input price, USD per token: a record of n input tokens costs n times this. */
    private static final BigDecimal INPUT_PRICE = UsageStream.PRICES.get("deepseek-ai/DeepSeek-V3")[0].movePointLeft(6);

    private TestDatabases.Database database;
    private String kafka;
    private HttpApi[] apis;
    private String gateway;

    @Test
    void two_instances_never_grant_the_last_dollar_twice_and_a_crash_forgets_no_hold() throws Exception {
        try (TestKafka broker = TestKafka.start()) {
            database = TestDatabases.fresh("holds");
            kafka = broker.bootstrapServers();
            Path logs = Path.of("target", "holds-test");
            try (ServiceProcess first = new ServiceProcess(database, kafka, ADMIN, Map.of(), logs.resolve("first"));
                 ServiceProcess second = new ServiceProcess(database, kafka, ADMIN, Map.of(), logs.resolve("second"))) {
                first.start();
                second.start();
                first.awaitServing(Duration.ofMinutes(3));
                second.awaitServing(Duration.ofMinutes(3));
                apis = new HttpApi[] {new HttpApi(first.port()), new HttpApi(second.port())};
                gateway = apis[0].post("/api/v1/tokens", ADMIN, "{\"role\":\"gateway\"}").body().get("token").asText();
                Ledger ledger = new Ledger(database, apis[0], ADMIN);

                ledger.openPrepaid(List.of("acct-fifty"), new BigDecimal("10.00"));
                assertThat(concurrently(200, i -> hold(apis[i % 2], "acct-fifty", null, "0.20", 600, null).status()))
                        .as("a balance for exactly 50").containsEntry(201, 50).containsEntry(402, 150);

                ledger.openPrepaid(List.of("acct-capped"), new BigDecimal("1000.00"));
                assertThat(apis[1].put("/api/v1/accounts/acct-capped/budgets/apiKey/key-1", ADMIN, "{\"hardCap\":\"5.00\"}").status())
                        .isEqualTo(200);
                assertThat(concurrently(200, i -> hold(apis[i % 2], "acct-capped", "key-1", "0.10", 600, null).status()))
                        .as("an API key's hard cap for exactly 50").containsEntry(201, 50).containsEntry(402, 150);

                long seed = Long.getLong("holdsSeed", new Random().nextLong());
                log.info("the schedule's seed: {}", seed);
                schedule(ledger, seed, 70);

                crash(ledger, second);
            }
        }
    }

    // --- 200 clients at once --------------------------------------------------------------------------------

    private static Map<Integer, Integer> concurrently(int requests, IntFunction<Integer> request) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int n = i;
                answers.add(clients.submit(() -> request.apply(n)));
            }
            Map<Integer, Integer> byStatus = new HashMap<>();
            for (Future<Integer> answer : answers) {
                byStatus.merge(answer.get(), 1, Integer::sum);
            }
            return byStatus;
        } finally {
            clients.shutdownNow();
        }
    }

    private HttpApi.Response hold(HttpApi api, String account, String apiKey, String amount, int ttlSeconds, String key) {
        String body = "{\"accountId\":\"" + account + "\"" + (apiKey == null ? "" : ",\"apiKeyId\":\"" + apiKey + "\"") + ",\"amount\":\""
                + amount + "\",\"ttlSeconds\":" + ttlSeconds + "}";
        return key == null ? api.post("/api/v1/holds", gateway, body) : api.post("/api/v1/holds", gateway, body, "Idempotency-Key", key);
    }

    // --- a seeded schedule, the guarantee checked at every grant -----------------------------------------

    /**
     * One account, one step at a time on either instance, each step awaited until it shows (so the state the
     * guarantee is checked against is the committed one): at each grant, what was charged plus what open
     * holds reserve is within what was paid in, and on the capped key within its cap.
     */
    private void schedule(Ledger ledger, long seed, int steps) {
        Random random = new Random(seed);
        String account = "acct-schedule";
        ledger.openPrepaid(List.of(account), new BigDecimal("10.00"));
        BigDecimal paidIn = new BigDecimal("10.00");
        BigDecimal charged = BigDecimal.ZERO;
        BigDecimal chargedOnKey = BigDecimal.ZERO;
        BigDecimal cap = null;
        Map<String, String> keyOfHold = new HashMap<>();
        int granted = 0;
        for (int step = 0; step < steps; step++) {
            HttpApi api = apis[random.nextInt(2)];
            List<String> open = openHolds(account);
            int roll = random.nextInt(100);
            if (roll < 45 || open.isEmpty()) {
                String key = random.nextBoolean() ? "key-1" : "key-2";
                String amount = new BigDecimal(1 + random.nextInt(250)).movePointLeft(2).toPlainString();
                HttpApi.Response answer = hold(api, account, key, amount, random.nextInt(5) == 0 ? 1 + random.nextInt(2) : 600, null);
                assertThat(answer.status()).as("step %d: hold %s on %s", step, amount, key).isIn(201, 402);
                if (answer.status() == 201) {
                    granted++;
                    keyOfHold.put(answer.body().get("holdId").asText(), key);
                    assertThat(charged.add(held(account, null))).as("step %d (seed %d): charged and held within what was paid in", step, seed)
                            .isLessThanOrEqualTo(paidIn);
                    if (cap != null && key.equals("key-1")) {
                        assertThat(chargedOnKey.add(held(account, "key-1"))).as("step %d (seed %d): key-1 within its cap", step, seed)
                                .isLessThanOrEqualTo(cap);
                    }
                }
            } else if (roll < 65) {
                String holdId = open.get(random.nextInt(open.size()));
                long tokens = 100_000 + random.nextInt(8_000_000);
                boolean last = random.nextInt(4) != 0;
                String eventId = "u-" + step;
                UsageStream.publish(kafka, List.of(new Usage(account, "{\"eventId\":\"" + eventId + "\",\"kind\":\"tokens\",\"accountId\":\""
                        + account + "\",\"occurredAt\":\"" + UsageStream.RECENTLY + "\",\"model\":\"deepseek-ai/DeepSeek-V3\",\"inputTokens\":"
                        + tokens + ",\"outputTokens\":0,\"apiKeyId\":\"" + keyOfHold.get(holdId) + "\",\"holdId\":\"" + holdId + "\",\"final\":"
                        + last + "}")), 0);
                BigDecimal cost = INPUT_PRICE.multiply(BigDecimal.valueOf(tokens));
                charged = charged.add(cost);
                if ("key-1".equals(keyOfHold.get(holdId))) {
                    chargedOnKey = chargedOnKey.add(cost);
                }
                ledger.awaitBalance(account, paidIn.subtract(charged), WAIT);
                Await.until("step " + step + ": the hold took the record", WAIT, () -> holdTook(holdId, eventId));
            } else if (roll < 80) {
                String holdId = open.get(random.nextInt(open.size()));
                assertThat(api.delete("/api/v1/holds/" + holdId, gateway).status()).isEqualTo(200);
            } else if (roll < 90) {
                String amount = (10 + random.nextInt(6)) + ".00"; // a top-up is at least 10
                assertThat(api.post("/api/v1/accounts/" + account + "/top-ups", ADMIN, "{\"amount\":\"" + amount + "\"}", "Idempotency-Key",
                        "schedule-" + step).status()).isEqualTo(201);
                paidIn = paidIn.add(new BigDecimal(amount));
            } else {
                if (cap == null) {
                    chargedOnKey = BigDecimal.ZERO; // a new budget counts the spend after it was set
                }
                cap = new BigDecimal(1 + random.nextInt(10));
                assertThat(api.put("/api/v1/accounts/" + account + "/budgets/apiKey/key-1", ADMIN, "{\"hardCap\":\"" + cap + "\"}").status())
                        .isEqualTo(200);
            }
        }
        log.info("schedule of {} steps (seed {}): {} holds granted, {} charged, {} paid in", steps, seed, granted, charged, paidIn);
        assertThat(granted).as("the schedule granted holds").isPositive();
    }

    /** Whether the record is settled on its hold: the hold ended, or its charge counts the record. */
    private boolean holdTook(String holdId, String eventId) {
        return query("SELECT state <> 'open' OR EXISTS (SELECT 1 FROM hold_books b WHERE b.account_id = h.account_id AND b.seen_sequence >= "
                + "(SELECT max(sequencenumber) FROM domainevententry e WHERE e.aggregateidentifier = h.account_id)) FROM holds h WHERE hold_id = ?",
                holdId, rs -> rs.getBoolean(1));
    }

    private List<String> openHolds(String account) {
        return queryList("SELECT hold_id FROM holds WHERE account_id = ? AND state = 'open' AND expires_at > now() ORDER BY hold_id", account);
    }

    private BigDecimal held(String account, String apiKey) {
        return query("SELECT coalesce(sum(greatest(amount - charged, 0)), 0) FROM holds WHERE account_id = ? AND state = 'open'"
                + " AND expires_at > now()" + (apiKey == null ? "" : " AND api_key_id = '" + apiKey + "'"), account, rs -> rs.getBigDecimal(1));
    }

    // --- a crash with holds in flight ---------------------------------------------------------------------

    /**
     * Clients hold with keys on both instances while the second is killed: each key's answer is the first
     * one's, whichever instance replays it, and the granted holds are exactly those the database keeps.
     */
    private void crash(Ledger ledger, ServiceProcess victim) throws Exception {
        String account = "acct-crash";
        ledger.openPrepaid(List.of(account), new BigDecimal("20.00"));
        int keys = 300;
        Map<String, String> answered = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            int n = i;
            sent.add(clients.submit(() -> {
                try {
                    HttpApi.Response answer = hold(apis[n % 2], account, null, "0.10", 600, "crash-" + n);
                    answered.put("crash-" + n, answer.status() == 201 ? answer.body().get("holdId").asText() : String.valueOf(answer.status()));
                } catch (RuntimeException e) {
                    // the victim died with this request in flight: its answer is unknown
                }
            }));
            if (i == keys / 3) {
                Thread.sleep(200);
                victim.kill();
                log.info("killed the second instance with {} holds answered", answered.size());
            }
        }
        for (Future<?> f : sent) {
            f.get();
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        victim.start().awaitServing(Duration.ofMinutes(3));

        // Every key again, on the other instance than first: the same answer for each that had one.
        Set<String> grantedIds = new HashSet<>();
        for (int i = 0; i < keys; i++) {
            String key = "crash-" + i;
            HttpApi.Response again = hold(apis[(i + 1) % 2], account, null, "0.10", 600, key);
            String answer = again.status() == 201 ? again.body().get("holdId").asText() : String.valueOf(again.status());
            if (answered.containsKey(key)) {
                assertThat(answer).as(key + " replayed").isEqualTo(answered.get(key));
            }
            if (again.status() == 201) {
                grantedIds.add(answer);
            }
        }
        List<String> stored = queryList("SELECT hold_id FROM holds WHERE account_id = ? ORDER BY hold_id", account);
        assertThat(grantedIds).as("20.00 holds exactly 200 of 0.10").hasSize(200);
        assertThat(stored).as("every hold granted is kept, and no other").containsExactlyInAnyOrderElementsOf(grantedIds);
        assertThat(held(account, null)).isEqualByComparingTo("20.00");
    }

    // --- the database, read as an auditor would ----------------------------------------------------------

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String sql, String parameter, Row<T> row) {
        try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return row.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> queryList(String sql, String parameter) {
        try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            List<String> values = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
