package dev.inference.ledger.service.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.inference.ledger.service.support.UsageStream;

/**
 * Usage records as a busy platform publishes them: the five default models, a share of exact
 * duplicates, accounts drawn from a Zipf distribution (a few hot customers, a long tail) or uniformly
 * from a few hot ones. Record {@code n} is a pure function of {@code n}, so every run of a workload
 * publishes the same bytes and no run keeps a list of them on the heap it is measuring.
 */
final class UsageWorkload {

    static final String[] MODELS = {"meta-llama/Llama-3.3-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct-Turbo",
            "deepseek-ai/DeepSeek-R1", "deepseek-ai/DeepSeek-R1-Distill-Llama-70B", "deepseek-ai/DeepSeek-V3"};

    private final String name;
    private final int accounts;
    private final double duplicateShare;
    private final double[] cumulative;

    private UsageWorkload(String name, int accounts, double duplicateShare, double[] cumulative) {
        this.name = name;
        this.accounts = accounts;
        this.duplicateShare = duplicateShare;
        this.cumulative = cumulative;
    }

    static UsageWorkload zipf(int accounts, double exponent, double duplicateShare) {
        double[] cumulative = new double[accounts];
        double sum = 0;
        for (int rank = 1; rank <= accounts; rank++) {
            sum += 1 / Math.pow(rank, exponent);
            cumulative[rank - 1] = sum;
        }
        for (int i = 0; i < accounts; i++) {
            cumulative[i] /= sum;
        }
        return new UsageWorkload(String.format("Zipf(%.1f) over %,d accounts", exponent, accounts), accounts, duplicateShare, cumulative);
    }

    static UsageWorkload uniform(int accounts, double duplicateShare) {
        return new UsageWorkload(String.format("%,d hot accounts (uniform)", accounts), accounts, duplicateShare, null);
    }

    String name() {
        return name;
    }

    int accounts() {
        return accounts;
    }

    static String account(int index) {
        return "acct-" + index;
    }

    static int accountIndex(String account) {
        return Integer.parseInt(account.substring(5));
    }

    String drawAccount(SplittableRandom random) {
        if (cumulative == null) {
            return account(random.nextInt(accounts));
        }
        int i = Arrays.binarySearch(cumulative, random.nextDouble());
        return account(Math.min(accounts - 1, i < 0 ? -i - 1 : i));
    }

    static byte[] body(String eventId, String accountId, long n, SplittableRandom random) {
        String json = "{\"eventId\":\"" + eventId + "\",\"kind\":\"tokens\",\"accountId\":\"" + accountId
                + "\",\"occurredAt\":\"" + UsageStream.RECENTLY + "\",\"source\":\"gateway-bench\",\"apiKeyId\":\"key-" + (n % 7)
                + "\",\"model\":\"" + MODELS[(int) (n % MODELS.length)] + "\",\"inputTokens\":" + (100 + random.nextInt(8000))
                + ",\"cachedInputTokens\":0,\"outputTokens\":" + (10 + random.nextInt(1500)) + "}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static SplittableRandom randomOf(long n) {
        return new SplittableRandom(0x5DEECE66DL ^ (n * 0x9E3779B97F4A7C15L));
    }

    /** Whether record {@code n} is a copy of an earlier one, and of which original. */
    private long originalOf(long n) {
        long at = n;
        while (true) {
            SplittableRandom random = randomOf(at);
            if (at <= 100 || random.nextDouble() >= duplicateShare) {
                return at;
            }
            at = random.nextLong(at);
        }
    }

    /** Publishes records {@code 0..total-1} and answers how many of them are not duplicates. */
    long publish(String bootstrap, String topic, int total) throws Exception {
        awaitLeaders(bootstrap, topic);
        long unique = 0;
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap, "bench-preload")) {
            for (long n = 0; n < total; n++) {
                long original = originalOf(n);
                if (original == n) {
                    unique++;
                }
                SplittableRandom random = randomOf(original);
                random.nextDouble();
                String account = drawAccount(random);
                producer.send(new ProducerRecord<>(topic, account, body("bulk-" + original, account, original, random)),
                        (metadata, e) -> {
                            if (e != null) {
                                failed.compareAndSet(null, e);
                            }
                        });
            }
        }
        if (failed.get() != null) {
            throw new IllegalStateException("publishing to " + topic + " failed", failed.get());
        }
        return unique;
    }

    /** A producer that sends before a new topic's partitions have leaders can lose its first batches. */
    static void awaitLeaders(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, AdminClientConfig.CLIENT_ID_CONFIG, "bench-admin"))) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (true) {
                try {
                    var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                    if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    // not known to the broker yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the partitions of " + topic + " have no leader after 60 s");
                }
                Thread.sleep(50);
            }
        }
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // The in-process broker answers NOT_LEADER for a moment after a topic is created, even once the controller
        // names a leader; an idempotent producer whose first batch is retried behind later ones then never
        // gets it in (OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms drops it). One request at a
        // time, not idempotent: retried batches simply land, in order.
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(p);
    }
}
