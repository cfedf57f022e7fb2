package dev.inference.ledger.invoicing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.inference.ledger.kernel.account.AccountEvent.UnbilledClosed;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledLine;
import dev.inference.ledger.kernel.money.Money;

/**
 * The port through which invoicing asks the Account: invoicing never guesses what is unbilled, and every
 * money rule (paid spend, tiers, suspension) stays the Account's. Implemented by the ledger service; each
 * call joins the caller's unit of work, so what it records commits or rolls back with the invoice.
 */
public interface AccountBilling {

    /** The account closes what the invoice takes; empty when it takes nothing (closed before, or nothing unbilled). */
    Optional<UnbilledClosed> closeUnbilled(String accountId, String invoiceId, String kind, Instant cutoff);

    /** Every postpaid account, as committed with its opening: what a monthly run invoices. */
    List<String> postpaidAccounts();

    /** Everything unbilled now, as the account would close it onto an invoice; it closes nothing. */
    List<UnbilledLine> unbilled(String accountId);

    void invoicePaid(String accountId, String invoiceId, String number, Money amount);

    void invoiceDefaulted(String accountId, String invoiceId, String number, Money amount, String reason);

    /** A paid invoice's credit note settled as credit: a credit line on the account's next invoice. */
    void creditCarried(String accountId, String invoiceId, String creditNoteNumber, Money amount);

    /** An invoice cancelled by a credit note: the account owes it no more. */
    void invoiceVoided(String accountId, String invoiceId, String number, String creditNoteNumber, Money amount);
}
