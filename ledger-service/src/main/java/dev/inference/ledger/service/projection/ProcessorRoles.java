package dev.inference.ledger.service.projection;

import java.util.Map;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import dev.inference.ledger.service.audit.AuditLogWriter;
import dev.inference.ledger.invoicing.process.InvoiceProcess;
import dev.inference.ledger.processing.AccountViews;
import dev.inference.ledger.notifications.NotificationPublisher;
import dev.inference.ledger.webhooks.WebhookOutbox;

/**
 * Which role each streaming processor belongs to, and whether this instance has it ({@code ledger.roles.<role>},
 * true unless set false). A processor of a role this instance lacks claims no segment here.
 */
@Component
public class ProcessorRoles {

    private static final Map<String, String> ROLE_OF = Map.of(
            AccountViews.GROUP, "projections",
            AuditLogWriter.GROUP, "projections",
            InvoiceProcess.GROUP, "invoicing",
            NotificationPublisher.GROUP, "notifications",
            WebhookOutbox.GROUP, "webhooks");

    private final Environment environment;

    public ProcessorRoles(Environment environment) {
        this.environment = environment;
    }

    public boolean runs(String processor) {
        String role = ROLE_OF.get(processor);
        return role == null || environment.getProperty("ledger.roles." + role, Boolean.class, true);
    }

    String roleOf(String processor) {
        return ROLE_OF.getOrDefault(processor, "any");
    }
}
