package dev.inference.ledger.invoicing;

import java.time.Instant;
import java.util.List;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import dev.inference.ledger.kernel.account.AccountEvent.UnbilledLine;

/** What can be asked of an invoice. */
public sealed interface InvoiceCommand {

    String invoiceId();

    /**
     * Issue the invoice for the charges its account closed onto it, under {@code number} (taken in the same
     * transaction), with the rounding {@code carriedIn} from the account's previous invoice.
     */
    record IssueInvoice(@TargetAggregateIdentifier String invoiceId, String number, String accountId, String kind, String currency,
                        Instant periodStart, Instant periodEnd, List<UnbilledLine> charges, java.math.BigDecimal carriedIn)
            implements InvoiceCommand {
        public IssueInvoice {
            charges = List.copyOf(charges);
        }
    }

    /** The payment provider's answer to one attempt; recording an answer for another attempt or round changes nothing. */
    record RecordPaymentOutcome(@TargetAggregateIdentifier String invoiceId, int round, int attempt, PaymentAnswer answer,
                                String reference, String reason, java.math.BigDecimal charged) implements InvoiceCommand {
        /** An answer that does not say what was taken: what the invoice asks for now. */
        public RecordPaymentOutcome(String invoiceId, int round, int attempt, PaymentAnswer answer, String reference, String reason) {
            this(invoiceId, round, attempt, answer, reference, reason, null);
        }
    }

    /** Ask for payment again: a new card on file, or someone pressed pay. */
    record RetryPayment(@TargetAggregateIdentifier String invoiceId, String requestedBy) implements InvoiceCommand {
    }

    /** Cancel an unpaid invoice by a credit note of the same amount, numbered {@code creditNoteNumber} in its own series. */
    record VoidInvoice(@TargetAggregateIdentifier String invoiceId, String creditNoteNumber, String reason) implements InvoiceCommand {
    }

    /**
     * A credit note for part of the invoice, keyed by {@code creditNoteId} (asked twice, it credits once), numbered by the invoice
     * in the credit notes' series when it records one. {@code settlement}:
     * refund or credit for a paid invoice (null: credit); an unpaid one's simply asks for less. {@code upToWhatIsLeft}: a
     * process's credit, which takes what the invoice has left to credit when that is less (none, when it was voided).
     */
    record CreditInvoice(@TargetAggregateIdentifier String invoiceId, String creditNoteId, dev.inference.ledger.kernel.money.Money amount,
                         String settlement, String reason, String usageEventId, boolean upToWhatIsLeft) implements InvoiceCommand {
    }

    /** What a credit note request recorded: its number and amount ({@code repeat}: recorded before, under the same id). */
    record Credited(String creditNoteNumber, java.math.BigDecimal amount, boolean repeat) {
    }

    /** The payment provider's answer to a credit note's refund; an answer for a refund already answered changes nothing. */
    record RecordRefundOutcome(@TargetAggregateIdentifier String invoiceId, String creditNoteNumber,
                               dev.inference.ledger.kernel.money.Money amount, PaymentAnswer answer, String reference, String reason)
            implements InvoiceCommand {
    }

    /** SUCCEEDED: paid. DECLINED: refused, no money taken. UNKNOWN: no definite answer, the same key is asked again. */
    enum PaymentAnswer { SUCCEEDED, DECLINED, UNKNOWN }
}
