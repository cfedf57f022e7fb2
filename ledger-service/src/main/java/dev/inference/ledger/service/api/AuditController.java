package dev.inference.ledger.service.api;

import io.swagger.v3.oas.annotations.Operation;
import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.AUDITOR;
import static dev.inference.ledger.service.security.Role.STAFF;

import java.time.Duration;
import java.time.Instant;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import javax.sql.DataSource;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import dev.inference.ledger.service.audit.AuditLog;
import dev.inference.ledger.audit.AuditSigningKey;
import dev.inference.ledger.service.audit.AuditVerifications;
import dev.inference.ledger.service.audit.Reconciliation;
import dev.inference.ledger.audit.WhatIfRerating;
import dev.inference.ledger.kernel.pricing.CatalogView;
import dev.inference.ledger.service.security.Allowed;

/** What auditors read: the reconciliation, the append-only log, its signed checkpoints and proofs; and what-if re-rating. */
@RestController
@RequestMapping("/api/v1/audit")
public class AuditController {

    static final int MAX_EVENTS = 1000;
    static final int MAX_CHECKPOINTS = 1000;

    private final Reconciliation reconciliation;
    private final AuditLog log;
    private final AuditSigningKey key;
    private final WhatIfRerating whatIf;
    private final AuditVerifications verifications;

    public AuditController(Reconciliation reconciliation, AuditLog log, AuditSigningKey key, DataSource dataSource,
                           AuditVerifications verifications) {
        this.verifications = verifications;
        this.reconciliation = reconciliation;
        this.log = log;
        this.key = key;
        this.whatIf = new WhatIfRerating(dataSource);
    }

    /** Projections against the event store; a projection is behind or wrong wherever a mismatch shows. */
    @Operation(summary = "Reconcile balances with the money received and charged")
    @GetMapping("/reconciliation")
    @Allowed(value = {AUDITOR, ADMIN}, reach = Allowed.Reach.ALL_ACCOUNTS)
    public Reconciliation.Report reconcile() {
        return reconciliation.run();
    }

    /** The log in order from {@code after} (a log index; -1 for the start), each row with its hash-chain link and Merkle leaf. */
    @Operation(summary = "A range of the audit log")
    @GetMapping("/events")
    @Allowed(value = {AUDITOR, ADMIN}, reach = Allowed.Reach.ALL_ACCOUNTS)
    public Map<String, Object> events(@RequestParam(defaultValue = "-1") long after, @RequestParam(defaultValue = "100") int limit) {
        if (after < -1 || limit < 1 || limit > MAX_EVENTS) {
            throw ApiException.badRequest("invalid-page", "after is a log index (-1 for the start), limit 1-" + MAX_EVENTS);
        }
        List<AuditLog.Row> rows = log.after(after, limit);
        return Map.of("events", rows, "size", log.size());
    }

    /** The signed tree heads, newest first, and the key that verifies them. */
    @Operation(summary = "The audit log's signed checkpoints")
    @GetMapping("/checkpoints")
    @Allowed(value = {AUDITOR, ADMIN}, reach = Allowed.Reach.ALL_ACCOUNTS)
    public Map<String, Object> checkpoints(@RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX_CHECKPOINTS) {
            throw ApiException.badRequest("invalid-page", "limit is 1-" + MAX_CHECKPOINTS);
        }
        return Map.of("verifierKey", key.verifierKey(), "checkpoints", log.checkpoints(limit));
    }

    /** The whole log as JSON lines, each row with its event's stored bytes: for {@code audit verify --log} offline. Streamed. */
    @Operation(summary = "Export the audit log")
    @GetMapping(value = "/export", produces = "application/x-ndjson")
    @Allowed(value = {AUDITOR, ADMIN}, reach = Allowed.Reach.ALL_ACCOUNTS)
    public ResponseEntity<StreamingResponseBody> export() {
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"audit-log.jsonl\"")
                .body(log::export);
    }

    /** RFC 6962 audit path of entry {@code index} in the tree of the first {@code size} entries. */
    @Operation(summary = "An entry's inclusion proof")
    @GetMapping("/proofs/inclusion")
    @Allowed(value = {AUDITOR, ADMIN}, reach = Allowed.Reach.ALL_ACCOUNTS)
    public AuditLog.Proof inclusion(@RequestParam long index, @RequestParam long size) {
        long logSize = log.size();
        if (size < 1 || size > logSize || index < 0 || index >= size) {
            throw ApiException.badRequest("invalid-proof-range", "index must be below size, and size 1-" + logSize + " (the log's size now)");
        }
        return log.inclusion(index, size);
    }

    /** RFC 6962 proof that the tree of {@code to} entries extends the one of {@code from}. */
    @Operation(summary = "A consistency proof between two checkpoints")
    @GetMapping("/proofs/consistency")
    @Allowed(value = {AUDITOR, ADMIN}, reach = Allowed.Reach.ALL_ACCOUNTS)
    public AuditLog.Proof consistency(@RequestParam long from, @RequestParam long to) {
        long logSize = log.size();
        if (from < 1 || from > to || to > logSize) {
            throw ApiException.badRequest("invalid-proof-range", "1 <= from <= to <= " + logSize + " (the log's size now)");
        }
        return log.consistency(from, to);
    }

    /** The latest runs of {@code audit verify} against this database and how each concluded, newest first. */
    @Operation(summary = "The audit log's recent verifications")
    @GetMapping("/verifications")
    @Allowed(value = {AUDITOR, ADMIN}, reach = Allowed.Reach.ALL_ACCOUNTS)
    public Map<String, Object> verifications(@RequestParam(defaultValue = "10") int limit) {
        if (limit < 1 || limit > MAX_CHECKPOINTS) {
            throw ApiException.badRequest("invalid-page", "limit is 1-" + MAX_CHECKPOINTS);
        }
        return Map.of("verifications", verifications.latest(limit));
    }

    /** A draft catalog (in the shape {@code GET /api/v1/prices} returns) and the period whose records it re-rates. */
    record WhatIfRequest(CatalogView catalog, Instant from, Instant to) {
    }

    /**
     * What each account paid per model for the usage that occurred in [from, to), and what it would have
     * paid under the draft catalog. A pass over the whole event store; writes nothing.
     */
    @Operation(summary = "Re-rate a period with a draft price list")
    @PostMapping("/what-if")
    @Allowed(value = {AUDITOR, ADMIN, STAFF}, reach = Allowed.Reach.ALL_ACCOUNTS)
    public WhatIfRerating.Result whatIf(@RequestBody WhatIfRequest request) {
        if (request.catalog() == null || request.from() == null || request.to() == null) {
            throw ApiException.badRequest("invalid-what-if", "catalog, from and to are required");
        }
        if (!request.from().isBefore(request.to()) || Duration.between(request.from(), request.to()).compareTo(WhatIfRerating.MAX_PERIOD) > 0) {
            throw ApiException.badRequest("invalid-what-if", "from must be before to, at most " + WhatIfRerating.MAX_PERIOD.toDays()
                    + " days apart");
        }
        return whatIf.run(CatalogRequest.draft(request.catalog()), request.from(), request.to());
    }
}
