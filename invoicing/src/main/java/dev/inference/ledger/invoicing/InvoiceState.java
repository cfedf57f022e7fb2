package dev.inference.ledger.invoicing;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import dev.inference.ledger.kernel.invoice.InvoiceEvent;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceCredited;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceIssued;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceOverpaid;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaid;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentAttemptFailed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentFailed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentRetried;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceRefundFailed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceRefunded;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceVoided;
import dev.inference.ledger.kernel.money.Money;

/**
 * What an issued invoice remembers to decide: the result of folding its events, nothing else. {@code round}
 * counts the times payment was asked for (1, then one more per retry); {@code attempt}, the attempts of this round.
 * {@code credited}: what its credit notes took off it; {@code creditNotes}: each by its request's key; {@code refunding}: the
 * credit notes whose refund has no answer yet; {@code overpaid}: money taken beyond what was due was recorded.
 */
public record InvoiceState(String invoiceId, String number, String accountId, Money total, boolean paid, boolean failed,
                           boolean voided, int round, int attempt, BigDecimal credited, Map<String, InvoiceCommand.Credited> creditNotes,
                           Set<String> refunding, boolean paidByCredit, boolean overpaid) implements InvoiceEvent.Fold<InvoiceState> {

    public InvoiceState {
        credited = credited == null ? BigDecimal.ZERO : credited;
        creditNotes = creditNotes == null ? Map.of() : Map.copyOf(creditNotes);
        refunding = refunding == null ? Set.of() : Set.copyOf(refunding);
    }

    static InvoiceState issued(InvoiceIssued issued) {
        return new InvoiceState(issued.invoiceId(), issued.number(), issued.accountId(), issued.totalMoney(), false, false, false, 1, 1,
                BigDecimal.ZERO, Map.of(), Set.of(), false, false);
    }

    /** What the invoice still asks for: its total less its credit notes. */
    Money due() {
        return new Money(total.amount().subtract(credited), total.currency());
    }

    InvoiceState evolve(InvoiceEvent event) {
        return event.fold(this);
    }

    /** The stream's first event: the state starts from it ({@link #issued}); it is never a change. */
    @Override
    public InvoiceState on(InvoiceIssued event) {
        return this;
    }

    /** Paid; {@code paidByCredit} when credit notes left nothing to charge, so an attempt answered later took money not owed. */
    @Override
    public InvoiceState on(InvoicePaid event) {
        boolean byCredit = InvoiceRules.NOTHING_DUE.equals(event.paymentReference()) && credited.signum() > 0;
        return new InvoiceState(invoiceId, number, accountId, total, true, failed, voided, round, attempt, credited, creditNotes, refunding,
                byCredit, overpaid);
    }

    @Override
    public InvoiceState on(InvoiceOverpaid event) {
        return new InvoiceState(invoiceId, number, accountId, total, paid, failed, voided, round, attempt, credited, creditNotes, refunding,
                paidByCredit, true);
    }

    @Override
    public InvoiceState on(InvoicePaymentAttemptFailed event) {
        return with(paid, failed, voided, round, attempt + 1);
    }

    @Override
    public InvoiceState on(InvoicePaymentFailed event) {
        return with(paid, true, voided, round, attempt);
    }

    @Override
    public InvoiceState on(InvoicePaymentRetried event) {
        return with(paid, false, voided, round + 1, 1);
    }

    @Override
    public InvoiceState on(InvoiceVoided event) {
        return with(paid, failed, true, round, attempt);
    }

    @Override
    public InvoiceState on(InvoiceCredited event) {
        Map<String, InvoiceCommand.Credited> notes = new HashMap<>(creditNotes);
        notes.put(event.creditNoteId(), new InvoiceCommand.Credited(event.creditNoteNumber(), event.amount().amount(), true));
        Set<String> open = new HashSet<>(refunding);
        if (InvoiceEvent.REFUND.equals(event.settlement())) {
            open.add(event.creditNoteNumber());
        }
        return new InvoiceState(invoiceId, number, accountId, total, paid, failed, voided, round, attempt,
                credited.add(event.amount().amount()), notes, open, paidByCredit, overpaid);
    }

    @Override
    public InvoiceState on(InvoiceRefunded event) {
        return refundAnswered(event.creditNoteNumber());
    }

    @Override
    public InvoiceState on(InvoiceRefundFailed event) {
        return refundAnswered(event.creditNoteNumber());
    }

    private InvoiceState refundAnswered(String creditNoteNumber) {
        Set<String> open = new HashSet<>(refunding);
        open.remove(creditNoteNumber);
        return new InvoiceState(invoiceId, number, accountId, total, paid, failed, voided, round, attempt, credited, creditNotes, open,
                paidByCredit, overpaid);
    }

    private InvoiceState with(boolean nowPaid, boolean nowFailed, boolean nowVoided, int nowRound, int nowAttempt) {
        return new InvoiceState(invoiceId, number, accountId, total, nowPaid, nowFailed, nowVoided, nowRound, nowAttempt, credited,
                creditNotes, refunding, paidByCredit, overpaid);
    }
}
