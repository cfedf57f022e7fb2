package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import dev.inference.ledger.testsupport.TestDatabases;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.KafkaProcess;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceProcess;
import dev.inference.ledger.service.support.UsageStream;

/**
 * What {@code docker compose up} would do, without containers: the database made by the same
 * {@code deploy/postgres/create-database.sql} compose's PostgreSQL runs at its first start, a Kafka broker in
 * a process of its own, and the jar started with exactly the ledger's variables from docker-compose.yml:
 * only the host names compose's network would resolve ({@code postgres}, {@code kafka}) become this machine's,
 * and the secrets compose demands ({@code ${VAR:?…}}) are generated. It serves, charges usage, and its roles
 * are the two the file names (migrations as ledger_owner, the service as ledger_service).
 */
class ComposeVariablesIT {

    private static final Pattern REQUIRED = Pattern.compile("\\$\\{([A-Z_]+):\\?[^}]*}");

    @Test
    void the_ledger_starts_and_charges_usage_with_exactly_the_variables_docker_compose_gives_it() throws Exception {
        Path root = Path.of("..");
        Map<String, Object> compose = new Yaml().load(Files.readString(root.resolve("docker-compose.yml")));
        @SuppressWarnings("unchecked")
        Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) compose.get("services"))
                .get("ledger")).get("environment");

        TestDatabases.Database server = TestDatabases.fresh("compose_server");
        String database = "compose_" + UUID.randomUUID().toString().substring(0, 8);
        createDatabaseAsComposeWould(server, Files.readString(root.resolve("deploy/postgres/create-database.sql")), database);
        String pgHostPort = server.jdbcUrl().replaceFirst("^jdbc:postgresql://([^/]+)/.*$", "$1");

        try (KafkaProcess kafka = new KafkaProcess(Files.createTempDirectory("compose-kafka")).start()) {
            Map<String, String> environment = new HashMap<>();
            Map<String, String> generated = new HashMap<>();
            variables.forEach((name, value) -> environment.put(name, resolve(String.valueOf(value), generated)
                    .replace("//postgres:5432/ledger", "//" + pgHostPort + "/" + database)
                    .replace("kafka:9092", kafka.bootstrapServers())));
            assertThat(generated.keySet()).as("compose refuses to start without them")
                    .containsExactlyInAnyOrder("LEDGER_ADMIN_TOKEN", "LEDGER_WEBHOOKS_SECRET_KEY", "LEDGER_AUDIT_SIGNING_KEY");
            assertThat(environment).containsEntry("LEDGER_DB_USER", "ledger_service").containsEntry("LEDGER_DB_OWNER_USER", "ledger_owner");

            try (ServiceProcess service = ServiceProcess.configured(environment, generated.get("LEDGER_ADMIN_TOKEN"),
                    kafka.bootstrapServers(), Path.of("target", "compose-variables-it"))) {
                service.start().awaitServing(Duration.ofMinutes(3));
                String admin = service.adminToken();
                HttpApi api = new HttpApi(service.port());
                TestDatabases.Database ledgerDb = new TestDatabases.Database(server.jdbcUrl().replaceFirst("/[^/]+$", "/" + database),
                        server.user(), server.password());
                Ledger ledger = new Ledger(ledgerDb, api, admin);
                List<String> accounts = List.of("acct-compose-1", "acct-compose-2");
                ledger.openPrepaid(accounts, new BigDecimal("100.00"));
                UsageStream usage = new UsageStream(7).unique("compose-", 200, accounts);
                UsageStream.publish(kafka.bootstrapServers(), usage.withDuplicates(20), 0);
                for (String account : accounts) {
                    ledger.awaitBalance(account, new BigDecimal("100.00").subtract(usage.expectedSpend(account)), Duration.ofSeconds(60));
                }
                assertThat(ledger.usageRecordsCharged()).isEqualTo(200);
                try (Connection c = ledgerDb.connect()) {
                    var owner = c.createStatement().executeQuery("SELECT tableowner FROM pg_tables WHERE tablename = 'domainevententry'");
                    owner.next();
                    assertThat(owner.getString(1)).as("migrated as the owner role").isEqualTo("ledger_owner");
                }
                service.stop();
                assertThat(service.log()).doesNotContain("\"level\":\"ERROR\"");
            }
        }
    }

    /** {@code ${VAR:?message}}: compose stops unless the operator sets VAR; here it is set, as an operator would. */
    private static String resolve(String value, Map<String, String> generated) {
        Matcher m = REQUIRED.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String secret = name.equals("LEDGER_ADMIN_TOKEN") ? "lt_" + randomBase64(33) : randomBase64(32);
            generated.put(name, secret);
            m.appendReplacement(out, Matcher.quoteReplacement(secret));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String randomBase64(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /**
     * The file as psql runs it on compose's first start, on this shared server: the roles may exist already
     * (other tests made them), and the database gets a name of its own.
     */
    private static void createDatabaseAsComposeWould(TestDatabases.Database server, String sql, String database) throws SQLException {
        String serverUrl = server.jdbcUrl().replaceFirst("/[^/]+$", "/postgres");
        Connection current = DriverManager.getConnection(serverUrl, server.user(), server.password());
        try {
            for (String statement : sql.replaceAll("(?m)^--.*$", "").split(";|\\n(?=\\\\)")) {
                String s = statement.strip().replace("DATABASE ledger ", "DATABASE " + database + " ");
                if (s.isEmpty()) {
                    continue;
                }
                if (s.startsWith("\\connect ledger")) {
                    current.close();
                    current = DriverManager.getConnection(serverUrl.replace("/postgres", "/" + database), server.user(), server.password());
                    s = s.substring("\\connect ledger".length()).strip();
                    if (s.isEmpty()) {
                        continue;
                    }
                }
                try {
                    current.createStatement().execute(s);
                } catch (SQLException e) {
                    if (!"42710".equals(e.getSQLState())) { // duplicate_object: a role another test made
                        throw e;
                    }
                }
            }
        } finally {
            current.close();
        }
    }
}
