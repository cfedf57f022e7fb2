package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.inference.ledger.localinfra.EmbeddedPasswords;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.ServiceProcess;
import dev.inference.ledger.service.support.UsageStream;

/**
 * The run command on a machine with only a JDK: {@code java -jar} with nothing configured starts its own
 * PostgreSQL and Kafka, says so, serves, charges usage from its broker; SIGTERM stops it cleanly (the
 * service first, then the broker, then the database: no error in its log), and a second start finds
 * everything it recorded.
 */
class EmbeddedRunIT {

    private static final Duration START = Duration.ofMinutes(3);

    @Test
    void the_run_command_alone_serves_on_embedded_defaults_stops_cleanly_on_sigterm_and_keeps_what_it_recorded() throws Exception {
        Path data = Files.createTempDirectory("embedded-run");
        try (ServiceProcess service = ServiceProcess.embedded(data, Path.of("target", "embedded-run-it"))) {
            service.start().awaitServing(START);
            assertThat(service.log()).contains("database: embedded PostgreSQL", "as ledger_service (migrations as ledger_owner",
                    "kafka: in-process broker (KRaft)", "its position lives in this instance's memory on purpose");
            assertThat(service.log()).doesNotContain("An in memory token store is being created");
            HttpApi api = new HttpApi(service.port());
            String admin = service.adminToken();
            assertThat(api.post("/api/v1/accounts", admin, "{\"accountId\":\"acct-embedded\",\"name\":\"Embedded\",\"billingMode\":"
                    + "\"prepaid\",\"currency\":\"USD\"}").status()).isEqualTo(201);
            assertTrustsNoOne(data, service.embeddedDatabasePort());
            for (String internal : List.of("http://127.0.0.1:54329/", "http://localhost:9092/", "http://169.254.169.254/latest/meta-data/",
                    "http://[::1]:8080/", "http://10.0.0.1/")) {
                HttpApi.Response refused = api.post("/api/v1/accounts/acct-embedded/webhooks", admin,
                        "{\"url\":\"" + internal + "\",\"eventTypes\":[\"balance.low\"]}");
                assertThat(refused.status()).as("the run command's defaults refuse a webhook to " + internal).isEqualTo(422);
                assertThat(refused.body().path("type").asText()).isEqualTo("/problems/webhook-address-refused");
            }
            assertThat(api.post("/api/v1/accounts/acct-embedded/top-ups", admin, "{\"amount\":\"100.00\"}", "Idempotency-Key", "opening")
                    .status()).isEqualTo(201);
            UsageStream usage = new UsageStream(16).unique("embedded-", 20, List.of("acct-embedded"));
            UsageStream.publish(service.kafkaBootstrap(), usage.withDuplicates(0), 0);
            BigDecimal expected = new BigDecimal("100").subtract(usage.expectedSpend("acct-embedded"));
            Await.until("the usage is charged", Duration.ofSeconds(60), () -> balance(api, admin).compareTo(expected) == 0);

            service.stop();
            assertThat(service.exitCode()).as("SIGTERM ends the service normally").isIn(0, 143);
            assertClean(service.log());

            service.start().awaitServing(START);
            String again = service.adminToken(); // a new bootstrap token each start
            assertThat(balance(new HttpApi(service.port()), again)).isEqualByComparingTo(expected);
            service.stop();
            assertClean(service.log());
        }
    }

    @Test
    void the_production_jar_carries_no_test_helper() throws Exception {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(Path.of("target", "ledger-service.jar").toFile())) {
            List<String> libraries = jar.stream().map(java.util.jar.JarEntry::getName).filter(n -> n.startsWith("BOOT-INF/lib/")).toList();
            assertThat(libraries).anyMatch(n -> n.contains("local-infra"))
                    .noneMatch(n -> n.contains("test-support") || n.contains("testcontainers") || n.contains("junit") || n.contains("assertj"));
        }
    }

    /** The embedded PostgreSQL asks every role for its password, kept owner-only beside the data. */
    private static void assertTrustsNoOne(Path data, int port) throws Exception {
        Path passwords = EmbeddedPasswords.fileOf(data.resolve("postgres"));
        assertThat(Files.getPosixFilePermissions(passwords)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        String url = "jdbc:postgresql://localhost:" + port + "/ledger";
        for (String role : List.of("postgres", "ledger_owner", "ledger_service")) {
            assertThatThrownBy(() -> DriverManager.getConnection(url, role, "").close()).as(role).isInstanceOf(SQLException.class);
        }
        try (Connection c = DriverManager.getConnection(url, "postgres", EmbeddedPasswords.read(data.resolve("postgres")).superuser())) {
            assertThat(c.isValid(2)).isTrue();
        }
    }

    private static BigDecimal balance(HttpApi api, String token) {
        return new BigDecimal(api.get("/api/v1/accounts/acct-embedded", token).body().path("balance").asText("-1"));
    }

    private static void assertClean(String log) {
        assertThat(log.lines().filter(line -> line.contains("\"level\":\"ERROR\"") || line.matches(".*\\bERROR\\b.*")).toList())
                .as("no error while stopping").isEmpty();
    }
}
