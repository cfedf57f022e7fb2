package dev.inference.ledger.service.api;

import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.CUSTOMER;
import static dev.inference.ledger.service.security.Role.AUDITOR;
import static dev.inference.ledger.service.security.Role.GATEWAY;
import static dev.inference.ledger.service.security.Role.STAFF;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.audit.AuditSigningKey;
import dev.inference.ledger.audit.ReceiptProof;
import dev.inference.ledger.kernel.input.Identifier;
import dev.inference.ledger.service.audit.ReceiptProofs;
import dev.inference.ledger.service.security.Allowed;
import io.swagger.v3.oas.annotations.Operation;

/**
 * Receipts anyone can verify: a {@code usage.charged} receipt's proof, checked offline with the ledger's verifier key by
 * {@code audit verify-receipt} or the documented JavaScript function ({@code /receipts/verify-receipt.js}).
 */
@RestController
@RequestMapping("/api/v1/receipts")
public class ReceiptsController {

    private final ReceiptProofs proofs;
    private final AuditSigningKey key;

    public ReceiptsController(ReceiptProofs proofs, AuditSigningKey key) {
        this.proofs = proofs;
        this.key = key;
    }

    @Operation(summary = "A usage receipt's proof: the stored charge, its audit row, its inclusion in a signed checkpoint")
    @GetMapping("/{receiptId}/proof")
    @Allowed({ADMIN, STAFF, AUDITOR, GATEWAY, CUSTOMER})
    public ReceiptProof proof(@PathVariable String receiptId) {
        // <eventId>:<index>, an event id being a UUID: the bound of an eventId is more than enough.
        Identifier.EVENT_ID.problem(receiptId).ifPresent(problem -> {
            throw ApiException.badRequest("invalid-receipt-id", problem);
        });
        return proofs.proof(receiptId);
    }

    /** The key checkpoints are signed with: compare it with the one the platform publishes elsewhere before trusting a proof. */
    @Operation(summary = "The ledger's verifier key, that receipts' checkpoints are signed with")
    @GetMapping("/verifier-key")
    @Allowed({ADMIN, STAFF, AUDITOR, GATEWAY, CUSTOMER})
    public Map<String, String> verifierKey() {
        return Map.of("verifierKey", key.verifierKey());
    }
}
