package dev.inference.ledger.ingest;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How every Kafka client of the ledger reaches the cluster: the bootstrap servers and the client
 * properties an operator passes through to all of them alike (SASL, TLS: {@code security.protocol},
 * {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.location}, ...). Each
 * client starts from {@link #properties()} and puts its own settings on top.
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> client) {

    public KafkaConnection {
        client = client == null ? Map.of() : Map.copyOf(client);
    }

    public static KafkaConnection plain(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of());
    }

    public Properties properties() {
        Properties p = new Properties();
        p.putAll(client);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }

    /** Names only: a {@code sasl.jaas.config} or a trust-store password never reaches a log line. */
    @Override
    public String toString() {
        return "KafkaConnection[" + bootstrapServers + ", client properties " + new TreeMap<>(client).keySet() + "]";
    }
}
