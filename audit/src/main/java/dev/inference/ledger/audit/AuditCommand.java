package dev.inference.ledger.audit;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.inference.ledger.kernel.audit.Checkpoint;
import dev.inference.ledger.kernel.pricing.PriceCatalog;
import dev.inference.ledger.localinfra.EmbeddedPasswords;
import dev.inference.ledger.localinfra.EmbeddedPostgresServer;
import dev.inference.ledger.kernel.pricing.CatalogView;

/**
 * {@code java -jar ledger-service.jar audit <command>}: the auditor's tools, with no broker and no HTTP
 * server. {@code public-key} prints the verifier key of the checkpoints; {@code verify} checks the audit
 * log against the event store and the checkpoints' signatures, replays the whole store and proves every
 * balance, usage id, payment and invoice, prints the first differences and writes a JSON report; it exits
 * 0 when everything holds, 1 when something differs, 2 when it could not run. With {@code --log} it verifies an
 * exported copy of the log offline, with only the checkpoints file and the public key. Configured like the service
 * ({@code LEDGER_DB_URL}, …); without {@code LEDGER_DB_URL} it uses the embedded database of the data
 * directory, the running service's when one runs.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "The auditor's tools: the checkpoints' public key, the verification of the log and of every figure, "
                + "and what a draft price list would have charged. Exit codes: 0 verified, 1 differences found, 2 could not run.")
public final class AuditCommand implements Callable<Integer> {

    static final int MAX_DIFFERENCES = 20;
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Map<String, String> env;
    private final PrintStream out;

    @Spec
    private CommandSpec spec;

    public AuditCommand(Map<String, String> env, PrintStream out) {
        this.env = env;
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new AuditCommand(System.getenv(), System.out).run(args));
    }

    public int run(String... args) {
        PrintWriter writer = new PrintWriter(out, true);
        return new CommandLine(this).setOut(writer).setErr(writer).setExecutionExceptionHandler((e, line, parsed) -> {
            writer.println("audit " + line.getCommandName() + " could not run: " + e.getMessage());
            return ExitCode.USAGE;
        }).execute(args);
    }

    /** {@code audit} alone: what it can do. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCode.USAGE;
    }

    @Command(name = "public-key", description = "Prints the verifier key of the checkpoints, to hand to auditors.")
    int publicKey() {
        out.println(key().verifierKey());
        return 0;
    }

    @Command(name = "verify", description = {
            "Checks the audit log against the event store and the checkpoints' signatures, replays every event and proves every "
                    + "balance, usage id, payment and invoice.",
            "With --log, verifies an exported copy of the log offline, with its checkpoints file and the public key."})
    int verify(@Option(names = "--key", paramLabel = "<verifier key>", description = "the checkpoints' public key "
                       + "(`audit public-key` prints it); needed unless this machine holds the signing key") String verifierKey,
               @Option(names = "--report", paramLabel = "<file>", defaultValue = "audit-report.json",
                       description = "where the JSON report goes (default: ${DEFAULT-VALUE})") Path reportFile,
               @Option(names = "--log", paramLabel = "<export.jsonl>", description = "an exported copy of the log") Path log,
               @Option(names = "--checkpoints", paramLabel = "<file>", description = "the exported checkpoints, with --log") Path checkpoints) {
        String[] name = new String[1];
        byte[] publicKey;
        if (verifierKey != null) {
            publicKey = Checkpoint.parseVerifierKey(verifierKey, name);
        } else if (log != null || (!blank(env.get("LEDGER_DB_URL")) && blank(env.get("LEDGER_AUDIT_SIGNING_KEY")))) {
            // An auditor holds the public key only, and is never asked for the private one.
            throw new IllegalArgumentException("pass the checkpoints' verifier key with --key <verifier key> (`audit public-key` "
                    + "prints it where the service runs; it is published with the checkpoints)");
        } else {
            AuditSigningKey key = key();
            name[0] = key.name();
            publicKey = key.rawPublicKey();
        }
        if (log != null) {
            return verifyCopy(log, checkpoints, name[0], publicKey, reportFile);
        }
        try (Database database = database()) {
            out.println("audit verify: " + database.description());
            AuditVerifier.Report logReport = new AuditVerifier(database.dataSource(), name[0], publicKey, MAX_DIFFERENCES).verify();
            out.printf("log: %,d entries over %,d stored events, %,d signed checkpoints%n", logReport.entries(), logReport.events(),
                    logReport.checkpoints());
            LedgerReplay.Report replay = new LedgerReplay(database.dataSource(), MAX_DIFFERENCES, p -> out.printf(
                    "replay: %,d of %,d events, %,d usage records, %,.0f records/s%s%n", p.events(), p.totalEvents(), p.records(),
                    p.records() / Math.max(p.seconds(), 1e-9), p.events() < p.totalEvents() ? ", about " + Math.round(
                            (p.totalEvents() - p.events()) * p.seconds() / Math.max(p.events(), 1)) + " s left" : "")).run();
            out.printf("replay: %,d accounts, %,d invoices, %,d usage records in %.1f s (%,.0f records/s)%n", replay.accounts(),
                    replay.invoices(), replay.usageRecords(), replay.seconds(), replay.usageRecords() / Math.max(replay.seconds(), 1e-9));
            List<AuditVerifier.Difference> differences = new ArrayList<>(logReport.differences());
            differences.addAll(replay.differences());
            writeReport(reportFile, Map.of("entries", logReport.entries(), "storedEvents", logReport.events(), "checkpoints",
                    logReport.checkpoints()), replay, differences);
            record(database.dataSource(), logReport, replay, differences);
            return conclude(differences, reportFile);
        }
    }

    /** An exported copy of the log, offline: only the copy, the checkpoints file and the public key. */
    private int verifyCopy(Path log, Path checkpoints, String keyName, byte[] publicKey, Path reportFile) {
        if (checkpoints == null) {
            throw new IllegalArgumentException("an exported log is verified with --checkpoints <file> and --key <verifier key>");
        }
        ExportedLogVerifier.Report copy;
        try {
            copy = new ExportedLogVerifier(keyName, publicKey, MAX_DIFFERENCES).verify(log, checkpoints,
                    new LedgerReplay(null, MAX_DIFFERENCES, p -> { }));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + e.getMessage(), e);
        }
        out.printf("copy: %,d entries, %,d signed checkpoints; replay: %,d accounts, %,d invoices, %,d usage records%n", copy.entries(),
                copy.checkpoints(), copy.replay().accounts(), copy.replay().invoices(), copy.replay().usageRecords());
        List<AuditVerifier.Difference> differences = new ArrayList<>(copy.differences());
        differences.addAll(copy.replay().differences());
        writeReport(reportFile, Map.of("entries", copy.entries(), "checkpoints", copy.checkpoints()), copy.replay(), differences);
        return conclude(differences, reportFile);
    }

    @Command(name = "verify-receipt", description = {
            "Checks one usage receipt's proof offline (GET /api/v1/receipts/{receiptId}/proof saves it): the checkpoint is signed by "
                    + "the ledger's key, the audit row is in its tree, the row hashes the stored event, and the event charged the "
                    + "receipt's record. Needs no database."})
    int verifyReceipt(@Option(names = "--proof", required = true, paramLabel = "<proof.json>") Path proofFile,
                      @Option(names = "--key", required = true, paramLabel = "<verifier key>",
                              description = "the ledger's verifier key (`audit public-key` prints it), obtained from the ledger's "
                                      + "operator by a channel other than the proof") String verifierKey) {
        ReceiptProof proof;
        try {
            proof = JSON.readValue(proofFile.toFile(), ReceiptProof.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the proof " + proofFile + ": " + e.getMessage(), e);
        }
        List<String> problems = ReceiptVerification.problems(proof, verifierKey);
        if (problems.isEmpty()) {
            out.println("VERIFIED: receipt " + proof.receiptId() + ", " + proof.record().usageEventId() + " charged "
                    + proof.record().cost() + " " + proof.record().currency() + " to " + proof.accountId() + ", entry "
                    + proof.auditRow().logIndex() + " of the log's " + proof.treeSize() + " under a signed checkpoint");
            return 0;
        }
        out.println("NOT VERIFIED: receipt " + proof.receiptId());
        problems.forEach(p -> out.println("  " + p));
        return 1;
    }

    @Command(name = "what-if", description = "Re-rates the usage of a period with a draft price list (the shape GET /api/v1/prices "
            + "returns): what was paid against what would have been.")
    int whatIf(@Option(names = "--catalog", required = true, paramLabel = "<draft.json>") Path catalog,
               @Option(names = "--from", required = true, paramLabel = "<instant>") Instant from,
               @Option(names = "--to", required = true, paramLabel = "<instant>") Instant to,
               @Option(names = "--report", paramLabel = "<file>", defaultValue = "what-if.json",
                       description = "where the JSON report goes (default: ${DEFAULT-VALUE})") Path reportFile) {
        PriceCatalog draft;
        try {
            draft = JSON.readValue(catalog.toFile(), CatalogView.class).draft();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the draft catalog " + catalog + ": " + e.getMessage(), e);
        }
        try (Database database = database()) {
            out.println("audit what-if: " + database.description());
            WhatIfRerating.Result result = new WhatIfRerating(database.dataSource()).run(draft, from, to);
            out.printf("%,d usage records from %s to %s in %.1f s: paid %s %s, would have paid %s (%s); %,d records the draft has no price for%n",
                    result.records(), result.from(), result.to(), result.seconds(), result.paid().toPlainString(), result.draftCurrency(),
                    result.wouldHavePaid().toPlainString(), signed(result.difference()), result.unpricedRecords());
            out.println("largest differences (account, model at provider: records, paid → would have paid):");
            result.rows().stream().sorted(Comparator.comparing((WhatIfRerating.Row r) -> r.difference().abs()).reversed())
                    .limit(MAX_DIFFERENCES).forEach(r -> out.printf("  %s, %s at %s: %,d, %s → %s (%s)%s%n", r.accountId(), r.item(),
                            r.provider(), r.records(), r.paid().toPlainString(), r.wouldHavePaid().toPlainString(), signed(r.difference()),
                            r.unpricedRecords() == 0 ? "" : "; " + r.unpricedRecords() + " unpriced"));
            JSON.writerWithDefaultPrettyPrinter().writeValue(reportFile.toFile(), result);
            out.println("report: " + reportFile);
            return 0;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the report " + reportFile + ": " + e.getMessage(), e);
        }
    }

    private static String signed(BigDecimal amount) {
        return (amount.signum() > 0 ? "+" : "") + amount.toPlainString();
    }

    /** Tells the ledger how this run concluded, for the console; an auditor's read-only login may not, and that is no failure. */
    private void record(DataSource dataSource, AuditVerifier.Report log, LedgerReplay.Report replay, List<AuditVerifier.Difference> differences) {
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("""
                INSERT INTO audit_verifications (ran_at, verified, log_entries, events, usage_records, accounts, invoices, seconds,
                                                 differences, first_difference)
                VALUES (now(), ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            s.setBoolean(1, differences.isEmpty());
            s.setLong(2, log.entries());
            s.setLong(3, replay.events());
            s.setLong(4, replay.usageRecords());
            s.setInt(5, replay.accounts());
            s.setInt(6, replay.invoices());
            s.setDouble(7, replay.seconds());
            s.setInt(8, differences.size());
            String first = differences.isEmpty() ? null : differences.get(0).what() + ": " + differences.get(0).detail();
            s.setString(9, first == null || first.length() <= 2_000 ? first : first.substring(0, 2_000) + "…");
            s.executeUpdate();
        } catch (SQLException e) {
            out.println("(this run is not recorded in the ledger: " + e.getMessage() + ")");
        }
    }

    private int conclude(List<AuditVerifier.Difference> differences, Path reportFile) {
        if (differences.isEmpty()) {
            out.println("VERIFIED: the log, its checkpoints and every balance, usage id, payment and invoice hold (report: "
                    + reportFile + ")");
            return 0;
        }
        out.println("DIFFERENCES (first " + Math.min(differences.size(), MAX_DIFFERENCES) + "; report: " + reportFile + "):");
        differences.stream().limit(MAX_DIFFERENCES).forEach(d -> out.println("  " + d.what() + (d.logIndex() == null ? ""
                : " at log index " + d.logIndex()) + (d.eventId() == null ? "" : ", event " + d.eventId()) + ": " + d.detail()));
        return 1;
    }

    private void writeReport(Path file, Map<String, Object> log, LedgerReplay.Report replay, List<AuditVerifier.Difference> differences) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("verified", differences.isEmpty());
        report.put("log", log);
        report.put("replay", Map.of("events", replay.events(), "usageRecords", replay.usageRecords(), "accounts", replay.accounts(),
                "invoices", replay.invoices(), "seconds", replay.seconds()));
        report.put("differences", differences);
        try {
            Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the report " + file + ": " + e.getMessage(), e);
        }
    }

    private AuditSigningKey key() {
        return AuditSigningKey.resolve(env.getOrDefault("LEDGER_AUDIT_ORIGIN", "inference-ledger/audit"), env.get("LEDGER_AUDIT_SIGNING_KEY"),
                blank(env.get("LEDGER_DB_URL")), dataDir());
    }

    private Path dataDir() {
        return Path.of(env.getOrDefault("LEDGER_DATA_DIR", ".data")).toAbsolutePath();
    }

    /** The database to read, and whatever was started to read it. */
    private interface Database extends AutoCloseable {
        DataSource dataSource();

        String description();

        @Override
        void close();
    }

    private Database database() {
        String url = env.get("LEDGER_DB_URL");
        if (!blank(url)) {
            return of(dataSource(url, env.getOrDefault("LEDGER_DB_USER", "postgres"), env.getOrDefault("LEDGER_DB_PASSWORD", "")), url, null);
        }
        int port = Integer.parseInt(env.getOrDefault("LEDGER_EMBEDDED_DB_PORT", "54329"));
        String embeddedUrl = "jdbc:postgresql://localhost:" + port + "/" + EmbeddedPostgresServer.DATABASE;
        Path data = dataDir().resolve("postgres");
        if (Files.exists(EmbeddedPasswords.fileOf(data))) {
            DataSource running = dataSource(embeddedUrl, "postgres", EmbeddedPasswords.read(data).superuser());
            try (Connection ignored = running.getConnection()) {
                return of(running, "the running service's embedded PostgreSQL at " + embeddedUrl, null);
            } catch (SQLException notRunning) {
                // started below, on the same data
            }
        }
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, port);
        return of(dataSource(server.jdbcUrl(), server.user(), server.passwords().superuser()), "the embedded PostgreSQL of " + dataDir(), server);
    }

    private static Database of(DataSource dataSource, String description, AutoCloseable started) {
        return new Database() {
            @Override
            public DataSource dataSource() {
                return dataSource;
            }

            @Override
            public String description() {
                return description.replaceFirst("//[^/@?;]*@", "//").replaceFirst("[?;].*", "");
            }

            @Override
            public void close() {
                if (started != null) {
                    try {
                        started.close();
                    } catch (Exception e) {
                        // stopping the database this command started: nothing left to do
                    }
                }
            }
        };
    }

    private static DataSource dataSource(String url, String user, String password) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return dataSource;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
