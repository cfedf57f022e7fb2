package dev.inference.ledger.kernel.invoice;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonFormat;

import dev.inference.ledger.kernel.money.Money;

/**
 * The facts the Invoice aggregate records. An issued invoice never changes: a payment, a failed payment
 * or a void is a new event, and a correction is a credit note with its own number.
 */
public sealed interface InvoiceEvent {

    /** Hands this event to the method of {@code fold} for its type. */
    <R> R fold(Fold<R> fold);

    /**
     * A fold over these events: one method per event type, so that an event added here is a compile error in every
     * fold until it says what the event does to it.
     */
    interface Fold<R> {
        R on(InvoiceIssued event);

        R on(InvoicePaymentAttemptFailed event);

        R on(InvoicePaid event);

        R on(InvoicePaymentFailed event);

        R on(InvoicePaymentRetried event);

        R on(InvoiceVoided event);

        R on(InvoiceCredited event);

        R on(InvoiceRefunded event);

        R on(InvoiceRefundFailed event);

        R on(InvoiceOverpaid event);
    }

    /** How a credit note is settled: what an unpaid invoice asks for falls; a paid one's is refunded or credited. */
    String DUE = "due";
    String REFUND = "refund";
    String CREDIT = "credit";

    /** The invoice's stable id: the account and what it closes (e.g. {@code acct-42/monthly/2026-11}). */
    String invoiceId();

    String accountId();

    /**
     * The invoice as issued: numbered ({@code INV-2026-000001}) in the same transaction, its lines each
     * rounded once to the currency's minor unit, half-even. {@code carriedIn} is the rounding left over
     * by the account's previous invoice, {@code carriedOut} what this one leaves to the next: the exact
     * charges plus {@code carriedIn} equal {@code total} plus {@code carriedOut}, to the last decimal.
     */
    record InvoiceIssued(String invoiceId, String number, String accountId, String kind, String currency,
                         Instant periodStart, Instant periodEnd, List<InvoiceLine> lines,
                         @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal exactCharges,
                         @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal carriedIn,
                         @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal total,
                         @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal carriedOut,
                         Instant issuedAt) implements InvoiceEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }

        public InvoiceIssued {
            lines = List.copyOf(lines);
        }

        public Money totalMoney() {
            return new Money(total, currency);
        }
    }

    /**
     * One line: the charges of one model or meter, provider and component at one unit price, occurred in
     * {@code firstOccurredAt}..{@code lastOccurredAt} ({@code records} usage records). {@code exactAmount}
     * is the ledger's sum, {@code amount} that rounded half-even to the minor unit. The rounding carried
     * from the previous invoice is a line of its own (component {@code rounding-carried}).
     */
    record InvoiceLine(String kind, String item, String provider, String component, String priceUnit,
                       @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal unitPrice,
                       @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal quantity,
                       @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal exactAmount,
                       @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amount,
                       long records, Instant firstOccurredAt, Instant lastOccurredAt) {
    }

    /** One attempt to charge the payment method failed; the same idempotency key is tried again at {@code retryAt}. */
    record InvoicePaymentAttemptFailed(String invoiceId, String number, String accountId, int attempt, String reason,
                                       Instant retryAt, Instant failedAt) implements InvoiceEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** The payment method was charged (or nothing was due): the invoice is settled. */
    record InvoicePaid(String invoiceId, String number, String accountId, Money amount, String paymentReference,
                       Instant paidAt) implements InvoiceEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** Every attempt failed: the account is suspended until the invoice is paid. */
    record InvoicePaymentFailed(String invoiceId, String number, String accountId, Money amount, int attempts, String reason,
                                Instant failedAt) implements InvoiceEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** Payment asked again (a new payment method, or someone pressed pay): attempts start over, same key. */
    record InvoicePaymentRetried(String invoiceId, String number, String accountId, String requestedBy, Instant retriedAt)
            implements InvoiceEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /**
     * A credit note ({@code creditNoteNumber}, in the series voids use) for part of the invoice: {@code amount}, in the
     * currency's minor unit, is no longer owed. {@code settlement}: {@link #DUE} (the invoice was unpaid: what its payment
     * asks for falls by it), {@link #REFUND} (paid: given back through the payment provider) or {@link #CREDIT} (paid: a
     * credit line on the account's next invoice). {@code usageEventId}: the reversed usage record it corrects, if any.
     * {@code creditNoteId}: the request's key, so asking twice credits once.
     */
    record InvoiceCredited(String invoiceId, String number, String accountId, String creditNoteId, String creditNoteNumber, Money amount,
                           Money creditedTotal, String settlement, String reason, String usageEventId, Instant creditedAt)
            implements InvoiceEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** A credit note's amount was given back through the payment provider: {@code reference} is the provider's refund. */
    record InvoiceRefunded(String invoiceId, String number, String accountId, String creditNoteNumber, Money amount, String reference,
                           Instant refundedAt) implements InvoiceEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** The provider refused the refund (no money moved): the credit note stands, its money waits for staff. */
    record InvoiceRefundFailed(String invoiceId, String number, String accountId, String creditNoteNumber, Money amount, String reason,
                               Instant failedAt) implements InvoiceEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /**
     * Money the payment provider took beyond what the invoice asked by then (a credit note lowered it while the attempt was
     * in flight): {@code amount}, owed back to the account, which gets it as credit on its next invoice. Once per invoice.
     */
    record InvoiceOverpaid(String invoiceId, String number, String accountId, Money amount, String paymentReference, Instant overpaidAt)
            implements InvoiceEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** The invoice is cancelled by a credit note of the same amount, numbered in its own sequence ({@code CN-2026-000001}). */
    record InvoiceVoided(String invoiceId, String number, String accountId, String creditNoteNumber, Money amount,
                         String reason, Instant voidedAt) implements InvoiceEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }
}
