package dev.inference.ledger.localinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server run from the binaries packaged in Maven Central (zonky), with its data kept
 * under a directory of the caller's choosing so that balances survive a restart.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    public static final String DATABASE = "ledger";

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedPostgresServer start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("max_connections", "100")
                    .start();
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(pg);
            server.createDatabaseIfMissing();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    public String user() {
        return "postgres";
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

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
