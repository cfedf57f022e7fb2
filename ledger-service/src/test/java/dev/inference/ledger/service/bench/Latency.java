package dev.inference.ledger.service.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Latency at a steady rate on a running product: one record in a hundred goes to a probe account
 * (probes get nothing else). Publish -> balance visible: a watcher sees the probe's usage_records
 * rise. Publish -> receipt readable: a read_committed consumer sees the probe's usageEventId.
 */
final class Latency {

    record Percentiles(int sent, int seen, double p50, double p99, double max, String unavailable) {
        boolean measured() {
            return unavailable == null && seen > 0;
        }

        /** Target p99 below {@code millis}, every probe seen. */
        boolean meets(double millis) {
            return measured() && seen == sent && p99 < millis;
        }

        String describe() {
            if (unavailable != null) {
                return "not measured: " + unavailable;
            }
            return String.format("p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d of %d probes seen)", p50, p99, max, seen, sent);
        }
    }

    record Result(double achievedRate, int seconds, long records, Percentiles toBalance, Percentiles receipt) {
    }

    private Latency() {
    }

    static Result run(ProductRun product, UsageWorkload workload, int rate, int seconds, int probeAccounts, Duration timeout)
            throws Exception {
        String[] probes = new String[probeAccounts];
        Map<String, List<Long>> sentByAccount = new HashMap<>();
        Map<String, Long> sentByEventId = new ConcurrentHashMap<>();
        for (int p = 0; p < probeAccounts; p++) {
            probes[p] = UsageWorkload.account(p);
            sentByAccount.put(probes[p], Collections.synchronizedList(new ArrayList<>()));
        }
        boolean balancesMeasurable = !product.missingColumns.contains("account_balances.usage_records");
        Map<String, Long> base = new HashMap<>();
        if (balancesMeasurable) {
            product.jdbc.query("SELECT account_id, usage_records FROM account_balances WHERE account_id = ANY (?)",
                    rs -> {
                        base.put(rs.getString(1), rs.getLong(2));
                    }, (Object) probes);
        }
        List<Long> balanceLatencies = Collections.synchronizedList(new ArrayList<>());
        List<Long> receiptLatencies = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            Map<String, Integer> seen = new HashMap<>();
            while (watching.get()) {
                long now = System.nanoTime();
                product.jdbc.query("SELECT account_id, usage_records FROM account_balances WHERE account_id = ANY (?)", rs -> {
                    String account = rs.getString(1);
                    long applied = rs.getLong(2) - base.getOrDefault(account, 0L);
                    List<Long> times = sentByAccount.get(account);
                    int k = seen.getOrDefault(account, 0);
                    synchronized (times) {
                        while (k < applied && k < times.size()) {
                            balanceLatencies.add(now - times.get(k++));
                        }
                    }
                    seen.put(account, k);
                }, (Object) probes);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-balance-probe");
        long total = (long) rate * seconds;
        long perTick = Math.max(1, rate / 100);
        long start;
        try (Receipts receipts = new Receipts(product.bootstrap, product.topics.notifications(), true, -1, (eventId, now) -> {
            Long sent = sentByEventId.remove(eventId);
            if (sent != null) {
                receiptLatencies.add(now - sent);
            }
        })) {
            if (balancesMeasurable) {
                watcher.start();
            }
            SplittableRandom random = new SplittableRandom(11);
            start = System.nanoTime();
            try (KafkaProducer<String, byte[]> producer = UsageWorkload.producer(product.bootstrap, "bench-steady")) {
                for (long n = 0; n < total; n++) {
                    if (n % perTick == 0) {
                        long wait = start + n * 1_000_000_000L / rate - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                    boolean probe = n % 100 == 0;
                    String account;
                    if (probe) {
                        account = probes[(int) (n / 100 % probeAccounts)];
                    } else {
                        do {
                            account = workload.drawAccount(random);
                        } while (UsageWorkload.accountIndex(account) < probeAccounts && workload.accounts() > probeAccounts);
                    }
                    String eventId = "steady-" + n;
                    byte[] body = UsageWorkload.body(eventId, account, n, random);
                    if (probe) {
                        long now = System.nanoTime();
                        sentByAccount.get(account).add(now);
                        sentByEventId.put(eventId, now);
                    }
                    producer.send(new ProducerRecord<>(product.topics.usage(), account, body));
                    if (probe) {
                        producer.flush();
                    }
                }
            }
            double achieved = total / ((System.nanoTime() - start) / 1e9);
            int sent = (int) ((total + 99) / 100);
            ProductRun.awaitTrue(() -> receiptLatencies.size() >= sent && (!balancesMeasurable || balanceLatencies.size() >= sent), timeout);
            watching.set(false);
            watcher.interrupt();
            watcher.join(5_000);
            Percentiles balance = balancesMeasurable ? percentiles(sent, balanceLatencies)
                    : new Percentiles(sent, 0, 0, 0, 0, "column account_balances.usage_records does not exist in this build");
            String receiptProblems = receipts.problems().startsWith("consumer failed") ? receipts.problems() : null;
            Percentiles receipt = receiptProblems == null ? percentiles(sent, receiptLatencies) : new Percentiles(sent, 0, 0, 0, 0, receiptProblems);
            return new Result(achieved, seconds, total, balance, receipt);
        }
    }

    private static Percentiles percentiles(int sent, List<Long> latencies) {
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Percentiles(sent, sorted.size(), at(sorted, 0.50), at(sorted, 0.99), at(sorted, 1.0), null);
    }

    private static double at(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
        return sorted.get(Math.max(0, index)) / 1e6;
    }
}
