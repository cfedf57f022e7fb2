package dev.inference.ledger.invoicing;

import dev.inference.ledger.kernel.invoice.InvoiceEvent;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceIssued;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaid;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentAttemptFailed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentFailed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentRetried;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceVoided;
import dev.inference.ledger.kernel.money.Money;

/**
 * What an issued invoice remembers to decide: the result of folding its events, nothing else. {@code round}
 * counts the times payment was asked for (1, then one more per retry); {@code attempt}, the attempts of this round.
 */
public record InvoiceState(String invoiceId, String number, String accountId, Money total, boolean paid, boolean failed,
                           boolean voided, int round, int attempt) implements InvoiceEvent.Fold<InvoiceState> {

    static InvoiceState issued(InvoiceIssued issued) {
        return new InvoiceState(issued.invoiceId(), issued.number(), issued.accountId(), issued.totalMoney(), false, false, false, 1, 1);
    }

    InvoiceState evolve(InvoiceEvent event) {
        return event.fold(this);
    }

    /** The stream's first event: the state starts from it ({@link #issued}); it is never a change. */
    @Override
    public InvoiceState on(InvoiceIssued event) {
        return this;
    }

    @Override
    public InvoiceState on(InvoicePaid event) {
        return new InvoiceState(invoiceId, number, accountId, total, true, failed, voided, round, attempt);
    }

    @Override
    public InvoiceState on(InvoicePaymentAttemptFailed event) {
        return new InvoiceState(invoiceId, number, accountId, total, paid, failed, voided, round, attempt + 1);
    }

    @Override
    public InvoiceState on(InvoicePaymentFailed event) {
        return new InvoiceState(invoiceId, number, accountId, total, paid, true, voided, round, attempt);
    }

    @Override
    public InvoiceState on(InvoicePaymentRetried event) {
        return new InvoiceState(invoiceId, number, accountId, total, paid, false, voided, round + 1, 1);
    }

    @Override
    public InvoiceState on(InvoiceVoided event) {
        return new InvoiceState(invoiceId, number, accountId, total, paid, failed, true, round, attempt);
    }
}
