package dev.inference.ledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The auditor's command line before it reaches a database: what it asks for, and how it says no. */
class AuditCommandTest {

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return new AuditCommand(env, new PrintStream(output, true)).run(args);
    }

    @Test
    void an_auditor_without_the_key_is_asked_for_the_public_key_never_for_the_signing_seed() {
        int exit = run(Map.of("LEDGER_DB_URL", "jdbc:postgresql://127.0.0.1:1/ledger"), "verify");

        assertThat(exit).isEqualTo(2);
        assertThat(output.toString()).contains("--key <verifier key>", "audit public-key")
                .doesNotContain("LEDGER_AUDIT_SIGNING_KEY").doesNotContainIgnoringCase("seed");
    }

    @Test
    void an_exported_log_is_verified_with_the_public_key_and_the_checkpoints() {
        assertThat(run(Map.of(), "verify", "--log", "export.jsonl")).isEqualTo(2);
        assertThat(output.toString()).contains("--key <verifier key>");
    }

    @Test
    void no_command_or_an_unknown_option_prints_the_usage_and_exits_2() {
        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(output.toString()).contains("Usage: audit", "verify", "what-if", "public-key");

        output.reset();
        assertThat(run(Map.of(), "verify", "--kye", "x")).isEqualTo(2);
        assertThat(output.toString()).contains("Unknown option", "--kye");

        output.reset();
        assertThat(run(Map.of(), "what-if", "--catalog", "draft.json")).isEqualTo(2);
        assertThat(output.toString()).contains("Missing required options", "--from", "--to");
    }
}
