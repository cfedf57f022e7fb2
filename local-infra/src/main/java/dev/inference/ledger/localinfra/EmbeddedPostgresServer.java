package dev.inference.ledger.localinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
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

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedPostgresServer start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    // Stopped by whoever started it, in its order (the service: after Spring closed), never by a hook of its own.
                    .setRegisterShutdownHook(false)
                    .setPort(port);
            SERVER_SETTINGS.forEach(builder::setServerConfig);
            EmbeddedPostgres pg = builder.start();
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(pg);
            server.createDatabaseIfMissing();
            server.prepareRoles();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        try (Connection c = DriverManager.getConnection(admin, "postgres", "");
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
        try (Connection c = DriverManager.getConnection(jdbcUrl(), "postgres", "")) {
            DatabaseRoles.prepare(c, null);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the embedded database's roles", e);
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
