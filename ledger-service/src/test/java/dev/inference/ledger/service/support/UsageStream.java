package dev.inference.ledger.service.support;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Token usage as gateways publish it, with what each account must be charged worked out here,
 * independently of the product's catalog and rating: USD per 1M tokens, input then output.
 */
public final class UsageStream {

    public static final Map<String, BigDecimal[]> PRICES = Map.of(
            "meta-llama/Llama-3.3-70B-Instruct", prices("0.23", "0.40"),
            "meta-llama/Llama-3.3-70B-Instruct-Turbo", prices("0.12", "0.30"),
            "deepseek-ai/DeepSeek-R1", prices("0.75", "2.40"),
            "deepseek-ai/DeepSeek-R1-Distill-Llama-70B", prices("0.23", "0.69"),
            "deepseek-ai/DeepSeek-V3", prices("0.49", "0.89"));

    /**
     * When the fixtures' usage occurred: an hour ago, inside the ledger's lateness window, but never before
     * this month began, since budgets count usage by the month it occurred in.
     */
    public static final Instant RECENTLY = recently();

    /** One record as published: its key (the account) and its JSON value. */
    public record Usage(String accountId, String json) {
    }

    private final Random random;
    private final List<String> models = List.copyOf(PRICES.keySet());
    private final List<Usage> unique = new ArrayList<>();
    private final Map<String, BigDecimal> expectedSpend = new HashMap<>();
    private final Map<String, Integer> expectedCharges = new HashMap<>();

    private static Instant recently() {
        Instant anHourAgo = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        Instant monthBegan = YearMonth.now(ZoneOffset.UTC).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        return anHourAgo.isBefore(monthBegan) ? monthBegan : anHourAgo;
    }

    public UsageStream(long seed) {
        this.random = new Random(seed);
    }

    /** Adds {@code count} distinct records spread over {@code accounts}, with event ids {@code prefix + n}. */
    public UsageStream unique(String prefix, int count, List<String> accounts) {
        for (int i = 0; i < count; i++) {
            String account = accounts.get(random.nextInt(accounts.size()));
            String model = models.get(random.nextInt(models.size()));
            long input = random.nextInt(20_000);
            long output = random.nextInt(4_000);
            unique.add(new Usage(account, "{\"eventId\":\"" + prefix + i + "\",\"kind\":\"tokens\",\"accountId\":\"" + account
                    + "\",\"occurredAt\":\"" + RECENTLY + "\",\"model\":\"" + model + "\",\"inputTokens\":" + input
                    + ",\"outputTokens\":" + output + ",\"apiKeyId\":\"key-" + random.nextInt(3) + "\"}"));
            BigDecimal cost = BigDecimal.valueOf(input).multiply(PRICES.get(model)[0])
                    .add(BigDecimal.valueOf(output).multiply(PRICES.get(model)[1])).movePointLeft(6);
            expectedSpend.merge(account, cost, BigDecimal::add);
            expectedCharges.merge(account, 1, Integer::sum);
        }
        return this;
    }

    /** The distinct records in order, with {@code duplicates} exact copies of them placed at random. */
    public List<Usage> withDuplicates(int duplicates) {
        List<Usage> stream = new ArrayList<>(unique);
        for (int i = 0; i < duplicates; i++) {
            stream.add(random.nextInt(stream.size() + 1), unique.get(random.nextInt(unique.size())));
        }
        return stream;
    }

    /** Inserts {@code extra} at random places of {@code stream}. */
    public List<Usage> mixedWith(List<Usage> stream, List<Usage> extra) {
        List<Usage> mixed = new ArrayList<>(stream);
        extra.forEach(u -> mixed.add(random.nextInt(mixed.size() + 1), u));
        return mixed;
    }

    public int uniqueCount() {
        return unique.size();
    }

    public BigDecimal expectedSpend(String accountId) {
        return expectedSpend.getOrDefault(accountId, BigDecimal.ZERO);
    }

    public int expectedCharges(String accountId) {
        return expectedCharges.getOrDefault(accountId, 0);
    }

    /** Publishes to {@code usage.events}, at most {@code perSecond} records a second (0: as fast as it can). */
    public static void publish(String bootstrapServers, List<Usage> records, int perSecond) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int n = 0; n < records.size(); n++) {
                if (perSecond > 0 && n % 100 == 0) {
                    pace(start, n, perSecond);
                }
                producer.send(new ProducerRecord<>("usage.events", records.get(n).accountId(), records.get(n).json()));
            }
        }
    }

    private static void pace(long start, int sent, int perSecond) {
        long due = start + sent * 1_000_000_000L / perSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static BigDecimal[] prices(String input, String output) {
        return new BigDecimal[] {new BigDecimal(input), new BigDecimal(output)};
    }
}
