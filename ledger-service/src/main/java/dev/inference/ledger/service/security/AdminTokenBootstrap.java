package dev.inference.ledger.service.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Registers the bootstrap admin token from {@code LEDGER_ADMIN_TOKEN}. Without one, a token is
 * generated and printed once on standard output (never through the logs, which go to collectors).
 */
@Component
public class AdminTokenBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminTokenBootstrap.class);
    private final ApiTokens tokens;
    private final String configured;

    public AdminTokenBootstrap(ApiTokens tokens, @Value("${ledger.security.admin-token:}") String configured) {
        this.tokens = tokens;
        this.configured = configured;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!configured.isBlank()) {
            tokens.replaceBootstrapAdmin(configured);
            log.info("bootstrap admin token taken from LEDGER_ADMIN_TOKEN");
            return;
        }
        String generated = tokens.generate();
        tokens.replaceBootstrapAdmin(generated);
        log.warn("LEDGER_ADMIN_TOKEN is not set: generated a bootstrap admin token, printed once on standard output");
        System.out.println();
        System.out.println("  Bootstrap admin token (valid until the next start; set LEDGER_ADMIN_TOKEN to fix one):");
        System.out.println("  " + generated);
        System.out.println();
        System.out.flush();
    }
}
