package dev.inference.ledger.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.UsageStream;
import dev.inference.ledger.service.support.UsageStream.Usage;

/**
 * The operator's Kafka client properties reach every client the running service makes. Each client
 * hands its configuration to its metric reporters, so a reporter passed the same way as the security
 * settings sees what each client was given.
 */
class KafkaClientSecurityTest extends ServiceStory {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"ledger\" password=\"not-a-real-secret\";";
    private static final Set<String> EVERY_CLIENT = Set.of("consumer ledger-ingest", "producer ledger-dead-letters",
            "producer ledger-notifications", "consumer ledger-notification-positions", "admin ledger-topic-setup",
            "admin ledger-health");

    @DynamicPropertySource
    static void clientSecurity(DynamicPropertyRegistry registry) {
        registry.add("ledger.kafka.client.security.protocol", () -> "PLAINTEXT");
        registry.add("ledger.kafka.client.sasl.jaas.config", () -> JAAS);
        registry.add("ledger.kafka.client.metric.reporters", () -> Recorder.class.getName());
    }

    @Test
    void security_protocol_and_sasl_jaas_config_reach_every_consumer_producer_and_admin_client() {
        // The notifications producer and its positions consumer open with the first fact to tell.
        new Ledger(infra().database, new HttpApi(port), ADMIN).openPrepaid(List.of("acct-secure"), new BigDecimal("100.00"));
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(new Usage("acct-secure",
                "{\"eventId\":\"secure-1\",\"kind\":\"tokens\",\"accountId\":\"acct-secure\",\"occurredAt\":\"2026-11-22T10:00:00Z\","
                        + "\"model\":\"anthropic/claude-4-opus\",\"outputTokens\":1000}")), 0);

        Await.until("every client of the service has started", Duration.ofSeconds(60),
                () -> clientsSeen().containsAll(EVERY_CLIENT));
        assertThat(clientsSeen()).containsAll(EVERY_CLIENT);
        assertThat(Recorder.CONFIGS).allSatisfy(config -> assertThat(config)
                .containsEntry("security.protocol", "PLAINTEXT")
                .containsEntry("sasl.jaas.config", JAAS));
    }

    private static Set<String> clientsSeen() {
        Set<String> seen = new TreeSet<>();
        for (Map<String, Object> config : Recorder.CONFIGS) {
            seen.add(describe(config));
        }
        return seen;
    }

    /** Consumers by group (the positions reader's group is unique per read), the others by client id. */
    private static String describe(Map<String, ?> config) {
        Object group = config.get("group.id");
        if (group != null) {
            return "consumer " + String.valueOf(group).replaceFirst("^(ledger-notification-positions)-.*", "$1");
        }
        return (config.containsKey("key.serializer") ? "producer " : "admin ") + config.get("client.id");
    }

    /** Kafka makes one per client and passes it the client's configuration as given. */
    public static final class Recorder implements MetricsReporter {

        static final ConcurrentLinkedQueue<Map<String, Object>> CONFIGS = new ConcurrentLinkedQueue<>();

        @Override
        public void configure(Map<String, ?> configs) {
            CONFIGS.add(Map.copyOf(configs));
        }

        @Override
        public void init(List<KafkaMetric> metrics) {
        }

        @Override
        public void metricChange(KafkaMetric metric) {
        }

        @Override
        public void metricRemoval(KafkaMetric metric) {
        }

        @Override
        public void close() {
        }
    }
}
