package dev.inference.ledger.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.inference.ledger.testsupport.TestDatabases;

class AdminTokenBootstrapTest {

    private static final String LONG_ENOUGH = "0123456789abcdef0123456789abcdef";
    private static ApiTokens tokens;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void database() {
        TestDatabases.Database db = TestDatabases.fresh("admin_token_bootstrap");
        DriverManagerDataSource source = new DriverManagerDataSource(db.jdbcUrl(), db.user(), db.password());
        Flyway.configure().dataSource(source).locations("classpath:db/migration")
                .placeholders(java.util.Map.of("servicerole", "")).load().migrate();
        tokens = new ApiTokens(new JdbcTemplate(source), java.time.Clock.systemUTC());
    }

    @Test
    void a_ledger_on_external_infrastructure_refuses_to_start_without_an_admin_token() {
        assertThatThrownBy(() -> bootstrap("", false, false))
                .hasMessageContaining("LEDGER_ADMIN_TOKEN is not set").hasMessageContaining("at least 32 characters");
        assertThatThrownBy(() -> bootstrap("   ", false, false)).hasMessageContaining("LEDGER_ADMIN_TOKEN is not set");
    }

    @Test
    void an_admin_token_shorter_than_32_characters_is_refused_embedded_or_not() {
        String short31 = LONG_ENOUGH.substring(1);
        assertThatThrownBy(() -> bootstrap(short31, false, false)).hasMessageContaining("LEDGER_ADMIN_TOKEN has 31 characters");
        assertThatThrownBy(() -> bootstrap(short31, true, false)).hasMessageContaining("LEDGER_ADMIN_TOKEN has 31 characters");
    }

    @Test
    void a_configured_token_of_32_characters_is_the_admin_and_removes_a_token_file_of_an_earlier_start() throws IOException {
        Files.writeString(dataDir.resolve(AdminTokenBootstrap.TOKEN_FILE), "lt_stale");

        bootstrap(LONG_ENOUGH, false, false).run(null);

        assertThat(tokens.authenticate(LONG_ENOUGH)).map(Caller::role).contains(Role.ADMIN);
        assertThat(dataDir.resolve(AdminTokenBootstrap.TOKEN_FILE)).doesNotExist();
    }

    @Test
    void without_a_terminal_the_generated_token_goes_to_an_owner_only_file_never_to_standard_output() throws IOException {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            bootstrap("", true, false).run(null);
        } finally {
            System.setOut(original);
        }

        Path file = dataDir.resolve(AdminTokenBootstrap.TOKEN_FILE);
        String token = Files.readString(file).strip();
        assertThat(tokens.authenticate(token)).map(Caller::role).contains(Role.ADMIN);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(stdout.toString(StandardCharsets.UTF_8)).doesNotContain(token);
    }

    @Test
    void each_start_generates_a_new_token_and_the_one_before_stops_working() throws IOException {
        bootstrap("", true, false).run(null);
        String first = Files.readString(dataDir.resolve(AdminTokenBootstrap.TOKEN_FILE)).strip();
        bootstrap("", true, false).run(null);
        String second = Files.readString(dataDir.resolve(AdminTokenBootstrap.TOKEN_FILE)).strip();

        assertThat(second).isNotEqualTo(first);
        assertThat(tokens.authenticate(first)).isEmpty();
        assertThat(tokens.authenticate(second)).map(Caller::role).contains(Role.ADMIN);
    }

    private AdminTokenBootstrap bootstrap(String configured, boolean embedded, boolean terminal) {
        return new AdminTokenBootstrap(tokens, configured, embedded, dataDir, terminal);
    }
}
