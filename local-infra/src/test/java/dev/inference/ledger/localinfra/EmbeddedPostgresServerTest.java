package dev.inference.ledger.localinfra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

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
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.passwords().superuser());
             ResultSet rs = c.createStatement().executeQuery("SELECT current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(EmbeddedPostgresServer.DATABASE);
        }
    }

    @Test
    void the_embedded_database_has_an_owner_for_migrations_and_a_login_for_the_service_and_older_tables_move_to_the_owner()
            throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.passwords().superuser())) {
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
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.serviceUser(), server.passwords().service());
             ResultSet rs = c.createStatement().executeQuery("SELECT current_user")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("ledger_service");
        }
    }

    @Test
    void no_connection_is_trusted_every_role_needs_its_own_password_kept_owner_only_beside_the_data() throws IOException {
        for (String role : List.of(server.user(), server.ownerUser(), server.serviceUser())) {
            for (String wrong : new String[] {"", "postgres", server.passwords().superuser() + "x"}) {
                assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(), role, wrong).close()).as(role + " with '" + wrong + "'")
                        .isInstanceOf(SQLException.class).hasMessageMatching("(?s).*(password authentication failed|SCRAM-based authentication).*");
            }
        }
        assertThat(Set.of(server.passwords().superuser(), server.passwords().owner(), server.passwords().service())).hasSize(3);
        Path file = EmbeddedPasswords.fileOf(dataDir.resolve("postgres"));
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(dataDir.resolve("postgres").resolve("pg_hba.conf"))).doesNotContain("trust");
        assertThat(Files.list(dataDir).map(p -> p.getFileName().toString())).as("initdb's password file is gone")
                .noneMatch(name -> name.contains("initdb"));
    }

    @Test
    void a_data_directory_of_an_earlier_trusting_version_gets_passwords_at_its_next_start(@TempDir Path other) throws Exception {
        Path data = other.resolve("postgres");
        int port = freePort();
        try (EmbeddedPostgres trusting = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start()) {
            assertThat(Files.readString(data.resolve("pg_hba.conf"))).contains("trust");
        }
        try (EmbeddedPostgresServer upgraded = EmbeddedPostgresServer.start(data, port)) {
            assertThat(Files.readString(data.resolve("pg_hba.conf"))).doesNotContain("trust");
            assertThatThrownBy(() -> DriverManager.getConnection(upgraded.jdbcUrl(), "postgres", "").close()).isInstanceOf(SQLException.class);
            try (Connection c = DriverManager.getConnection(upgraded.jdbcUrl(), upgraded.serviceUser(), upgraded.passwords().service())) {
                assertThat(c.isValid(1)).isTrue();
            }
        }
    }

    private static Map<String, String> show(String... names) throws SQLException {
        Map<String, String> values = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.passwords().superuser())) {
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
