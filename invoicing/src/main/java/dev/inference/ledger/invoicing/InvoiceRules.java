package dev.inference.ledger.invoicing;

import java.time.Instant;
import java.util.List;

import dev.inference.ledger.invoicing.InvoiceCommand.IssueInvoice;
import dev.inference.ledger.invoicing.InvoiceCommand.PaymentAnswer;
import dev.inference.ledger.invoicing.InvoiceCommand.RecordPaymentOutcome;
import dev.inference.ledger.invoicing.InvoiceCommand.RetryPayment;
import dev.inference.ledger.invoicing.InvoiceCommand.VoidInvoice;
import dev.inference.ledger.kernel.invoice.InvoiceEvent;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceIssued;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaid;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentAttemptFailed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentFailed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentRetried;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceVoided;

/**
 * The invoice's decisions, each a pure function of what it was asked, its state and the time: the events to
 * record, or an {@link InvoiceRuleViolation}. {@link Invoice} only wires them into Axon.
 */
public final class InvoiceRules {

    /** Paid with nothing to charge: the reference an invoice of zero is settled with. */
    public static final String NOTHING_DUE = "nothing-due";

    private InvoiceRules() {
    }

    /** Issued once with its rounded lines; an invoice of zero is paid at once, with nothing to charge. */
    public static List<InvoiceEvent> issue(IssueInvoice command, Instant now) {
        InvoiceRounding.Rounded rounded = InvoiceRounding.round(command.charges(), command.carriedIn(), command.currency());
        InvoiceIssued issued = new InvoiceIssued(command.invoiceId(), command.number(), command.accountId(), command.kind(),
                command.currency(), command.periodStart(), command.periodEnd(), rounded.lines(), rounded.exactCharges(),
                command.carriedIn(), rounded.total(), rounded.carriedOut(), now);
        if (rounded.total().signum() != 0) {
            return List.of(issued);
        }
        return List.of(issued, new InvoicePaid(command.invoiceId(), command.number(), command.accountId(), issued.totalMoney(), NOTHING_DUE, now));
    }

    /**
     * The answer to the attempt in flight: paid, another attempt scheduled, or failed after the last one. Any
     * other answer (a repeat, a late one) was recorded already and changes nothing. Money taken is always
     * recorded, even for an invoice voided or failed meanwhile.
     */
    public static List<InvoiceEvent> paymentOutcome(InvoiceState invoice, RecordPaymentOutcome command, PaymentSchedule schedule,
                                                    Instant now) {
        if (invoice.paid() || command.round() != invoice.round() || command.attempt() != invoice.attempt()) {
            return List.of();
        }
        if (command.answer() == PaymentAnswer.SUCCEEDED) {
            return List.of(new InvoicePaid(invoice.invoiceId(), invoice.number(), invoice.accountId(), invoice.total(),
                    command.reference(), now));
        }
        if (invoice.failed() || invoice.voided()) {
            return List.of();
        }
        String reason = failureReason(command);
        if (schedule.retries(invoice.attempt())) {
            return List.of(new InvoicePaymentAttemptFailed(invoice.invoiceId(), invoice.number(), invoice.accountId(), invoice.attempt(),
                    reason, schedule.retryAt(invoice.attempt(), now), now));
        }
        return List.of(new InvoicePaymentFailed(invoice.invoiceId(), invoice.number(), invoice.accountId(), invoice.total(),
                invoice.attempt(), reason, now));
    }

    /** Payment asked again (a new card on file, someone pressed pay): never for an invoice paid or voided. */
    public static List<InvoiceEvent> retry(InvoiceState invoice, RetryPayment command, Instant now) {
        if (invoice.paid()) {
            throw new InvoiceRuleViolation("invoice-paid", "invoice " + invoice.number() + " is paid already");
        }
        if (invoice.voided()) {
            throw new InvoiceRuleViolation("invoice-voided", "invoice " + invoice.number() + " was voided by a credit note");
        }
        return List.of(new InvoicePaymentRetried(invoice.invoiceId(), invoice.number(), invoice.accountId(), command.requestedBy(), now));
    }

    /** A credit note of the whole amount cancels an unpaid invoice; a paid one would need a refund, which is not built. */
    public static List<InvoiceEvent> voidInvoice(InvoiceState invoice, VoidInvoice command, Instant now) {
        if (invoice.paid()) {
            throw new InvoiceRuleViolation("invoice-paid", "invoice " + invoice.number() + " is paid: it can be refunded, not voided");
        }
        if (invoice.voided()) {
            throw new InvoiceRuleViolation("invoice-voided", "invoice " + invoice.number() + " was voided already");
        }
        String reason = command.reason() == null || command.reason().isBlank() ? "voided" : command.reason().strip();
        return List.of(new InvoiceVoided(invoice.invoiceId(), invoice.number(), invoice.accountId(), command.creditNoteNumber(),
                invoice.total(), reason, now));
    }

    private static String failureReason(RecordPaymentOutcome command) {
        String reason = command.reason() == null ? "no reason given" : command.reason();
        return command.answer() == PaymentAnswer.UNKNOWN ? "outcome-unknown: " + reason : reason;
    }
}
