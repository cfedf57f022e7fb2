package dev.inference.ledger.invoicing;

import java.math.BigDecimal;

/**
 * Numbers and carried rounding, kept in the same transaction as the invoice that uses them: a number
 * taken by an invoice that rolls back is given again, so the sequence has no gaps, and two instances
 * never take the same one.
 */
public interface InvoiceBook {

    /** The next number of a gapless yearly series: {@code INV-2026-000001}, {@code CN-2026-000001}. */
    String nextNumber(String series, int year);

    /** The rounding the account's last invoice left over, holding the account's row until the transaction ends. */
    BigDecimal carriedFor(String accountId);

    void carry(String accountId, BigDecimal carriedOut);

    /** The carry as it stands, holding nothing: for a preview. */
    BigDecimal carriedNow(String accountId);
}
