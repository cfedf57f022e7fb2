package dev.inference.ledger.invoicing.process;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.PaymentMethodAttached;
import dev.inference.ledger.kernel.invoice.InvoiceEvent;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceCredited;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceIssued;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceRefundFailed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceRefunded;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceLine;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaid;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentAttemptFailed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentFailed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentRetried;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceVoided;
import dev.inference.ledger.processing.AccountViews;

/**
 * Invoices as staff and the payment worker read them, and each account's card on file. Every update is
 * guarded by the invoice's event sequence, so a redelivered event changes nothing.
 */
@Component
@ProcessingGroup(AccountViews.GROUP)
public class InvoiceProjection {

    public static final String ISSUED = "issued";
    public static final String PAID = "paid";
    public static final String PAYMENT_FAILED = "payment-failed";
    public static final String VOID = "void";
    public static final String REFUND_PENDING = "pending";
    public static final String REFUNDED = "refunded";
    public static final String REFUND_FAILED = "failed";

    private final JdbcTemplate jdbc;

    public InvoiceProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(InvoiceIssued event, @SequenceNumber long sequence) {
        int inserted = jdbc.update("""
                INSERT INTO invoices (invoice_id, number, account_id, kind, currency, period_start, period_end, exact_charges, carried_in,
                                      total, carried_out, issued_at, status, next_payment_at, last_sequence)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                event.invoiceId(), event.number(), event.accountId(), event.kind(), event.currency(), ts(event.periodStart()),
                ts(event.periodEnd()), event.exactCharges(), event.carriedIn(), event.total(), event.carriedOut(), ts(event.issuedAt()),
                ISSUED, ts(event.issuedAt()), sequence);
        if (inserted == 0) {
            return;
        }
        List<InvoiceLine> lines = event.lines();
        jdbc.batchUpdate("""
                INSERT INTO invoice_lines (invoice_id, line_no, kind, item, provider, component, price_unit, unit_price, quantity,
                                           exact_amount, amount, records, first_occurred_at, last_occurred_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                java.util.stream.IntStream.range(0, lines.size()).mapToObj(i -> {
                    InvoiceLine l = lines.get(i);
                    return new Object[] {event.invoiceId(), i + 1, l.kind(), l.item(), l.provider(), l.component(), l.priceUnit(),
                            l.unitPrice(), l.quantity(), l.exactAmount(), l.amount(), l.records(), ts(l.firstOccurredAt()),
                            ts(l.lastOccurredAt())};
                }).toList());
    }

    @EventHandler
    void on(InvoicePaymentAttemptFailed event, @SequenceNumber long sequence) {
        update(event.invoiceId(), sequence, "payment_attempt = payment_attempt + 1, next_payment_at = ?, failure_reason = ?",
                ts(event.retryAt()), event.reason());
    }

    @EventHandler
    void on(InvoicePaid event, @SequenceNumber long sequence) {
        update(event.invoiceId(), sequence, "status = ?, next_payment_at = NULL, payment_reference = ?, paid_at = ?", PAID,
                event.paymentReference(), ts(event.paidAt()));
    }

    @EventHandler
    void on(InvoicePaymentFailed event, @SequenceNumber long sequence) {
        update(event.invoiceId(), sequence, "status = ?, next_payment_at = NULL, failure_reason = ?", PAYMENT_FAILED, event.reason());
    }

    @EventHandler
    void on(InvoicePaymentRetried event, @SequenceNumber long sequence) {
        update(event.invoiceId(), sequence, "status = ?, payment_round = payment_round + 1, payment_attempt = 1, next_payment_at = ?",
                ISSUED, ts(event.retriedAt()));
    }

    @EventHandler
    void on(InvoiceVoided event, @SequenceNumber long sequence) {
        update(event.invoiceId(), sequence, "status = ?, next_payment_at = NULL, credit_note = ?, void_reason = ?", VOID,
                event.creditNoteNumber(), event.reason());
    }

    /** A credit note: the invoice asks for less (or gives back), and a refund is queued for the refund worker. */
    @EventHandler
    void on(InvoiceCredited event, @SequenceNumber long sequence) {
        update(event.invoiceId(), sequence, "credited = ?", event.creditedTotal().amount());
        boolean refund = InvoiceEvent.REFUND.equals(event.settlement());
        jdbc.update("""
                INSERT INTO invoice_credit_notes (credit_note_number, credit_note_id, invoice_id, account_id, amount, currency, settlement,
                                                  reason, usage_event_id, credited_at, refund_status, next_refund_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                event.creditNoteNumber(), event.creditNoteId(), event.invoiceId(), event.accountId(), event.amount().amount(),
                event.amount().currency(), event.settlement(), event.reason(), event.usageEventId(), ts(event.creditedAt()),
                refund ? REFUND_PENDING : null, refund ? ts(event.creditedAt()) : null);
    }

    @EventHandler
    void on(InvoiceRefunded event) {
        jdbc.update("UPDATE invoice_credit_notes SET refund_status = ?, refund_reference = ?, next_refund_at = NULL WHERE credit_note_number = ?",
                REFUNDED, event.reference(), event.creditNoteNumber());
    }

    @EventHandler
    void on(InvoiceRefundFailed event) {
        jdbc.update("UPDATE invoice_credit_notes SET refund_status = ?, refund_reason = ?, next_refund_at = NULL WHERE credit_note_number = ?",
                REFUND_FAILED, event.reason(), event.creditNoteNumber());
    }

    @EventHandler
    void on(PaymentMethodAttached event) {
        jdbc.update("""
                INSERT INTO payment_methods (account_id, payment_method_id, description, attached_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (account_id) DO UPDATE SET payment_method_id = excluded.payment_method_id,
                    description = excluded.description, attached_at = excluded.attached_at
                 WHERE payment_methods.attached_at <= excluded.attached_at""",
                event.accountId(), event.paymentMethodId(), event.description(), ts(event.attachedAt()));
    }

    @ResetHandler
    void reset() {
        jdbc.update("TRUNCATE invoices, invoice_lines, payment_methods, invoice_credit_notes");
    }

    /** {@code set} is one of this class's own fragments, never input. */
    private void update(String invoiceId, long sequence, String set, Object... values) {
        Object[] arguments = new Object[values.length + 3];
        System.arraycopy(values, 0, arguments, 0, values.length);
        arguments[values.length] = sequence;
        arguments[values.length + 1] = invoiceId;
        arguments[values.length + 2] = sequence;
        jdbc.update("UPDATE invoices SET " + set + ", last_sequence = ? WHERE invoice_id = ? AND last_sequence < ?", arguments);
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
