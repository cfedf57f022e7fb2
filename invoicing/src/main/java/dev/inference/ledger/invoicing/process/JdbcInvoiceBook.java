package dev.inference.ledger.invoicing.process;

import java.math.BigDecimal;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.invoicing.InvoiceBook;

/**
 * Numbers and carries in PostgreSQL, in the transaction of the invoice that takes them: the series row
 * is locked by its increment until that transaction ends, so numbers are unique across instances, and
 * a rollback gives the number back, so the series has no gaps.
 */
@Component
class JdbcInvoiceBook implements InvoiceBook {

    private final JdbcTemplate jdbc;

    JdbcInvoiceBook(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String nextNumber(String series, int year) {
        Long number = jdbc.queryForObject("""
                INSERT INTO invoice_series (series, year, last_number) VALUES (?, ?, 1)
                ON CONFLICT (series, year) DO UPDATE SET last_number = invoice_series.last_number + 1
                RETURNING last_number""", Long.class, series, year);
        return String.format("%s-%d-%06d", series, year, number);
    }

    @Override
    public BigDecimal carriedFor(String accountId) {
        // The upsert locks the row, new or not, until the transaction ends.
        return jdbc.queryForObject("""
                INSERT INTO invoice_carry (account_id, carried) VALUES (?, 0)
                ON CONFLICT (account_id) DO UPDATE SET carried = invoice_carry.carried
                RETURNING carried""", BigDecimal.class, accountId);
    }

    @Override
    public BigDecimal carriedNow(String accountId) {
        return jdbc.queryForList("SELECT carried FROM invoice_carry WHERE account_id = ?", BigDecimal.class, accountId).stream().findFirst()
                .orElse(BigDecimal.ZERO);
    }

    @Override
    public void carry(String accountId, BigDecimal carriedOut) {
        jdbc.update("UPDATE invoice_carry SET carried = ? WHERE account_id = ?", carriedOut, accountId);
    }
}
