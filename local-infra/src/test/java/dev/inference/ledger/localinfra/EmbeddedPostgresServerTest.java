package dev.inference.ledger.localinfra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server the run command starts (EmbeddedInfrastructure calls the same start). */
class EmbeddedPostgresServerTest {

    @TempDir
    static Path dataDir;
    private static EmbeddedPostgresServer server;

    @BeforeAll
    static void start() throws IOException {
        server = EmbeddedPostgresServer.start(dataDir.resolve("postgres"), freePort());
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
    }

    @Test
    void the_embedded_server_is_durable_whatever_zonkys_test_defaults_say() throws SQLException {
        assertThat(show("fsync", "synchronous_commit", "full_page_writes"))
                .isEqualTo(Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on"));
    }

    @Test
    void the_embedded_server_is_sized_for_an_append_heavy_ledger() throws SQLException {
        assertThat(show("shared_buffers", "max_wal_size", "checkpoint_timeout", "wal_compression"))
                .containsEntry("shared_buffers", "256MB")
                .containsEntry("max_wal_size", "4GB")
                .containsEntry("checkpoint_timeout", "15min")
                .hasEntrySatisfying("wal_compression", v -> assertThat(v).isIn("on", "pglz"));
    }

    @Test
    void the_ledger_database_exists_on_the_embedded_server() throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), "");
             ResultSet rs = c.createStatement().executeQuery("SELECT current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(EmbeddedPostgresServer.DATABASE);
        }
    }

    @Test
    void the_embedded_database_has_an_owner_for_migrations_and_a_login_for_the_service_and_older_tables_move_to_the_owner()
            throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), "")) {
            // A table as a migration run by the superuser (before the roles existed) left it.
            c.createStatement().execute("CREATE TABLE left_by_superuser (id BIGSERIAL PRIMARY KEY)");
            DatabaseRoles.prepare(c, null); // what the next start does
            try (ResultSet rs = c.createStatement().executeQuery("""
                    SELECT pg_get_userbyid(d.datdba), (SELECT tableowner FROM pg_tables WHERE tablename = 'left_by_superuser'),
                           (SELECT rolsuper FROM pg_roles WHERE rolname = 'ledger_service')
                      FROM pg_database d WHERE d.datname = current_database()""")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(server.ownerUser());
                assertThat(rs.getString(2)).isEqualTo(server.ownerUser());
                assertThat(rs.getBoolean(3)).as("the service's login is no superuser").isFalse();
            }
        }
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.serviceUser(), "");
             ResultSet rs = c.createStatement().executeQuery("SELECT current_user")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("ledger_service");
        }
    }

    private static Map<String, String> show(String... names) throws SQLException {
        Map<String, String> values = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), "")) {
            for (String name : List.of(names)) {
                try (ResultSet rs = c.createStatement().executeQuery("SHOW " + name)) {
                    rs.next();
                    values.put(name, rs.getString(1));
                }
            }
        }
        return values;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
