package dev.inference.ledger.invoicing;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;

import dev.inference.ledger.invoicing.InvoiceCommand.CreditInvoice;
import dev.inference.ledger.invoicing.InvoiceCommand.IssueInvoice;
import dev.inference.ledger.invoicing.InvoiceCommand.RecordRefundOutcome;
import dev.inference.ledger.invoicing.InvoiceCommand.RecordPaymentOutcome;
import dev.inference.ledger.invoicing.InvoiceCommand.RetryPayment;
import dev.inference.ledger.invoicing.InvoiceCommand.VoidInvoice;
import dev.inference.ledger.kernel.invoice.InvoiceEvent;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceIssued;

/**
 * One invoice: issued once with its number and rounded lines, then paid, or failed after its last attempt
 * and asked again. It decides with {@link InvoiceRules} and remembers with {@link InvoiceState}; this class
 * only wires the two into Axon.
 */
public class Invoice {

    @AggregateIdentifier
    private String invoiceId;
    private InvoiceState state;

    protected Invoice() {
        // for Axon
    }

    @CommandHandler
    public Invoice(IssueInvoice command, Clock clock) {
        record(InvoiceRules.issue(command, clock.instant()));
    }

    @CommandHandler
    public void handle(RecordPaymentOutcome command, Clock clock, PaymentSchedule schedule) {
        record(InvoiceRules.paymentOutcome(state, command, schedule, clock.instant()));
    }

    @CommandHandler
    public void handle(RetryPayment command, Clock clock) {
        record(InvoiceRules.retry(state, command, clock.instant()));
    }

    /**
     * Returns the credit note recorded, numbered in the credit notes' series in the caller's transaction only when one is; the one
     * recorded before under the same id (a repeat); or null when the invoice had nothing left to credit.
     */
    @CommandHandler
    public InvoiceCommand.Credited handle(CreditInvoice command, Clock clock, InvoiceBook book) {
        InvoiceCommand.Credited before = state.creditNotes().get(command.creditNoteId());
        if (before != null) {
            return before;
        }
        Instant now = clock.instant();
        List<InvoiceEvent> events = InvoiceRules.credit(state, command,
                () -> book.nextNumber(InvoiceIssuer.CREDIT_NOTE_SERIES, now.atOffset(java.time.ZoneOffset.UTC).getYear()), now);
        record(events);
        if (events.isEmpty()) {
            return null;
        }
        InvoiceEvent.InvoiceCredited credited = (InvoiceEvent.InvoiceCredited) events.get(0);
        return new InvoiceCommand.Credited(credited.creditNoteNumber(), credited.amount().amount(), false);
    }

    @CommandHandler
    public void handle(RecordRefundOutcome command, Clock clock) {
        record(InvoiceRules.refundOutcome(state, command, clock.instant()));
    }

    @CommandHandler
    public void handle(VoidInvoice command, Clock clock) {
        record(InvoiceRules.voidInvoice(state, command, clock.instant()));
    }

    private static void record(List<InvoiceEvent> events) {
        events.forEach(AggregateLifecycle::apply);
    }

    @EventSourcingHandler
    void on(InvoiceIssued event) {
        invoiceId = event.invoiceId();
        state = InvoiceState.issued(event);
    }

    @EventSourcingHandler
    void on(InvoiceEvent event) {
        if (!(event instanceof InvoiceIssued)) {
            state = state.evolve(event);
        }
    }
}
