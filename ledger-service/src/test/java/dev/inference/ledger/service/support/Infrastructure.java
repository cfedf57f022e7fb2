package dev.inference.ledger.service.support;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;

import dev.inference.ledger.localinfra.DatabaseRoles;
import dev.inference.ledger.testsupport.TestDatabases;
import dev.inference.ledger.testsupport.TestKafka;

/** A fresh database and a real broker for one test class, handed to the Spring context. */
public final class Infrastructure implements AutoCloseable {

    public static final String ADMIN_TOKEN = "lt_test-admin-token-of-at-least-32-characters";
    /** Base64 of 32 bytes: the tests' key for webhook secrets (the receivers are on 127.0.0.1, hence private addresses). */
    public static final String WEBHOOK_SECRET_KEY = "dGVzdC13ZWJob29rLWtleS1vZi0zMi1ieXRlcyEhISE=";
    /** The seed of the test runs' audit signing key (32 bytes). */
    public static final String AUDIT_SIGNING_KEY = "dGVzdC1hdWRpdC1zaWduaW5nLWtleS1zZWVkLTMyYiE=";

    public final TestDatabases.Database database;
    public final TestKafka kafka;

    private Infrastructure(TestDatabases.Database database, TestKafka kafka) {
        this.database = database;
        this.kafka = kafka;
    }

    public static Infrastructure start(String purpose) {
        return new Infrastructure(TestDatabases.fresh(purpose), TestKafka.start());
    }

    public void register(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", database::jdbcUrl);
        // As in production: the service may only append to the event store and the audit log.
        registry.add("spring.datasource.username", () -> DatabaseRoles.SERVICE);
        registry.add("spring.datasource.password", () -> TestDatabases.ROLE_PASSWORD);
        registry.add("spring.flyway.user", () -> DatabaseRoles.OWNER);
        registry.add("spring.flyway.password", () -> TestDatabases.ROLE_PASSWORD);
        registry.add("ledger.kafka.bootstrap-servers", kafka::bootstrapServers);
        registry.add("ledger.security.admin-token", () -> ADMIN_TOKEN);
        registry.add("ledger.webhooks.secret-key", () -> WEBHOOK_SECRET_KEY);
        registry.add("ledger.audit.signing-key", () -> AUDIT_SIGNING_KEY);
        registry.add("ledger.audit.checkpoint-file", () -> "target/audit-checkpoints-" + Integer.toHexString(database.jdbcUrl().hashCode()) + ".txt");
        registry.add("ledger.webhooks.allow-private-addresses", () -> "true");
    }

    /** The server's superuser, for what a test does behind the service's back (triggers that sabotage it, tampering). */
    public JdbcTemplate superuser() {
        return new JdbcTemplate(new DriverManagerDataSource(database.jdbcUrl(), database.user(), database.password()));
    }

    @Override
    public void close() throws Exception {
        kafka.close();
    }
}
