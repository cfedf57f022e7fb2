package dev.inference.ledger.invoicing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import dev.inference.ledger.invoicing.InvoiceCommand.CreditInvoice;
import dev.inference.ledger.invoicing.InvoiceCommand.IssueInvoice;
import dev.inference.ledger.invoicing.InvoiceCommand.RecordRefundOutcome;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceCredited;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceOverpaid;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceRefundFailed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceRefunded;
import dev.inference.ledger.kernel.money.Money;
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
        if (command.round() != invoice.round() || command.attempt() != invoice.attempt()) {
            return List.of();
        }
        if (invoice.paid()) {
            // Credit notes left nothing to charge while this attempt was in flight: what it took is owed back.
            if (command.answer() == PaymentAnswer.SUCCEEDED && invoice.paidByCredit() && !invoice.overpaid() && command.charged() != null
                    && command.charged().signum() > 0) {
                return List.of(new InvoiceOverpaid(invoice.invoiceId(), invoice.number(), invoice.accountId(),
                        new Money(command.charged(), invoice.total().currency()), command.reference(), now));
            }
            return List.of();
        }
        if (command.answer() == PaymentAnswer.SUCCEEDED) {
            Money due = invoice.due();
            InvoicePaid paid = new InvoicePaid(invoice.invoiceId(), invoice.number(), invoice.accountId(), due, command.reference(), now);
            // A credit note lowered what is due while the attempt was in flight: the provider took what was asked then.
            if (command.charged() != null && command.charged().compareTo(due.amount()) > 0) {
                return List.of(paid, new InvoiceOverpaid(invoice.invoiceId(), invoice.number(), invoice.accountId(),
                        new Money(command.charged().subtract(due.amount()), due.currency()), command.reference(), now));
            }
            return List.of(paid);
        }
        if (invoice.failed() || invoice.voided()) {
            return List.of();
        }
        String reason = failureReason(command);
        if (schedule.retries(invoice.attempt())) {
            return List.of(new InvoicePaymentAttemptFailed(invoice.invoiceId(), invoice.number(), invoice.accountId(), invoice.attempt(),
                    reason, schedule.retryAt(invoice.attempt(), now), now));
        }
        return List.of(new InvoicePaymentFailed(invoice.invoiceId(), invoice.number(), invoice.accountId(), invoice.due(),
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

    /**
     * A credit note for part (or the rest) of an invoice, in the currency's minor unit, never more than is left to credit.
     * Unpaid, the invoice asks for less, and for nothing at all once fully credited (it is settled then, as an invoice of
     * zero is). Paid, the amount goes back: refunded through the payment provider, or credited on the account's next
     * invoice. The same {@code creditNoteId} again changes nothing.
     */
    public static List<InvoiceEvent> credit(InvoiceState invoice, CreditInvoice command, java.util.function.Supplier<String> nextNumber,
                                            Instant now) {
        if (invoice.creditNotes().containsKey(command.creditNoteId())) {
            return List.of();
        }
        BigDecimal left = invoice.total().amount().subtract(invoice.credited());
        if (invoice.voided() || left.signum() <= 0) {
            if (command.upToWhatIsLeft()) {
                return List.of();
            }
            throw new InvoiceRuleViolation("invoice-fully-credited", "invoice " + invoice.number() + " has nothing left to credit");
        }
        Money amount = command.amount();
        int places = java.util.Currency.getInstance(invoice.total().currency()).getDefaultFractionDigits();
        if (amount == null || !amount.currency().equals(invoice.total().currency()) || amount.amount().signum() <= 0
                || amount.amount().stripTrailingZeros().scale() > places) {
            throw new InvoiceRuleViolation("invalid-credit-note", "amount must be more than zero, in " + invoice.total().currency()
                    + " with at most " + places + " decimal places");
        }
        BigDecimal credited = amount.amount();
        if (credited.compareTo(left) > 0) {
            if (!command.upToWhatIsLeft()) {
                throw new InvoiceRuleViolation("credit-exceeds-invoice", "invoice " + invoice.number() + " has "
                        + left.toPlainString() + " left to credit");
            }
            credited = left;
        }
        String settlement;
        if (!invoice.paid()) {
            if (InvoiceEvent.REFUND.equals(command.settlement()) && !command.upToWhatIsLeft()) {
                throw new InvoiceRuleViolation("invoice-unpaid", "invoice " + invoice.number() + " is not paid: nothing to refund; "
                        + "its credit note lowers what it asks for");
            }
            settlement = InvoiceEvent.DUE;
        } else if (command.settlement() == null || InvoiceEvent.CREDIT.equals(command.settlement())) {
            settlement = InvoiceEvent.CREDIT;
        } else if (InvoiceEvent.REFUND.equals(command.settlement())) {
            settlement = InvoiceEvent.REFUND;
        } else {
            throw new InvoiceRuleViolation("invalid-settlement", "settlement is refund or credit");
        }
        String reason = command.reason() == null || command.reason().isBlank() ? "credited" : command.reason().strip();
        Money noted = new Money(credited, amount.currency());
        BigDecimal creditedTotal = invoice.credited().add(credited);
        InvoiceCredited event = new InvoiceCredited(invoice.invoiceId(), invoice.number(), invoice.accountId(), command.creditNoteId(),
                nextNumber.get(), noted, new Money(creditedTotal, amount.currency()), settlement, reason, command.usageEventId(), now);
        if (!invoice.paid() && creditedTotal.compareTo(invoice.total().amount()) == 0) {
            return List.of(event, new InvoicePaid(invoice.invoiceId(), invoice.number(), invoice.accountId(), Money.zero(amount.currency()),
                    NOTHING_DUE, now));
        }
        return List.of(event);
    }

    /** The provider's answer to a refund: recorded once; an unknown answer is asked again, with the same key, by the worker. */
    public static List<InvoiceEvent> refundOutcome(InvoiceState invoice, RecordRefundOutcome command, Instant now) {
        if (!invoice.refunding().contains(command.creditNoteNumber()) || command.answer() == PaymentAnswer.UNKNOWN) {
            return List.of();
        }
        return List.of(command.answer() == PaymentAnswer.SUCCEEDED
                ? new InvoiceRefunded(invoice.invoiceId(), invoice.number(), invoice.accountId(), command.creditNoteNumber(), command.amount(),
                        command.reference(), now)
                : new InvoiceRefundFailed(invoice.invoiceId(), invoice.number(), invoice.accountId(), command.creditNoteNumber(),
                        command.amount(), command.reason() == null ? "no reason given" : command.reason(), now));
    }

    /** A credit note of the whole amount cancels an unpaid invoice; a paid one is credited (and refunded) instead. */
    public static List<InvoiceEvent> voidInvoice(InvoiceState invoice, VoidInvoice command, Instant now) {
        if (invoice.paid()) {
            throw new InvoiceRuleViolation("invoice-paid", "invoice " + invoice.number() + " is paid: it can be refunded, not voided");
        }
        if (invoice.voided()) {
            throw new InvoiceRuleViolation("invoice-voided", "invoice " + invoice.number() + " was voided already");
        }
        String reason = command.reason() == null || command.reason().isBlank() ? "voided" : command.reason().strip();
        return List.of(new InvoiceVoided(invoice.invoiceId(), invoice.number(), invoice.accountId(), command.creditNoteNumber(),
                invoice.due(), reason, now));
    }

    private static String failureReason(RecordPaymentOutcome command) {
        String reason = command.reason() == null ? "no reason given" : command.reason();
        return command.answer() == PaymentAnswer.UNKNOWN ? "outcome-unknown: " + reason : reason;
    }
}
