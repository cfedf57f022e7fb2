package dev.inference.ledger.service.invoice;

import io.swagger.v3.oas.annotations.Operation;
import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.CUSTOMER;
import static dev.inference.ledger.service.security.Role.AUDITOR;
import static dev.inference.ledger.service.security.Role.STAFF;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.transaction.TransactionManager;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.invoicing.process.InvoiceProjection;
import dev.inference.ledger.invoicing.process.Invoices;
import dev.inference.ledger.invoicing.InvoiceDocuments;
import dev.inference.ledger.invoicing.InvoiceView;
import dev.inference.ledger.invoicing.InvoiceCommand.RetryPayment;
import dev.inference.ledger.invoicing.InvoiceIssuer;
import dev.inference.ledger.processing.OwnUnitOfWork;
import dev.inference.ledger.accounts.AccountCommand.AttachPaymentMethod;
import dev.inference.ledger.service.api.ApiException;
import dev.inference.ledger.service.api.IdempotentRequests;
import dev.inference.ledger.service.api.MoneyInput;
import dev.inference.ledger.kernel.input.Identifier;
import dev.inference.ledger.kernel.money.Money;
import org.springframework.web.bind.annotation.RequestHeader;
import dev.inference.ledger.service.security.Allowed;

/**
 * Invoices as documents (JSON, PDF, CSV), paying one again, and the card on file. An invoice named by
 * its number belongs to one account: the access rule resolves it ({@link InvoiceOwner}) before a bound
 * token may read it.
 */
@RestController
@RequestMapping("/api/v1")
public class InvoicesController {

    private final Invoices invoices;
    private final CommandGateway commands;
    private final InvoiceIssuer issuer;
    private final TransactionManager transactions;
    private final IdempotentRequests idempotent;

    public InvoicesController(Invoices invoices, CommandGateway commands, InvoiceIssuer issuer, TransactionManager transactions,
                              IdempotentRequests idempotent) {
        this.idempotent = idempotent;
        this.invoices = invoices;
        this.commands = commands;
        this.issuer = issuer;
        this.transactions = transactions;
    }

    record PaymentMethodRequest(String paymentMethodId, String description) {
    }

    record PaymentMethodView(String accountId, String paymentMethodId, String description) {
    }

    @Operation(summary = "Attach a payment method")
    @PutMapping("/accounts/{id}/payment-method")
    @Allowed({ADMIN, STAFF})
    public PaymentMethodView paymentMethod(@PathVariable String id, @RequestBody PaymentMethodRequest request) {
        if (request.paymentMethodId() == null) {
            throw ApiException.badRequest("invalid-payment-method", "paymentMethodId is required: the provider's id of the card");
        }
        commands.sendAndWait(new AttachPaymentMethod(id, request.paymentMethodId(), request.description()));
        return new PaymentMethodView(id, request.paymentMethodId(), request.description() == null ? "" : request.description().strip());
    }

    @Operation(summary = "The account's invoices")
    @GetMapping("/accounts/{id}/invoices")
    @Allowed({ADMIN, STAFF, AUDITOR, CUSTOMER})
    public Map<String, List<InvoiceView>> ofAccount(@PathVariable String id) {
        return Map.of("invoices", invoices.ofAccount(id));
    }

    /** What a threshold invoice would be now, by the same closing and rounding; writes nothing. */
    @Operation(summary = "What a threshold invoice would be now")
    @GetMapping("/accounts/{id}/invoices/preview")
    @Allowed({ADMIN, STAFF, AUDITOR, CUSTOMER})
    public Map<String, Object> preview(@PathVariable String id) {
        var rounded = issuer.preview(id, invoices.currencyOf(id).orElseThrow(() -> ApiException.notFound("no account " + id)));
        return Map.of("accountId", id, "lines", rounded.lines(), "exactCharges", rounded.exactCharges().toPlainString(),
                "total", rounded.total().toPlainString(), "carriedOut", rounded.carriedOut().toPlainString());
    }

    @Operation(summary = "An invoice")
    @GetMapping("/invoices/{number}")
    @Allowed({ADMIN, STAFF, AUDITOR, CUSTOMER})
    public InvoiceView invoice(@PathVariable String number) {
        return find(number);
    }

    @Operation(summary = "An invoice as PDF")
    @GetMapping("/invoices/{number}.pdf")
    @Allowed({ADMIN, STAFF, AUDITOR, CUSTOMER})
    public ResponseEntity<byte[]> pdf(@PathVariable String number) {
        InvoiceView invoice = find(number);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_PDF)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + invoice.number() + ".pdf\"")
                .body(InvoiceDocuments.pdf(invoice, invoices.buyerName(invoice.accountId())));
    }

    @Operation(summary = "An invoice as CSV")
    @GetMapping("/invoices/{number}.csv")
    @Allowed({ADMIN, STAFF, AUDITOR, CUSTOMER})
    public ResponseEntity<byte[]> csv(@PathVariable String number) {
        InvoiceView invoice = find(number);
        return ResponseEntity.ok().contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + invoice.number() + ".csv\"")
                .body(InvoiceDocuments.csv(invoice).getBytes(StandardCharsets.UTF_8));
    }

    /** Asks for payment again, with the card now on file: 202, the payment worker takes it from there. */
    @Operation(summary = "Ask for payment of an invoice again")
    @PostMapping("/invoices/{number}/pay")
    @Allowed({ADMIN, STAFF})
    public ResponseEntity<Map<String, String>> pay(@PathVariable String number) {
        InvoiceView invoice = find(number);
        commands.sendAndWait(new RetryPayment(invoice.invoiceId(), "pay endpoint"));
        return ResponseEntity.accepted().body(Map.of("number", invoice.number(), "status", "payment-requested"));
    }

    record VoidRequest(String reason) {
    }

    /** Cancels an unpaid invoice by a credit note of the same amount ({@code CN-2026-000001}); the account owes it no more. */
    @Operation(summary = "Void an unpaid invoice by a credit note")
    @PostMapping("/invoices/{number}/void")
    @Allowed({ADMIN})
    public Map<String, String> voidInvoice(@PathVariable String number, @RequestBody(required = false) VoidRequest request) {
        InvoiceView invoice = find(number);
        String creditNote = OwnUnitOfWork.call(transactions,
                () -> issuer.voidInvoice(invoice.invoiceId(), request == null ? null : request.reason()));
        return Map.of("number", invoice.number(), "creditNote", creditNote, "status", InvoiceProjection.VOID);
    }

    /** {@code settlement}: for a paid invoice, refund or credit (the default: a credit line on the account's next invoice). */
    record CreditNoteRequest(String amount, String reason, String settlement) {
    }

    record CreditNoteView(String number, String creditNote, String amount, String currency, String settlement, String status) {
    }

    /**
     * A credit note for part of an invoice. Unpaid, the invoice then asks for less; paid, the amount is refunded through the
     * payment provider (once, by the refund worker) or credited on the account's next invoice. The same {@code Idempotency-Key}
     * and body get the first answer again.
     */
    @Operation(summary = "Credit part of an invoice by a credit note: a refund, or credit on the next invoice")
    @PostMapping("/invoices/{number}/credit-notes")
    @Allowed({ADMIN})
    public ResponseEntity<String> creditNote(@PathVariable String number, @RequestHeader("Idempotency-Key") String key,
                                             @RequestBody CreditNoteRequest request) {
        InvoiceView invoice = find(number);
        return idempotent.once("credit-note:" + invoice.number(), key, request, () -> {
            Money amount = MoneyInput.of("amount", request.amount(), invoice.currency());
            if (request.reason() == null || request.reason().isBlank()) {
                throw ApiException.badRequest("invalid-credit-note", "a credit note says why: reason is required");
            }
            Identifier.REASON.problem(request.reason().strip()).ifPresent(problem -> {
                throw ApiException.badRequest("invalid-credit-note", problem);
            });
            // The same key again, its answer not kept (a crash between): the invoice answers with the credit note it made then.
            var credited = OwnUnitOfWork.call(transactions, () -> issuer.credit(invoice.invoiceId(), key, amount, request.settlement(),
                    request.reason(), null, false));
            String creditNote = credited.creditNoteNumber();
            int status = credited.repeat() ? 200 : 201;
            String made = creditNote;
            var note = invoices.creditNotes(invoice.invoiceId()).stream().filter(n -> n.creditNoteNumber().equals(made)).findFirst();
            return new IdempotentRequests.Answer(status, new CreditNoteView(invoice.number(), creditNote, amount.toPlainString(),
                    amount.currency(), note.map(InvoiceView.CreditNote::settlement).orElse(null),
                    note.map(n -> n.refundStatus() == null ? n.settlement() : "refund-" + n.refundStatus()).orElse("recorded")));
        });
    }

    private InvoiceView find(String number) {
        return invoices.byNumber(number).orElseThrow(() -> ApiException.notFound("no invoice " + number));
    }
}
