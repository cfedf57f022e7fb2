package dev.inference.ledger.invoicing.process;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.invoicing.InvoiceView;

/** Reads the invoice projection: documents for staff, payments due for the worker. */
@Component
public class Invoices {

    /** A payment to attempt: its key at the provider is the invoice's number and round, the same for every attempt of the round. */
    public record DuePayment(String invoiceId, String number, String accountId, BigDecimal total, String currency, int round, int attempt,
                      String paymentMethodId) {
        public String idempotencyKey() {
            return number + "/round-" + round;
        }
    }

    private static final String COLUMNS = """
            number, invoice_id, account_id, kind, currency, period_start, period_end, exact_charges, carried_in, total, carried_out,
            issued_at, status, payment_round, payment_attempt, payment_reference, failure_reason, paid_at, credit_note, void_reason, credited""";

    private final JdbcTemplate jdbc;

    public Invoices(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public List<InvoiceView> ofAccount(String accountId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM invoices WHERE account_id = ? ORDER BY issued_at, number",
                (rs, n) -> view(rs, List.of(), List.of()), accountId);
    }

    public Optional<InvoiceView> byNumber(String number) {
        return jdbc.query("SELECT " + COLUMNS + " FROM invoices WHERE number = ?", (rs, n) -> view(rs, lines(rs.getString(2)),
                        creditNotes(rs.getString(2))), number).stream().findFirst();
    }

    /** The account an invoice belongs to, for the access rule; empty when there is no such invoice. */
    public Optional<String> accountOf(String number) {
        return jdbc.queryForList("SELECT account_id FROM invoices WHERE number = ?", String.class, number).stream().findFirst();
    }

    public Optional<String> currencyOf(String accountId) {
        return jdbc.queryForList("SELECT currency FROM account_balances WHERE account_id = ?", String.class, accountId).stream().findFirst();
    }

    public String buyerName(String accountId) {
        return jdbc.queryForList("SELECT name FROM account_balances WHERE account_id = ?", String.class, accountId).stream().findFirst()
                .orElse(accountId);
    }

    public List<String> failedOf(String accountId) {
        return jdbc.queryForList("SELECT invoice_id FROM invoices WHERE account_id = ? AND status = ?", String.class, accountId,
                InvoiceProjection.PAYMENT_FAILED);
    }

    public List<DuePayment> due(Instant now, int limit) {
        return jdbc.query("""
                SELECT i.invoice_id, i.number, i.account_id, i.total - i.credited, i.currency, i.payment_round, i.payment_attempt, p.payment_method_id
                  FROM invoices i LEFT JOIN payment_methods p ON p.account_id = i.account_id
                 WHERE i.next_payment_at <= ? ORDER BY i.next_payment_at LIMIT ?""",
                (rs, n) -> new DuePayment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4), rs.getString(5),
                        rs.getInt(6), rs.getInt(7), rs.getString(8)), Timestamp.from(now), limit);
    }

    /** A credit note's refund to ask the provider for: its key there is the credit note's number. */
    public record DueRefund(String creditNoteNumber, String invoiceId, String accountId, BigDecimal amount, String currency,
                            String paymentReference) {
        public String idempotencyKey() {
            return "refund/" + creditNoteNumber;
        }
    }

    public List<DueRefund> refundsDue(Instant now, int limit) {
        return jdbc.query("""
                SELECT c.credit_note_number, c.invoice_id, c.account_id, c.amount, c.currency, i.payment_reference
                  FROM invoice_credit_notes c JOIN invoices i ON i.invoice_id = c.invoice_id
                 WHERE c.next_refund_at <= ? ORDER BY c.next_refund_at LIMIT ?""",
                (rs, n) -> new DueRefund(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4), rs.getString(5),
                        rs.getString(6)), Timestamp.from(now), limit);
    }

    public void postponeRefund(String creditNoteNumber, Instant until) {
        jdbc.update("UPDATE invoice_credit_notes SET next_refund_at = ? WHERE credit_note_number = ? AND next_refund_at IS NOT NULL",
                Timestamp.from(until), creditNoteNumber);
    }

    /** The credit notes of an invoice, oldest first. */
    public List<InvoiceView.CreditNote> creditNotes(String invoiceId) {
        return jdbc.query("""
                SELECT credit_note_number, amount, settlement, reason, usage_event_id, credited_at, refund_status, refund_reference, refund_reason
                  FROM invoice_credit_notes WHERE invoice_id = ? ORDER BY credited_at, credit_note_number""",
                (rs, n) -> new InvoiceView.CreditNote(rs.getString(1), rs.getBigDecimal(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        instant(rs.getTimestamp(6)), rs.getString(7), rs.getString(8), rs.getString(9)), invoiceId);
    }

    public void postpone(String invoiceId, int round, int attempt, Instant until) {
        jdbc.update("UPDATE invoices SET next_payment_at = ? WHERE invoice_id = ? AND payment_round = ? AND payment_attempt = ? "
                + "AND next_payment_at IS NOT NULL", Timestamp.from(until), invoiceId, round, attempt);
    }

    private List<InvoiceView.Line> lines(String invoiceId) {
        return jdbc.query("""
                SELECT line_no, kind, item, provider, component, price_unit, unit_price, quantity, exact_amount, amount, records,
                       first_occurred_at, last_occurred_at
                  FROM invoice_lines WHERE invoice_id = ? ORDER BY line_no""",
                (rs, n) -> new InvoiceView.Line(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        rs.getBigDecimal(7), rs.getBigDecimal(8), rs.getBigDecimal(9), rs.getBigDecimal(10), rs.getLong(11),
                        instant(rs.getTimestamp(12)), instant(rs.getTimestamp(13))), invoiceId);
    }

    private static InvoiceView view(ResultSet rs, List<InvoiceView.Line> lines, List<InvoiceView.CreditNote> notes) throws SQLException {
        return new InvoiceView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), instant(rs.getTimestamp(6)),
                instant(rs.getTimestamp(7)), rs.getBigDecimal(8), rs.getBigDecimal(9), rs.getBigDecimal(10), rs.getBigDecimal(11),
                instant(rs.getTimestamp(12)), rs.getString(13), rs.getInt(14), rs.getInt(15), rs.getString(16), rs.getString(17),
                instant(rs.getTimestamp(18)), rs.getString(19), rs.getString(20), rs.getBigDecimal(21), lines, notes);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
