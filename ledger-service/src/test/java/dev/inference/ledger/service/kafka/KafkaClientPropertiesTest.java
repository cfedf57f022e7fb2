package dev.inference.ledger.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import dev.inference.ledger.ingest.KafkaConnection;
import dev.inference.ledger.service.config.LedgerProperties;

class KafkaClientPropertiesTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"ledger\" password=\"s3cret\";";

    @Test
    void ledger_kafka_client_variables_become_the_properties_every_client_starts_from() {
        KafkaConnection connection = bind(Map.of(
                "LEDGER_KAFKA_BOOTSTRAP_SERVERS", "kafka-0:9093",
                "LEDGER_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL",
                "LEDGER_KAFKA_CLIENT_SASL_MECHANISM", "SCRAM-SHA-512",
                "LEDGER_KAFKA_CLIENT_SASL_JAAS_CONFIG", JAAS,
                "LEDGER_KAFKA_CLIENT_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.p12")).connection();

        assertThat(connection.properties())
                .containsEntry("bootstrap.servers", "kafka-0:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12");
    }

    @Test
    void without_client_variables_a_client_gets_only_the_bootstrap_servers() {
        assertThat(bind(Map.of("LEDGER_KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")).connection().properties())
                .containsOnlyKeys("bootstrap.servers");
    }

    @Test
    void a_connection_shown_in_a_log_line_names_its_client_properties_but_never_their_values() {
        KafkaConnection connection = new KafkaConnection("kafka-0:9093", Map.of("sasl.jaas.config", JAAS));
        assertThat(connection.toString()).contains("sasl.jaas.config").doesNotContain("s3cret");
    }

    private static LedgerProperties.Kafka bind(Map<String, Object> environment) {
        // Under the name Spring gives the process environment, so that its variable-name mapping applies.
        var source = new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment);
        return new Binder(ConfigurationPropertySources.from(source)).bind("ledger.kafka", LedgerProperties.Kafka.class).get();
    }
}
