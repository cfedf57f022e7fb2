package dev.inference.ledger.service.security;

import java.io.Console;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import dev.inference.ledger.localinfra.OwnerOnlyFiles;

/**
 * Registers the bootstrap admin token from {@code LEDGER_ADMIN_TOKEN}, which must be at least
 * {@value #MIN_LENGTH} characters. Only in the embedded mode (EmbeddedInfrastructure started both
 * PostgreSQL and Kafka) may it be missing: then a token is generated and shown once, out of the
 * collected log stream (standard output carries the JSON logs): on the terminal when there is one,
 * otherwise in {@value #TOKEN_FILE} in the data directory, readable by this user only.
 */
@Component
public class AdminTokenBootstrap implements ApplicationRunner {

    static final int MIN_LENGTH = 32;
    static final String TOKEN_FILE = "admin-token";
    private static final Logger log = LoggerFactory.getLogger(AdminTokenBootstrap.class);

    private final ApiTokens tokens;
    private final String configured;
    private final Path tokenFile;
    private final boolean terminal;

    @Autowired
    public AdminTokenBootstrap(ApiTokens tokens, @Value("${ledger.security.admin-token:}") String configured,
                               @Value("${ledger.runtime.embedded:false}") boolean embedded,
                               @Value("${ledger.runtime.data-dir:.data}") Path dataDir) {
        this(tokens, configured, embedded, dataDir, System.console() != null && isTerminal(System.console()));
    }

    AdminTokenBootstrap(ApiTokens tokens, String configured, boolean embedded, Path dataDir, boolean terminal) {
        this.tokens = tokens;
        this.configured = refuseUnsafe(configured == null ? "" : configured.strip(), embedded);
        this.tokenFile = dataDir.toAbsolutePath().resolve(TOKEN_FILE);
        this.terminal = terminal;
    }

    /** Checked when the bean is made, so a refused token stops the start before anything consumes. */
    private static String refuseUnsafe(String token, boolean embedded) {
        if (token.isEmpty() && !embedded) {
            throw new IllegalStateException("LEDGER_ADMIN_TOKEN is not set: a ledger on external PostgreSQL or Kafka needs a "
                    + "bootstrap admin token of at least " + MIN_LENGTH + " characters (e.g. `openssl rand -base64 32`)");
        }
        if (!token.isEmpty() && token.length() < MIN_LENGTH) {
            throw new IllegalStateException("LEDGER_ADMIN_TOKEN has " + token.length() + " characters: the bootstrap admin token "
                    + "needs at least " + MIN_LENGTH + " (e.g. `openssl rand -base64 32`)");
        }
        return token;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!configured.isEmpty()) {
            tokens.replaceBootstrapAdmin(configured);
            forgetGenerated();
            log.info("bootstrap admin token taken from LEDGER_ADMIN_TOKEN");
            return;
        }
        String generated = tokens.generate();
        tokens.replaceBootstrapAdmin(generated);
        if (terminal) {
            Console console = System.console();
            console.printf("%n  Bootstrap admin token (valid until the next start; set LEDGER_ADMIN_TOKEN to fix one):%n  %s%n%n", generated);
            console.flush();
            forgetGenerated();
            log.warn("LEDGER_ADMIN_TOKEN is not set: generated a bootstrap admin token, shown once on the terminal");
        } else {
            writeOwnerOnly(generated);
            log.warn("LEDGER_ADMIN_TOKEN is not set: generated a bootstrap admin token, written to {} (readable by this user only;"
                    + " valid until the next start)", tokenFile);
        }
    }

    /** A token file from an earlier start names a token that no longer works. */
    private void forgetGenerated() {
        try {
            Files.deleteIfExists(tokenFile);
        } catch (IOException e) {
            log.warn("could not remove the stale {}: {}", tokenFile, e.toString());
        }
    }

    private void writeOwnerOnly(String token) {
        try {
            Path dir = Files.createDirectories(tokenFile.getParent());
            Path written = OwnerOnlyFiles.createTemp(dir, "." + TOKEN_FILE);
            Files.writeString(written, token + System.lineSeparator());
            Files.move(written, tokenFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generated admin token to " + tokenFile, e);
        }
    }

    /** Before Java 22 a console exists only on a terminal; from 22 on it may exist without one. */
    private static boolean isTerminal(Console console) {
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
