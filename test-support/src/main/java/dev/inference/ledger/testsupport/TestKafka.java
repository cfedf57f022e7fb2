package dev.inference.ledger.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import dev.inference.ledger.localinfra.InProcessKafka;

/**
 * A real Kafka broker for a test class: a container when a Docker engine is present, otherwise the
 * same in-process KRaft broker the service runs in its embedded mode.
 */
public final class TestKafka implements AutoCloseable {

    private final AutoCloseable broker;
    private final String bootstrapServers;

    private TestKafka(AutoCloseable broker, String bootstrapServers) {
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
    }

    public static TestKafka start() {
        if (DockerEngine.available()) {
            var kafka = new org.testcontainers.kafka.KafkaContainer("apache/kafka-native:4.1.0");
            kafka.start();
            return new TestKafka(kafka::stop, kafka.getBootstrapServers());
        }
        try {
            InProcessKafka broker = InProcessKafka.start(0, Files.createTempDirectory("test-kafka"));
            return new TestKafka(broker, broker.bootstrapServers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() throws Exception {
        broker.close();
    }
}
