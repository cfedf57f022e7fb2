package dev.inference.ledger.invoicing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An invoice as its documents show it: the issued lines and totals, and where its payment stands ({@code status}:
 * open, paid, failed or voided), and its credit notes ({@code credited}: their sum). The service reads it from its views; the PDF and CSV are made from it.
 */
public record InvoiceView(String number, String invoiceId, String accountId, String kind, String currency, Instant periodStart,
                          Instant periodEnd, BigDecimal exactCharges, BigDecimal carriedIn, BigDecimal total, BigDecimal carriedOut,
                          Instant issuedAt, String status, int paymentRound, int paymentAttempt, String paymentReference,
                          String failureReason, Instant paidAt, String creditNote, String voidReason, BigDecimal credited, List<Line> lines,
                          List<CreditNote> creditNotes) {

    /**
     * A credit note for part of the invoice: {@code settlement} due (it asked for less), refund or credit (on the next invoice);
     * {@code refundStatus}: pending, refunded or failed, for a refund.
     */
    public record CreditNote(String creditNoteNumber, BigDecimal amount, String settlement, String reason, String usageEventId,
                             Instant creditedAt, String refundStatus, String refundReference, String refundReason) {
    }

    /** One line: its price and quantity, the exact amount and the rounded one, and the usage it covers. */
    public record Line(int lineNo, String kind, String item, String provider, String component, String priceUnit, BigDecimal unitPrice,
                       BigDecimal quantity, BigDecimal exactAmount, BigDecimal amount, long records, Instant firstOccurredAt,
                       Instant lastOccurredAt) {
    }
}
