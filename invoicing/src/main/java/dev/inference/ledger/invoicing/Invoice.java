package dev.inference.ledger.invoicing;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Clock;
import java.time.Instant;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

import dev.inference.ledger.invoicing.InvoiceCommand.IssueInvoice;
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
import dev.inference.ledger.kernel.money.Money;

/**
 * One invoice: issued once with its number and rounded lines, then paid, or failed after its last attempt
 * and asked again. An issued invoice never changes; the state here is only what the next decision needs.
 */
public class Invoice {

    /** Paid with nothing to charge: the reference an invoice of zero is settled with. */
    public static final String NOTHING_DUE = "nothing-due";

    @AggregateIdentifier
    private String invoiceId;
    private String number;
    private String accountId;
    private Money total;
    private boolean paid;
    private boolean failed;
    private boolean voided;
    private int round;
    private int attempt;

    protected Invoice() {
        // for Axon
    }

    @CommandHandler
    public Invoice(IssueInvoice command, Clock clock) {
        Instant now = clock.instant();
        InvoiceRounding.Rounded rounded = InvoiceRounding.round(command.charges(), command.carriedIn(), command.currency());
        InvoiceIssued issued = new InvoiceIssued(command.invoiceId(), command.number(), command.accountId(), command.kind(),
                command.currency(), command.periodStart(), command.periodEnd(), rounded.lines(), rounded.exactCharges(),
                command.carriedIn(), rounded.total(), rounded.carriedOut(), now);
        apply(issued);
        if (rounded.total().signum() == 0) {
            apply(new InvoicePaid(command.invoiceId(), command.number(), command.accountId(), issued.totalMoney(), NOTHING_DUE, now));
        }
    }

    /** The answer to the attempt in flight; any other answer (a repeat, a late one) was recorded already. */
    @CommandHandler
    public void handle(RecordPaymentOutcome command, Clock clock, PaymentSchedule schedule) {
        if (paid || command.round() != round || command.attempt() != attempt) {
            return;
        }
        // Money taken is always recorded, even for an invoice voided meanwhile; other answers then change nothing.
        if ((failed || voided) && command.answer() != InvoiceCommand.PaymentAnswer.SUCCEEDED) {
            return;
        }
        Instant now = clock.instant();
        if (command.answer() == InvoiceCommand.PaymentAnswer.SUCCEEDED) {
            apply(new InvoicePaid(invoiceId, number, accountId, total, command.reference(), now));
        } else if (schedule.retries(attempt)) {
            apply(new InvoicePaymentAttemptFailed(invoiceId, number, accountId, attempt, reason(command), schedule.retryAt(attempt, now), now));
        } else {
            apply(new InvoicePaymentFailed(invoiceId, number, accountId, total, attempt, reason(command), now));
        }
    }

    @CommandHandler
    public void handle(RetryPayment command, Clock clock) {
        if (paid) {
            throw new InvoiceRuleViolation("invoice-paid", "invoice " + number + " is paid already");
        }
        if (voided) {
            throw new InvoiceRuleViolation("invoice-voided", "invoice " + number + " was voided by a credit note");
        }
        apply(new InvoicePaymentRetried(invoiceId, number, accountId, command.requestedBy(), clock.instant()));
    }

    /** A paid invoice would need a refund, which is not built; a voided one is voided already. */
    @CommandHandler
    public void handle(VoidInvoice command, Clock clock) {
        if (paid) {
            throw new InvoiceRuleViolation("invoice-paid", "invoice " + number + " is paid: it can be refunded, not voided");
        }
        if (voided) {
            throw new InvoiceRuleViolation("invoice-voided", "invoice " + number + " was voided already");
        }
        String reason = command.reason() == null || command.reason().isBlank() ? "voided" : command.reason().strip();
        apply(new InvoiceVoided(invoiceId, number, accountId, command.creditNoteNumber(), total, reason, clock.instant()));
    }

    private static String reason(RecordPaymentOutcome command) {
        String reason = command.reason() == null ? "no reason given" : command.reason();
        return command.answer() == InvoiceCommand.PaymentAnswer.UNKNOWN ? "outcome-unknown: " + reason : reason;
    }

    @EventSourcingHandler
    void on(InvoiceEvent event) {
        if (event instanceof InvoiceIssued issued) {
            invoiceId = issued.invoiceId();
            number = issued.number();
            accountId = issued.accountId();
            total = issued.totalMoney();
            round = 1;
            attempt = 1;
        } else if (event instanceof InvoicePaid) {
            paid = true;
        } else if (event instanceof InvoicePaymentAttemptFailed) {
            attempt++;
        } else if (event instanceof InvoicePaymentFailed) {
            failed = true;
        } else if (event instanceof InvoicePaymentRetried) {
            failed = false;
            round++;
            attempt = 1;
        } else if (event instanceof InvoiceVoided) {
            voided = true;
        } else {
            throw new IllegalStateException("the invoice does not know " + event.getClass().getSimpleName());
        }
    }
}
