package dev.inference.ledger.localinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server run from the binaries packaged in Maven Central (zonky), with its data kept
 * under a directory of the caller's choosing so that balances survive a restart.
 *
 * <p>zonky's defaults are a test database's: it starts the postmaster with {@code -F} (no fsync) and
 * without synchronous commit. Its {@code -c} options follow {@code -F} on the command line and
 * PostgreSQL takes the last setting, so {@link #SERVER_SETTINGS} turns durability back on: a
 * committed charge is on disk when the commit returns, as on any production server.
 *
 * <p>And it trusts every local connection (initdb {@code -A trust}); here no connection is trusted: every
 * role has a password of its own ({@link EmbeddedPasswords}) and {@code pg_hba.conf} asks for it
 * (scram-sha-256), on the socket and on loopback alike. A data directory made by an earlier, trusting
 * version is given its passwords and its trust rules are replaced at its next start.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    public static final String DATABASE = "ledger";

    /**
     * Durable (fsync, synchronous_commit, full_page_writes on), sized for an append-heavy ledger: more
     * WAL between checkpoints and compressed full-page images, so the event store's inserts are not
     * throttled by checkpoints. None of these trades durability for speed.
     */
    public static final Map<String, String> SERVER_SETTINGS = settings(
            "fsync", "on",
            "synchronous_commit", "on",
            "full_page_writes", "on",
            "max_connections", "100",
            "shared_buffers", "256MB",
            "wal_compression", "on",
            "max_wal_size", "4GB",
            "min_wal_size", "512MB",
            "checkpoint_timeout", "15min",
            "checkpoint_completion_target", "0.9");

    /** Every connection, on the socket or on loopback, with a password. */
    static final String HBA = """
            # Written by the ledger: every connection needs its role's password (../postgres.passwords).
            local   all   all                 scram-sha-256
            host    all   all   127.0.0.1/32  scram-sha-256
            host    all   all   ::1/128       scram-sha-256
            """;

    private final EmbeddedPostgres postgres;
    private final EmbeddedPasswords passwords;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, EmbeddedPasswords passwords) {
        this.postgres = postgres;
        this.passwords = passwords;
    }

    public static EmbeddedPostgresServer start(Path dataDir, int port) {
        Path initdbPassword = null;
        try {
            boolean fresh = !Files.exists(dataDir.resolve("postgresql.conf"));
            Files.createDirectories(dataDir);
            EmbeddedPasswords passwords = EmbeddedPasswords.readOrCreate(dataDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    // Stopped by whoever started it, in its order (the service: after Spring closed), never by a hook of its own.
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setConnectConfig("password", passwords.superuser());
            if (fresh) {
                // zonky runs initdb with "-A trust" and then these as --key=value; initdb takes the last --auth given.
                initdbPassword = EmbeddedPasswords.superuserFile(dataDir, passwords.superuser());
                builder.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", initdbPassword.toString());
            }
            SERVER_SETTINGS.forEach(builder::setServerConfig);
            EmbeddedPostgres pg = builder.start();
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(pg, passwords);
            server.createDatabaseIfMissing();
            server.prepareRoles();
            server.requirePasswords(dataDir);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (initdbPassword != null) {
                try {
                    Files.deleteIfExists(initdbPassword);
                } catch (IOException e) {
                    // owner-only, and the same password is kept in the passwords file anyway
                }
            }
        }
    }

    /** The passwords of every role: the service's, the migrations' owner's and the superuser's. */
    public EmbeddedPasswords passwords() {
        return passwords;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    /** The superuser: for the operator's own tools, not for the service. */
    public String user() {
        return "postgres";
    }

    /** The role the migrations run as, owner of every table. */
    public String ownerUser() {
        return DatabaseRoles.OWNER;
    }

    /** The role the service connects as: insert-only on the event store and the audit log. */
    public String serviceUser() {
        return DatabaseRoles.SERVICE;
    }

    private static Map<String, String> settings(String... keysAndValues) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Map.copyOf(settings);
    }

    private void createDatabaseIfMissing() {
        String admin = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
        try (Connection c = DriverManager.getConnection(admin, "postgres", passwords.superuser());
             var exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            if (!exists.executeQuery().next()) {
                c.createStatement().execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the embedded database", e);
        }
    }

    private void prepareRoles() {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), "postgres", passwords.superuser());
             Statement s = c.createStatement()) {
            DatabaseRoles.prepare(c, null);
            // Set at every start: roles made by an earlier, trusting version have none yet.
            setPassword(s, "postgres", passwords.superuser());
            setPassword(s, DatabaseRoles.OWNER, passwords.owner());
            setPassword(s, DatabaseRoles.SERVICE, passwords.service());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the embedded database's roles", e);
        }
    }

    private static void setPassword(Statement s, String role, String password) throws SQLException {
        // Generated from base64url: no quote can be in it.
        s.execute("ALTER ROLE " + role + " PASSWORD '" + password + "'");
    }

    /** Replaces a trusting pg_hba.conf (a data directory of an earlier version) now that every role has its password. */
    private void requirePasswords(Path dataDir) throws IOException {
        Path hba = dataDir.resolve("pg_hba.conf");
        if (Files.readString(hba).equals(HBA)) {
            return;
        }
        Files.writeString(hba, HBA);
        try (Connection c = DriverManager.getConnection(jdbcUrl(), "postgres", passwords.superuser());
             Statement s = c.createStatement()) {
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reload the embedded database's authentication rules", e);
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
