package dev.inference.ledger.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import dev.inference.ledger.audit.AuditCommand;
import dev.inference.ledger.service.runtime.EmbeddedInfrastructure;

/** The service: its own packages, and the feature modules that bring Spring components of their own (webhooks, notifications, invoicing's processes, payments). */
@SpringBootApplication(scanBasePackages = {"dev.inference.ledger.service", "dev.inference.ledger.webhooks",
        "dev.inference.ledger.notifications", "dev.inference.ledger.invoicing.process", "dev.inference.ledger.payments"})
@ConfigurationPropertiesScan({"dev.inference.ledger.service", "dev.inference.ledger.webhooks"})
public class LedgerApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("audit")) {
            // The auditor's command line: no broker, no HTTP server (docs/explanation/audit-log.md).
            AuditCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.setProperty("disable-axoniq-console-message", "true");
        EmbeddedInfrastructure.startWhatIsNotConfigured(System.getenv());
        try {
            SpringApplication.run(LedgerApplication.class, args);
        } catch (RuntimeException e) {
            // The embedded broker's threads would otherwise keep a failed service alive.
            System.exit(1);
        }
    }
}
