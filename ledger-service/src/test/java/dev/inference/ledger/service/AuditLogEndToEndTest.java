package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.TestPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.inference.ledger.kernel.audit.Checkpoint;
import dev.inference.ledger.kernel.audit.MerkleTree;
import dev.inference.ledger.localinfra.DatabaseRoles;
import dev.inference.ledger.audit.AuditCommand;
import dev.inference.ledger.audit.AuditVerifier;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Infrastructure;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.Topics;
import dev.inference.ledger.service.support.UsageStream;

/**
 * An auditor who trusts no operator: every ledger event is in the append-only log, chained; a signed
 * checkpoint verifies with the public key alone; one event's inclusion and the log's growth are proven
 * from the checkpoints; the database refuses to change the log; and a changed, deleted or swapped
 * event, or a forged checkpoint, is named by the verification.
 */
@TestPropertySource(properties = {"ledger.audit.checkpoint-every-events=5", "ledger.audit.checkpoint-interval=1s",
        "ledger.audit.checkpoint-poll=200ms"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditLogEndToEndTest extends ServiceStory {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @Autowired
    DataSource dataSource;

    @Value("${ledger.audit.checkpoint-file}")
    String checkpointFile;

    @Test
    @Order(1)
    void every_event_is_logged_and_signed_checkpoints_prove_inclusion_and_growth_to_an_auditor_with_only_the_public_key() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-a1", "acct-a2"), new BigDecimal("50.00"));
        UsageStream.publish(infra().kafka.bootstrapServers(), new UsageStream(3).unique("audit-", 40, List.of("acct-a1", "acct-a2"))
                .withDuplicates(0), 0);
        Await.until("every charge is in the ledger", WAIT, () -> ledger.charged() == 40);
        String auditor = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"auditor\"}").body().get("token").asText();
        Await.until("every event is in the audit log", WAIT, () -> api.get("/api/v1/audit/events?limit=1", auditor).body()
                .path("size").asLong() == count("SELECT count(*) FROM domainevententry"));
        long size = api.get("/api/v1/audit/events?limit=1", auditor).body().get("size").asLong();
        Await.until("a checkpoint signs the whole log", WAIT, () -> api.get("/api/v1/audit/checkpoints", auditor).body()
                .path("checkpoints").path(0).path("treeSize").asLong() == size);

        // More events, and a later checkpoint over them: two heads to prove one extends the other.
        api.post("/api/v1/accounts/acct-a1/top-ups", ADMIN, "{\"amount\":\"10.00\"}", "Idempotency-Key", "audit-more");
        Await.until("a later checkpoint signs the grown log", WAIT, () -> api.get("/api/v1/audit/checkpoints", auditor).body()
                .path("checkpoints").path(0).path("treeSize").asLong() > size);
                JsonNode answer = api.get("/api/v1/audit/checkpoints", auditor).body();
        String[] name = new String[1];
        byte[] key = Checkpoint.parseVerifierKey(answer.get("verifierKey").asText(), name);
        JsonNode checkpoints = answer.get("checkpoints");
        assertThat(checkpoints.size()).as("a checkpoint of the first head and one of the grown log").isGreaterThan(1);
        Checkpoint newest = Checkpoint.verify(checkpoints.get(0).get("note").asText(), name[0], key);
        Checkpoint older = Checkpoint.verify(checkpoints.get(checkpoints.size() - 1).get("note").asText(), name[0], key);

        // One event proven in the newest tree, from its row alone.
        JsonNode row = api.get("/api/v1/audit/events?after=2&limit=1", auditor).body().get("events").get(0);
        JsonNode inclusion = api.get("/api/v1/audit/proofs/inclusion?index=3&size=" + newest.size(), auditor).body();
        assertThat(MerkleTree.verifyInclusion(b64(row.get("leafHash").asText()), 3, newest.size(), hashes(inclusion), newest.root()))
                .isTrue();
        assertThat(MerkleTree.verifyInclusion(b64(row.get("leafHash").asText()), 4, newest.size(), hashes(inclusion), newest.root()))
                .isFalse();
        // The newest tree extends the oldest.
        JsonNode consistency = api.get("/api/v1/audit/proofs/consistency?from=" + older.size() + "&to=" + newest.size(), auditor).body();
        assertThat(MerkleTree.verifyConsistency(older.size(), newest.size(), older.root(), newest.root(), hashes(consistency))).isTrue();
        // Each row links to the one before.
        JsonNode first = api.get("/api/v1/audit/events?limit=2", auditor).body().get("events");
        assertThat(first.get(1).get("previousHash").asText()).isEqualTo(first.get(0).get("rowHash").asText());
        assertThat(api.get("/api/v1/audit/proofs/inclusion?index=3&size=" + (size + 1000), auditor).status()).isEqualTo(400);

        assertThat(verifier(name[0], key).verify().differences()).isEmpty();
        ledger.assertReconciles();
        AuditRun run = auditVerify();
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("VERIFIED", "40 usage records");
        assertThat(new AuditCommand(Map.of(), new PrintStream(new ByteArrayOutputStream())).run("verify", "--key", "not-a-key")).isEqualTo(2);
        // Checkpoints went outside the database too: to the file the operator ships, and to Kafka.
        assertThat(Topics.read(infra().kafka.bootstrapServers(), "audit.checkpoints", 1, r -> true)).first()
                .satisfies(r -> assertThat(r.value()).startsWith(name[0] + "\n"));
    }

    @Test
    @Order(2)
    void a_draft_catalog_shows_per_account_and_model_what_was_paid_and_what_would_have_been_and_writes_nothing() throws Exception {
        HttpApi api = new HttpApi(port);
        String auditor = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"auditor\"}").body().get("token").asText();
        ObjectNode draft = (ObjectNode) api.get("/api/v1/prices", ADMIN).body();
        for (JsonNode tokens : draft.get("tokens")) { // every token price doubled
            for (String field : List.of("input", "cachedInput", "output")) {
                if (tokens.hasNonNull(field)) {
                    ((ObjectNode) tokens).put(field, new BigDecimal(tokens.get(field).asText()).multiply(BigDecimal.valueOf(2)).toPlainString());
                }
            }
        }
        long events = count("SELECT count(*) FROM domainevententry");
        String period = ",\"from\":\"" + Instant.now().minus(Duration.ofDays(30)) + "\",\"to\":\"" + Instant.now().plusSeconds(60) + "\"}";

        HttpApi.Response answer = api.post("/api/v1/audit/what-if", auditor, "{\"catalog\":" + draft + period);

        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        JsonNode result = answer.body();
        assertThat(result.get("records").asLong()).isEqualTo(40);
        assertThat(result.get("unpricedRecords").asLong()).isZero();
        assertThat(new BigDecimal(result.get("wouldHavePaid").asText())).isEqualByComparingTo(new BigDecimal(result.get("paid").asText())
                .multiply(BigDecimal.valueOf(2)));
        assertThat(result.get("rows")).extracting(r -> r.get("accountId").asText()).containsOnly("acct-a1", "acct-a2");
        for (JsonNode row : result.get("rows")) {
            assertThat(new BigDecimal(row.get("difference").asText())).isEqualByComparingTo(new BigDecimal(row.get("paid").asText()));
        }
        assertThat(new BigDecimal(result.get("paid").asText())).isEqualByComparingTo(ledgerPaid());
        assertThat(count("SELECT count(*) FROM domainevententry")).as("writes nothing").isEqualTo(events);
        // A period before any usage: nothing; a period too long or backwards, a draft without prices: refused.
        assertThat(api.post("/api/v1/audit/what-if", auditor, "{\"catalog\":" + draft + ",\"from\":\"2020-01-01T00:00:00Z\",\"to\":\"2020-02-01T00:00:00Z\"}")
                .body().get("records").asLong()).isZero();
        assertThat(api.post("/api/v1/audit/what-if", auditor, "{\"catalog\":" + draft + ",\"from\":\"2020-01-01T00:00:00Z\",\"to\":\"2022-01-01T00:00:00Z\"}")
                .status()).isEqualTo(400);
        assertThat(api.post("/api/v1/audit/what-if", auditor, "{\"catalog\":{\"tokens\":[]}" + period).status()).isEqualTo(400);

        // The same question from the command line, into a JSON report.
        Path draftFile = Files.writeString(Path.of("target", "what-if-draft.json"), draft.toString());
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = new AuditCommand(Map.of("LEDGER_DB_URL", infra().database.jdbcUrl(), "LEDGER_DB_USER", infra().database.user(),
                "LEDGER_DB_PASSWORD", infra().database.password()), new PrintStream(output, true)).run("what-if", "--catalog",
                draftFile.toString(), "--from", Instant.now().minus(Duration.ofDays(30)).toString(), "--to", Instant.now().plusSeconds(60).toString(),
                "--report", "target/what-if-story.json");
        assertThat(exit).as(output.toString()).isZero();
        assertThat(output.toString()).contains("40 usage records", "acct-a1", "acct-a2");
        assertThat(new ObjectMapper().readTree(Path.of("target/what-if-story.json").toFile()).get("wouldHavePaid").asText())
                .isEqualTo(result.get("wouldHavePaid").asText());
    }

    /** Σ of every usage charge, as the entries projection has them. */
    private BigDecimal ledgerPaid() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT -sum(balance_change) FROM ledger_entries WHERE entry_type = 'usage'")) {
            rs.next();
            return rs.getBigDecimal(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(4)
    void an_exported_copy_verifies_offline_with_only_the_checkpoints_file_and_the_public_key() throws Exception {
        String auditor = new HttpApi(port).post("/api/v1/tokens", ADMIN, "{\"role\":\"auditor\"}").body().get("token").asText();
        String verifierKey = new HttpApi(port).get("/api/v1/audit/checkpoints", auditor).body().get("verifierKey").asText();
        Files.deleteIfExists(Path.of("target", "audit-export-story.jsonl")); // the body handler writes over, it does not truncate
        HttpResponse<Path> export = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/v1/audit/export")).header("Authorization", "Bearer " + auditor).build(),
                HttpResponse.BodyHandlers.ofFile(Path.of("target", "audit-export-story.jsonl")));
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(Files.readAllLines(export.body())).hasSize((int) count("SELECT count(*) FROM audit_log"))
                .allSatisfy(line -> assertThat(line).startsWith("{\"logIndex\":"));

        AuditRun offline = offline(export.body(), verifierKey);
        assertThat(offline.exitCode()).as(offline.output()).isZero();
        assertThat(offline.output()).contains("VERIFIED", "40 usage records");

        // One byte of one event changed in the copy: named.
        List<String> rows = new ArrayList<>(Files.readAllLines(export.body()));
        rows.set(3, rows.get(3).replaceFirst("\"payload\":\"(.)", "\"payload\":\"" + (rows.get(3).contains("\"payload\":\"e") ? "f" : "e")));
        Path altered = Files.write(Path.of("target", "audit-export-altered.jsonl"), rows);
        AuditRun tampered = offline(altered, verifierKey);
        assertThat(tampered.exitCode()).as(tampered.output()).isEqualTo(1);
        assertThat(tampered.output()).contains("payload-altered at log index 3");
    }

    private AuditRun offline(Path log, String verifierKey) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = new AuditCommand(Map.of(), new PrintStream(output, true)).run("verify", "--log", log.toString(), "--checkpoints",
                checkpointFile, "--key", verifierKey, "--report", "target/audit-report-offline.json");
        return new AuditRun(exit, output.toString());
    }

    @Test
    @Order(4)
    void the_database_refuses_to_update_delete_or_truncate_the_log_by_privilege_and_by_trigger() throws SQLException {
        List<String> changes = List.of("UPDATE audit_log SET event_type = 'x' WHERE log_index = 0", "DELETE FROM audit_log WHERE log_index = 0",
                "TRUNCATE audit_log", "DELETE FROM audit_nodes", "UPDATE audit_checkpoints SET signed_note = ''", "TRUNCATE audit_checkpoints");
        // The service's own login: no privilege to change the log, nor the event store, nor the migrations' history.
        for (String change : concat(changes, List.of("UPDATE domainevententry SET type = 'x'", "DELETE FROM domainevententry",
                "TRUNCATE domainevententry", "DELETE FROM flyway_schema_history"))) {
            assertThatThrownBy(() -> execute(dataSource::getConnection, change)).as(change).isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
        // The owner that ran the migrations has the privileges: the triggers refuse.
        for (String change : changes) {
            assertThatThrownBy(() -> execute(() -> infra().database.connectAs(DatabaseRoles.OWNER), change)).as(change)
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
        }
        // A superuser too meets the triggers, but may disable them: the signed checkpoints outside the database are what catch that.
        assertThatThrownBy(() -> execute(infra().database::connect, changes.get(0))).hasMessageContaining("append-only");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT has_table_privilege('audit_log', 'INSERT'), has_table_privilege('domainevententry', 'INSERT')")) {
            rs.next();
            assertThat(rs.getBoolean(1) && rs.getBoolean(2)).as("the service appends").isTrue();
        }
    }

    @Test
    @Order(5)
    void a_changed_deleted_or_swapped_event_and_a_forged_checkpoint_are_named() throws Exception {
        String[] name = new String[1];
        byte[] key = Checkpoint.parseVerifierKey(
                new HttpApi(port).get("/api/v1/audit/checkpoints", ADMIN).body().get("verifierKey").asText(), name);
        String changed = eventAt(2);
        execute("UPDATE domainevententry SET payload = overlay(payload placing '7'::bytea from 30 for 1) WHERE eventidentifier = '"
                + changed + "'");
        String deleted = eventAt(4);
        execute("DELETE FROM domainevententry WHERE eventidentifier = '" + deleted + "'");
        String a = eventAt(5);
        String b = eventAt(6);
        execute("""
                UPDATE domainevententry d SET payload = o.payload FROM domainevententry o
                 WHERE (d.eventidentifier, o.eventidentifier) IN (('%s', '%s'), ('%s', '%s'))""".formatted(a, b, b, a));
        execute("INSERT INTO audit_checkpoints (tree_size, root, signed_note, created_at) VALUES (999999, '\\x00', "
                + "'forged\n999999\nAAAA\n\n\u2014 " + name[0] + " AAAAAAAA\n', now())");

        AuditVerifier.Report report = verifier(name[0], key).verify();
        assertThat(report.differences()).extracting(AuditVerifier.Difference::what, AuditVerifier.Difference::eventId)
                .contains(org.assertj.core.groups.Tuple.tuple("payload-altered", changed),
                        org.assertj.core.groups.Tuple.tuple("event-missing", deleted),
                        org.assertj.core.groups.Tuple.tuple("payload-altered", a),
                        org.assertj.core.groups.Tuple.tuple("payload-altered", b));
        assertThat(report.differences()).extracting(AuditVerifier.Difference::what).contains("checkpoint-forged");
        AuditRun run = auditVerify();
        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("DIFFERENCES", "payload-altered", changed, "event-missing", deleted);
    }

    private record AuditRun(int exitCode, String output) {
    }

    /** The auditor's command, in this JVM, on this story's database, with the key's seed as the service has it. */
    private AuditRun auditVerify() {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = new AuditCommand(Map.of("LEDGER_DB_URL", infra().database.jdbcUrl(), "LEDGER_DB_USER", infra().database.user(),
                "LEDGER_DB_PASSWORD", infra().database.password(), "LEDGER_AUDIT_SIGNING_KEY", Infrastructure.AUDIT_SIGNING_KEY),
                new PrintStream(output, true)).run("verify", "--report", "target/audit-report-story.json");
        return new AuditRun(exit, output.toString());
    }

    private AuditVerifier verifier(String name, byte[] key) {
        return new AuditVerifier(dataSource, name, key, 100);
    }

    private String eventAt(long logIndex) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT event_id FROM audit_log WHERE log_index = " + logIndex)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private long count(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As the server's superuser: the service's own login could not tamper with the event store. */
    private void execute(String sql) throws SQLException {
        execute(infra().database::connect, sql);
    }

    private interface Login {
        Connection connect() throws SQLException;
    }

    private static void execute(Login login, String sql) throws SQLException {
        try (Connection c = login.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static byte[] b64(String value) {
        return Base64.getDecoder().decode(value);
    }

    private static List<byte[]> hashes(JsonNode proof) {
        return java.util.stream.StreamSupport.stream(proof.get("hashes").spliterator(), false).map(h -> b64(h.asText())).toList();
    }
}
