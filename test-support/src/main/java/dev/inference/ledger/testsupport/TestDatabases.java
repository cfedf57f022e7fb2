package dev.inference.ledger.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;

import dev.inference.ledger.localinfra.DatabaseRoles;

/**
 * Fresh, empty PostgreSQL databases for tests: one per test class, on a PostgreSQL container when a
 * Docker engine is present, otherwise on the server at 127.0.0.1:5432 (trust auth, user postgres)
 * that {@code .ci/run} makes sure is running. Never an in-memory imitation.
 */
public final class TestDatabases {

    private static volatile Server server;

    private TestDatabases() {
    }

    /** The tests' password of the ledger's roles (ignored under trust authentication). */
    public static final String ROLE_PASSWORD = "ledger-test";

    /**
     * Connection details of a database that did not exist a moment ago: {@code user} is the server's
     * superuser; the database is owned by {@link DatabaseRoles#OWNER}, and {@link DatabaseRoles#SERVICE}
     * is the login a service under test should use, as in production.
     */
    public record Database(String jdbcUrl, String user, String password) {
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(jdbcUrl, user, password);
        }

        public Connection connectAs(String role) throws SQLException {
            return DriverManager.getConnection(jdbcUrl, role, ROLE_PASSWORD);
        }
    }

    private record Server(String host, int port, String user, String password) {
        String url(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }
    }

    public static Database fresh(String purpose) {
        Server s = server();
        String name = "t_" + purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_")
                + "_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(s.url("postgres"), s.user(), s.password())) {
            c.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + s.url("postgres")
                    + " (is PostgreSQL running? .ci/run starts it)", e);
        }
        Database database = new Database(s.url(name), s.user(), s.password());
        try (Connection c = database.connect()) {
            DatabaseRoles.prepare(c, ROLE_PASSWORD);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the roles of " + name, e);
        }
        return database;
    }

    private static Server server() {
        if (server == null) {
            synchronized (TestDatabases.class) {
                if (server == null) {
                    server = DockerEngine.available() ? containerServer() : localServer();
                }
            }
        }
        return server;
    }

    private static Server localServer() {
        String host = System.getenv().getOrDefault("LEDGER_TEST_PG_HOST", "127.0.0.1");
        int port = Integer.parseInt(System.getenv().getOrDefault("LEDGER_TEST_PG_PORT", "5432"));
        return new Server(host, port, "postgres", "");
    }

    private static Server containerServer() {
        var pg = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:16-alpine");
        pg.start();
        return new Server(pg.getHost(), pg.getMappedPort(5432), pg.getUsername(), pg.getPassword());
    }
}
