package dev.inference.ledger.service.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.localinfra.DatabaseRoles;
import dev.inference.ledger.testsupport.TestDatabases;

/**
 * The ledger service as an operator runs it: {@code java -jar ledger-service.jar} in a JVM of its own,
 * configured by environment, against a PostgreSQL and a Kafka that outlive it. {@link #kill()} is a
 * SIGKILL: no shutdown hook, no graceful stop, whatever was in flight is cut off.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final Path JAR = Path.of("target", "ledger-service.jar");

    private final Map<String, String> environment;
    private final Path logDirectory;
    private final int port;
    private final String adminToken;
    private final String kafkaBootstrap;
    private final Path dataDir;
    private Process process;
    private int starts;

    public ServiceProcess(TestDatabases.Database database, String kafkaBootstrap, String adminToken,
                          Map<String, String> extraEnvironment, Path logDirectory) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: this test runs after the package phase (./mvnw verify)");
        }
        this.port = freePort();
        this.adminToken = adminToken;
        this.logDirectory = logDirectory;
        this.kafkaBootstrap = kafkaBootstrap;
        this.dataDir = null;
        this.environment = new HashMap<>(extraEnvironment);
        environment.put("LEDGER_DB_URL", database.jdbcUrl());
        environment.put("LEDGER_DB_USER", DatabaseRoles.SERVICE);
        environment.put("LEDGER_DB_PASSWORD", TestDatabases.ROLE_PASSWORD);
        environment.put("LEDGER_DB_OWNER_USER", DatabaseRoles.OWNER);
        environment.put("LEDGER_DB_OWNER_PASSWORD", TestDatabases.ROLE_PASSWORD);
        environment.put("LEDGER_KAFKA_BOOTSTRAP", kafkaBootstrap);
        environment.put("LEDGER_ADMIN_TOKEN", adminToken);
        environment.put("LEDGER_WEBHOOKS_SECRET_KEY", Infrastructure.WEBHOOK_SECRET_KEY);
        environment.put("LEDGER_AUDIT_SIGNING_KEY", Infrastructure.AUDIT_SIGNING_KEY);
        environment.put("LEDGER_AUDIT_CHECKPOINT_FILE", logDirectory.resolve("audit-checkpoints.txt").toString());
        environment.put("LEDGER_HTTP_PORT", String.valueOf(port));
    }

    /**
     * The run command as a new user runs it: no database and no broker configured, so it starts its embedded
     * PostgreSQL and Kafka under {@code dataDir} (on free ports) and generates its admin token there.
     */
    public static ServiceProcess embedded(Path dataDir, Path logDirectory) {
        int kafkaPort = freePort();
        return new ServiceProcess(null, logDirectory, Map.of("LEDGER_DATA_DIR", dataDir.toString(),
                "LEDGER_EMBEDDED_DB_PORT", String.valueOf(freePort()), "LEDGER_EMBEDDED_KAFKA_PORT", String.valueOf(kafkaPort)),
                "localhost:" + kafkaPort, dataDir);
    }

    /** Exactly the given variables (an operator's, e.g. docker-compose.yml's), on a free HTTP port. */
    public static ServiceProcess configured(Map<String, String> environment, String adminToken, String kafkaBootstrap,
                                            Path logDirectory) {
        return new ServiceProcess(adminToken, logDirectory, environment, kafkaBootstrap, null);
    }

    private ServiceProcess(String adminToken, Path logDirectory, Map<String, String> environment, String kafkaBootstrap, Path dataDir) {
        this.port = freePort();
        this.adminToken = adminToken;
        this.logDirectory = logDirectory;
        this.environment = new HashMap<>(environment);
        this.environment.put("LEDGER_HTTP_PORT", String.valueOf(port));
        this.kafkaBootstrap = kafkaBootstrap;
        this.dataDir = dataDir;
    }

    /** The port of the embedded PostgreSQL a service of {@link #embedded} starts. */
    public int embeddedDatabasePort() {
        return Integer.parseInt(environment.get("LEDGER_EMBEDDED_DB_PORT"));
    }

    public int port() {
        return port;
    }

    /** The admin token: given, or the one the embedded mode generated into its data directory. */
    public String adminToken() {
        if (adminToken != null) {
            return adminToken;
        }
        try {
            return Files.readString(dataDir.resolve("admin-token")).strip();
        } catch (IOException e) {
            return "not-yet-generated";
        }
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    /** The output of the latest start. */
    public String log() {
        try {
            return Files.readString(logDirectory.resolve("service-" + starts + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int exitCode() {
        return process.exitValue();
    }

    public ServiceProcess start() {
        String java = ProcessHandle.current().info().command().orElse("java");
        try {
            Files.createDirectories(logDirectory);
            ProcessBuilder builder = new ProcessBuilder(java, "-jar", JAR.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(logDirectory.resolve("service-" + (++starts) + ".log").toFile());
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Waits until the process serves: its database and Kafka are up and it ingests. Its authorize view
     * may still be reading the stream (the overall health is OUT_OF_SERVICE until it has).
     */
    public ServiceProcess awaitServing(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Await.until("the service on port " + port + " serves", timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("the service exited with " + process.exitValue() + "; see " + logDirectory);
            }
            try {
                // Started with its runners (the admin token) done, and the components it serves with up
                // (health shows its components only to a caller with a token).
                JsonNode components = JSON.readTree(http.send(get("/actuator/health"), HttpResponse.BodyHandlers.ofString()).body())
                        .path("components");
                return "UP".equals(components.path("readinessState").path("status").asText())
                        && "UP".equals(components.path("db").path("status").asText())
                        && "UP".equals(components.path("kafka").path("status").asText());
            } catch (IOException e) {
                return false; // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        return this;
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(2))
                .header("Authorization", "Bearer " + adminToken()).build();
    }

    /** The auditor's command, {@code java -jar ledger-service.jar audit verify}, on this service's database: its exit code and output. */
    public AuditRun auditVerify() {
        String java = ProcessHandle.current().info().command().orElse("java");
        try {
            Files.createDirectories(logDirectory);
            Path output = logDirectory.resolve("audit-verify.txt");
            ProcessBuilder builder = new ProcessBuilder(java, "-jar", JAR.toString(), "audit", "verify", "--report",
                    logDirectory.resolve("audit-report.json").toString()).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            Process verify = builder.start();
            if (!verify.waitFor(5, TimeUnit.MINUTES)) {
                verify.destroyForcibly();
                throw new AssertionError("audit verify did not finish within 5 minutes");
            }
            return new AuditRun(verify.exitValue(), Files.readString(output));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record AuditRun(int exitCode, String output) {
    }

    /** SIGKILL, and wait until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM: the graceful stop an orchestrator asks for. */
    public void stop() {
        process.destroy();
        awaitExit();
    }

    /** Whatever the test's outcome, no service outlives it: a failed test must not leave a JVM running. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private void awaitExit() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
