package dev.inference.ledger.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.pricing.CatalogHistory;
import dev.inference.ledger.kernel.pricing.DefaultCatalog;
import dev.inference.ledger.kernel.usage.UsageWindow;
import dev.inference.ledger.testsupport.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Every kind of bad input a publisher can send, through a real broker: each lands on the dead-letter
 * topic with its reason and its bytes unchanged, and the good records between them are all charged.
 */
class BadInputCorpusTest {

    private static final String ACCOUNT = "acct-1";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private static TestKafka kafka;

    @BeforeAll
    static void start() {
        kafka = TestKafka.start();
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
    }

    /** A bad record, the key it is published under, and the reason it must be dead-lettered with. */
    private record Bad(String name, String key, byte[] value, String reason) {
        Bad(String name, String value, String reason) {
            this(name, ACCOUNT, value.getBytes(StandardCharsets.UTF_8), reason);
        }
    }

    @Test
    void every_bad_input_is_dead_lettered_with_its_reason_and_original_bytes_and_the_good_records_between_them_are_charged()
            throws Exception {
        List<Bad> corpus = List.of(
                new Bad("malformed json", "{\"eventId\":\"x\",\"kind\":", "malformed-json"),
                new Bad("not json at all", "\u0000\u0001garbage", "malformed-json"),
                new Bad("a json array", "[1,2,3]", "malformed-json"),
                new Bad("an empty value", ACCOUNT, new byte[0], "malformed-json"),
                new Bad("tokens as a string", tokens("b", NOW.minusSeconds(60)).replace("\"inputTokens\":2000", "\"inputTokens\":\"2000\""), "invalid-field"),
                new Bad("account id as a number", tokens("b", NOW.minusSeconds(60)).replace("\"accountId\":\"acct-1\"", "\"accountId\":42"), "invalid-field"),
                new Bad("no eventId", tokens("b", NOW.minusSeconds(60)).replace("\"eventId\":\"b\",", ""), "missing-field"),
                new Bad("no occurredAt", tokens("b", NOW.minusSeconds(60)).replaceFirst("\"occurredAt\":\"[^\"]*\",", ""), "missing-field"),
                new Bad("no counts", tokens("b", NOW.minusSeconds(60)).replace(",\"inputTokens\":2000,\"outputTokens\":500", ""), "missing-field"),
                new Bad("a 10k-character eventId", tokens("x".repeat(10_000), NOW.minusSeconds(60)), "invalid-field"),
                new Bad("a 10k-character model", tokens("b", NOW.minusSeconds(60)).replace("deepseek-ai/DeepSeek-V3", "m".repeat(10_000)), "invalid-field"),
                new Bad("a 10k-character project", withField(tokens("b", NOW.minusSeconds(60)), "projectId", "p".repeat(10_000)), "invalid-field"),
                new Bad("a 10k-character trace id", withField(tokens("b", NOW.minusSeconds(60)), "traceId", "t".repeat(10_000)), "invalid-field"),
                new Bad("a control character in the eventId", tokens("b\\u0007c", NOW.minusSeconds(60)), "invalid-field"),
                new Bad("a newline in the api key", withField(tokens("b", NOW.minusSeconds(60)), "apiKeyId", "key\\n1"), "invalid-field"),
                new Bad("a quantity of a billion digits", units("b", "\"1E+1000000000\""), "invalid-field"),
                new Bad("a quantity string of 60k digits", units("b", "\"" + "9".repeat(60_000) + "\""), "invalid-field"),
                new Bad("a quantity string of 100k digits", units("b", "\"" + "9".repeat(100_000) + "\""), "too-large"),
                new Bad("a json number of 500 digits", units("b", "9".repeat(500)), "invalid-field"),
                new Bad("an exponent too large for a double", units("b", "1E+1000000000"), "invalid-field"),
                new Bad("occurred in 2099", tokens("b", Instant.parse("2099-01-01T00:00:00Z")), "future-event"),
                new Bad("occurred in 1970", tokens("b", Instant.EPOCH), "too-late"),
                new Bad("occurred 40 days ago", tokens("b", NOW.minus(Duration.ofDays(40))), "too-late"),
                new Bad("an unknown kind", tokens("b", NOW.minusSeconds(60)).replace("\"kind\":\"tokens\"", "\"kind\":\"vibes\""), "invalid-field"),
                new Bad("an unknown model", tokens("b", NOW.minusSeconds(60)).replace("deepseek-ai/DeepSeek-V3", "acme/unknown"), "unknown-price"),
                new Bad("over 64 KiB", withField(tokens("b", NOW.minusSeconds(60)), "padding", "z".repeat(70_000)), "too-large"),
                new Bad("no key", null, tokens("b", NOW.minusSeconds(60)).getBytes(StandardCharsets.UTF_8), "key-mismatch"),
                new Bad("another account's key", "acct-2", tokens("b", NOW.minusSeconds(60)).getBytes(StandardCharsets.UTF_8), "key-mismatch"),
                new Bad("a second record after the first", tokens("b", NOW.minusSeconds(60)) + tokens("c", NOW.minusSeconds(60)), "trailing-content"),
                new Bad("a second record on the next line", tokens("b", NOW.minusSeconds(60)) + "\n" + tokens("c", NOW.minusSeconds(60)),
                        "trailing-content"),
                new Bad("words after the record", tokens("b", NOW.minusSeconds(60)) + " and more", "trailing-content"),
                new Bad("inputTokens twice", tokens("b", NOW.minusSeconds(60)).replace("\"outputTokens\":500", "\"outputTokens\":500,\"inputTokens\":9"),
                        "repeated-key"),
                new Bad("the eventId twice, same value", tokens("b", NOW.minusSeconds(60)).replace("{\"eventId\":\"b\",", "{\"eventId\":\"b\",\"eventId\":\"b\","),
                        "repeated-key"),
                new Bad("a key twice in an unknown object", withObject(tokens("b", NOW.minusSeconds(60)), "{\"x\":1,\"x\":2}"), "repeated-key"),
                new Bad("a quantity in exponent notation", units("b", "\"1e3\""), "invalid-field"),
                new Bad("a quantity in Arabic-Indic digits", units("b", "\"\u0664\""), "invalid-field"),
                new Bad("a quantity in fullwidth digits", units("b", "\"\uFF14\""), "invalid-field"),
                new Bad("a quantity with a plus sign", units("b", "\"+4\""), "invalid-field"),
                new Bad("a million and one images", units("b", "\"1000001\""), "implausible-quantity"),
                new Bad("a billion replicas", compute("b", "\"60\"", "1000000000"), "implausible-quantity"),
                new Bad("seconds beyond a year", compute("b", "\"40000000\"", "1"), "implausible-quantity"),
                new Bad("output beyond any request", tokens("b", NOW.minusSeconds(60)).replace("\"outputTokens\":500", "\"outputTokens\":50000000"),
                        "implausible-quantity"));

        IngestSettings settings = settings();
        List<String> goodIds = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < corpus.size(); i++) {
                Bad bad = corpus.get(i);
                producer.send(new ProducerRecord<>(settings.usageTopic(), bad.key() == null ? null : bytes(bad.key()), bad.value()));
                String good = "good-" + i;
                goodIds.add(good);
                producer.send(new ProducerRecord<>(settings.usageTopic(), bytes(ACCOUNT), bytes(tokens(good, NOW.minus(Duration.ofHours(i))))));
            }
        }

        UsageConsumerTest.MemoryLedger ledger = new UsageConsumerTest.MemoryLedger();
        KafkaDeadLetters letters = new KafkaDeadLetters(settings.kafka(), settings.deadLetterTopic());
        UsageConsumer consumer = new UsageConsumer(settings, ledger, letters, CatalogHistory.of(List.of(DefaultCatalog.version1())),
                UsageWindow.of(Clock.systemUTC()), new IngestMetrics(new SimpleMeterRegistry()));
        Thread thread = new Thread(consumer, "corpus-consumer");
        thread.start();
        List<ConsumerRecord<byte[], byte[]>> dead;
        try {
            dead = read(settings.deadLetterTopic(), corpus.size());
            long deadline = System.currentTimeMillis() + 20_000;
            while (ledger.charged.size() < goodIds.size() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            consumer.close();
            thread.join(10_000);
            letters.close();
        }

        assertThat(ledger.charged).extracting(u -> u.record().eventId()).containsExactlyElementsOf(goodIds);
        assertThat(ledger.offsets).containsEntry(new TopicPartitionId(settings.usageTopic(), 0), 2L * corpus.size());
        assertThat(dead).hasSize(corpus.size());
        for (int i = 0; i < corpus.size(); i++) {
            Bad bad = corpus.get(i);
            ConsumerRecord<byte[], byte[]> letter = dead.get(i);
            assertThat(header(letter, KafkaDeadLetters.REASON)).as(bad.name()).isEqualTo(bad.reason());
            assertThat(letter.value()).as(bad.name()).isEqualTo(bad.value());
            assertThat(letter.key()).as(bad.name()).isEqualTo(bad.key() == null ? null : bytes(bad.key()));
            assertThat(header(letter, KafkaDeadLetters.ORIGIN)).as(bad.name()).isEqualTo(settings.usageTopic() + "/0/" + 2 * i);
            // The detail is for a person: never the huge input repeated in full.
            assertThat(header(letter, KafkaDeadLetters.DETAIL)).as(bad.name()).hasSizeLessThan(400);
        }
    }

    private static String tokens(String eventId, Instant occurredAt) {
        return "{\"eventId\":\"" + eventId + "\",\"kind\":\"tokens\",\"accountId\":\"" + ACCOUNT + "\",\"occurredAt\":\"" + occurredAt
                + "\",\"model\":\"deepseek-ai/DeepSeek-V3\",\"inputTokens\":2000,\"outputTokens\":500}";
    }

    private static String units(String eventId, String quantity) {
        return "{\"eventId\":\"" + eventId + "\",\"kind\":\"units\",\"accountId\":\"" + ACCOUNT + "\",\"occurredAt\":\""
                + NOW.minusSeconds(60) + "\",\"model\":\"black-forest-labs/FLUX-1-schnell\",\"unit\":\"image\",\"quantity\":" + quantity + "}";
    }

    private static String compute(String eventId, String seconds, String replicas) {
        return "{\"eventId\":\"" + eventId + "\",\"kind\":\"compute\",\"accountId\":\"" + ACCOUNT + "\",\"occurredAt\":\""
                + NOW.minusSeconds(60) + "\",\"meter\":\"llm.micro\",\"seconds\":" + seconds + ",\"replicas\":" + replicas + "}";
    }

    /** {@code json} with one more field, an object written as given. */
    private static String withObject(String json, String object) {
        return json.substring(0, json.length() - 1) + ",\"meta\":" + object + "}";
    }

    /** {@code json} with one more string field; {@code value} is JSON string content (escapes allowed). */
    private static String withField(String json, String field, String value) {
        return json.substring(0, json.length() - 1) + ",\"" + field + "\":\"" + value + "\"}";
    }

    private static IngestSettings settings() {
        String suffix = "corpus-" + UUID.randomUUID().toString().substring(0, 8);
        IngestSettings settings = new IngestSettings(KafkaConnection.plain(kafka.bootstrapServers()), "usage." + suffix, "dlq." + suffix, "group-" + suffix, 500, null);
        TopicSetup.ensure(settings.kafka(), List.of(settings.usageTopic(), settings.deadLetterTopic()), 1);
        return settings;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        // The oversized records are refused by the ledger, not by the client: let them through.
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        return new KafkaProducer<>(props);
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) {
        return TopicReader.read(kafka.bootstrapServers(), topic, expected);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return TopicReader.header(record, name);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
