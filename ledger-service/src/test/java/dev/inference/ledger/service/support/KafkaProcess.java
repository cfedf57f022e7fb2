package dev.inference.ledger.service.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.inference.ledger.localinfra.InProcessKafka;

/**
 * A Kafka broker (KRaft) in a process of its own, as an operator's would be, started from the Kafka jars on
 * the test's class path: it can be stopped, killed and started again on the same port and log.
 */
public final class KafkaProcess implements AutoCloseable {

    private final int port;
    private final Path logDir;
    private final Path output;
    private Process process;
    private int starts;

    public KafkaProcess(Path logDir) {
        this.port = freePort();
        this.logDir = logDir;
        this.output = logDir.resolveSibling(logDir.getFileName() + "-output");
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public KafkaProcess start() {
        String java = ProcessHandle.current().info().command().orElse("java");
        try {
            Files.createDirectories(output);
            Path log = output.resolve("kafka-" + (++starts) + ".log");
            process = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    InProcessKafka.class.getName(), String.valueOf(port), logDir.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Await.until("the Kafka process serves", Duration.ofSeconds(60), () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Kafka process ended: " + read(log));
                }
                return read(log).contains("kafka: serving on");
            });
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, and waits for the broker to shut down. */
    public void stop() {
        process.destroy();
        waitForEnd();
    }

    /** SIGKILL: nothing is flushed or closed. */
    public void kill() {
        process.destroyForcibly();
        waitForEnd();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            stop();
        }
    }

    private void waitForEnd() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
