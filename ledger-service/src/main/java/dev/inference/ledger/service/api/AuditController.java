package dev.inference.ledger.service.api;

import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.AUDITOR;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.service.audit.Reconciliation;
import dev.inference.ledger.service.security.Allowed;

@RestController
public class AuditController {

    private final Reconciliation reconciliation;

    public AuditController(Reconciliation reconciliation) {
        this.reconciliation = reconciliation;
    }

    /** Projections against the event store; a projection is behind or wrong wherever a mismatch shows. */
    @GetMapping("/api/v1/audit/reconciliation")
    @Allowed(value = {AUDITOR, ADMIN}, reach = Allowed.Reach.ALL_ACCOUNTS)
    public Reconciliation.Report reconcile() {
        return reconciliation.run();
    }
}
