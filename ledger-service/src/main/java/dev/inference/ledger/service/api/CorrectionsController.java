package dev.inference.ledger.service.api;

import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.GATEWAY;
import static dev.inference.ledger.service.security.Role.STAFF;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.annotation.JsonFormat;

import dev.inference.ledger.accounts.AccountCommand.ReverseUsage;
import dev.inference.ledger.kernel.account.AccountEvent.GrantReturn;
import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.input.Identifier;
import dev.inference.ledger.service.account.registry.AccountRegistry;
import dev.inference.ledger.service.correction.ChargedRecords;
import dev.inference.ledger.service.security.Allowed;
import dev.inference.ledger.service.security.Caller;
import io.swagger.v3.oas.annotations.Operation;

/**
 * Corrections: staff, or the gateway of the account its token is bound to, reverse a charged usage record by its
 * {@code eventId}, saying why. The record is found in the account's own events; the account decides.
 */
@RestController
@RequestMapping("/api/v1/accounts")
public class CorrectionsController {

    private final CommandGateway commands;
    private final ChargedRecords records;
    private final AccountRegistry registry;

    public CorrectionsController(CommandGateway commands, ChargedRecords records, AccountRegistry registry) {
        this.commands = commands;
        this.records = records;
        this.registry = registry;
    }

    /** {@code settlement}: for a record on a paid invoice, refund or credit (the default) its credit note. */
    record ReversalRequest(String eventId, String reason, String settlement) {
    }

    record ReversalView(String accountId, String eventId, String reason, @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal cost,
                        String currency, List<GrantReturn> returnedToGrants,
                        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal expiredOnReturn,
                        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal balanceAfter,
                        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal unbilledAfter, Instant reversedAt,
                        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                        InvoiceCreditView invoiceCredit) {
    }

    /** The credit note a reversed invoiced record asks of its invoice: {@code amount} in the currency's minor unit. */
    record InvoiceCreditView(String invoiceId, String amount, String currency, String settlement) {
        static InvoiceCreditView of(dev.inference.ledger.kernel.account.AccountEvent.InvoiceCredit credit) {
            if (credit == null) {
                return null;
            }
            int places = java.util.Currency.getInstance(credit.amount().currency()).getDefaultFractionDigits();
            return new InvoiceCreditView(credit.invoiceId(), credit.amount().amount().setScale(places, java.math.RoundingMode.UNNECESSARY)
                    .toPlainString(), credit.amount().currency(), credit.settlement() == null ? "credit, if paid" : credit.settlement());
        }
    }

    @Operation(summary = "Reverse a charged usage record")
    @PostMapping("/{id}/usage/reversals")
    @Allowed({ADMIN, STAFF, GATEWAY})
    public ResponseEntity<ReversalView> reverse(@AuthenticationPrincipal Caller caller, @PathVariable String id,
                                                @RequestBody ReversalRequest request) {
        ApiException.requireAccount(registry, id);
        Identifier.EVENT_ID.problem(request.eventId()).ifPresent(problem -> {
            throw ApiException.badRequest("invalid-field", problem);
        });
        if (dev.inference.ledger.kernel.invoice.InvoiceEvent.REFUND.equals(request.settlement()) && caller.role() == GATEWAY) {
            throw new ApiException(422, "refund-needs-staff", "Refused", "a gateway may reverse its records; a refund is staff's to give");
        }
        var charged = records.find(id, request.eventId()).orElseThrow(() -> ApiException.notFound("account " + id
                + " has no charged usage record '" + Identifier.echo(request.eventId()) + "'"));
        UsageReversed reversed = commands.sendAndWait(new ReverseUsage(id, request.eventId(), request.reason(),
                caller.role().wire() + (caller.tokenId() == null ? "" : ":" + caller.tokenId()), charged, request.settlement()));
        return ResponseEntity.status(201).body(new ReversalView(id, reversed.usageEventId(), reversed.reason(), reversed.cost().amount(),
                reversed.cost().currency(), reversed.returned(), reversed.expiredOnReturn().amount(), reversed.balanceAfter().amount(),
                reversed.unbilledAfter().amount(), reversed.reversedAt(), InvoiceCreditView.of(reversed.invoiceCredit())));
    }
}
