package dev.inference.ledger.service.bench;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import dev.inference.ledger.localinfra.InProcessKafka;
import dev.inference.ledger.testsupport.TestDatabases;
import dev.inference.ledger.service.LedgerApplication;
import dev.inference.ledger.service.support.Infrastructure;

/** The product in the benchmark's JVM, on the benchmark's own database and broker, the ingest off unless asked, quiet. */
final class BenchApp {

    static final String ADMIN = "lt_bench-admin-token-at-least-32-characters";

    private BenchApp() {
    }

    static ConfigurableApplicationContext start(TestDatabases.Database db, InProcessKafka kafka, String... more) {
        List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + db.jdbcUrl(), "--spring.datasource.username=" + db.user(),
                "--spring.datasource.password=" + db.password(), "--ledger.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--ledger.security.admin-token=" + ADMIN, "--ledger.webhooks.secret-key=" + Infrastructure.WEBHOOK_SECRET_KEY,
                "--ledger.audit.signing-key=" + Infrastructure.AUDIT_SIGNING_KEY,
                "--ledger.audit.checkpoint-file=target/bench-audit-checkpoints.txt", "--server.port=0", "--ledger.roles.ingest=false",
                "--logging.structured.format.console=", "--logging.level.root=WARN"));
        // An argument of more replaces the default of the same name (Spring would join the two values).
        for (String arg : more) {
            String name = arg.substring(0, arg.indexOf('=') + 1);
            args.removeIf(a -> a.startsWith(name));
            args.add(arg);
        }
        return SpringApplication.run(LedgerApplication.class, args.toArray(String[]::new));
    }
}
