package dev.inference.ledger.invoicing;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.axonframework.commandhandling.gateway.CommandGateway;

import dev.inference.ledger.invoicing.InvoiceCommand.CreditInvoice;
import dev.inference.ledger.invoicing.InvoiceCommand.IssueInvoice;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.invoicing.InvoiceCommand.VoidInvoice;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledClosed;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledLine;

/**
 * Issues an invoice: the account closes what it takes, the invoice is numbered, rounded with the carry
 * of the account's previous invoice and recorded, and the carry it leaves kept, all in the caller's one
 * transaction (an event processor's, or a unit of work of the caller's own). A crash anywhere in it
 * rolls all of it back; asked again, the account closes nothing twice, so the invoice is never issued
 * twice and its number never skipped.
 */
public final class InvoiceIssuer {

    public static final String INVOICE_SERIES = "INV";
    public static final String CREDIT_NOTE_SERIES = "CN";

    /** What was issued: the invoice's id, its number and its total. */
    public record Issued(String invoiceId, String number, BigDecimal total) {
    }

    private final CommandGateway commands;
    private final AccountBilling accounts;
    private final InvoiceBook book;
    private final Clock clock;

    public InvoiceIssuer(CommandGateway commands, AccountBilling accounts, InvoiceBook book, Clock clock) {
        this.commands = commands;
        this.accounts = accounts;
        this.book = book;
        this.clock = clock;
    }

    /** The threshold invoice the account's billing limit called for: everything unbilled now. */
    public Optional<Issued> threshold(String accountId, long limitReachedSequence) {
        return issue(accountId, accountId + "/threshold/" + limitReachedSequence, UnbilledClosed.THRESHOLD, null);
    }

    /** The invoice of the month that ends at {@code periodEnd}: what occurred before it and is still unbilled. */
    public Optional<Issued> monthly(String accountId, Instant periodEnd) {
        String month = periodEnd.atOffset(ZoneOffset.UTC).minusMonths(1).toString().substring(0, 7);
        return issue(accountId, accountId + "/monthly/" + month, UnbilledClosed.MONTHLY, periodEnd);
    }

    /** What a threshold invoice would be now: the same closing and rounding, nothing recorded. */
    public InvoiceRounding.Rounded preview(String accountId, String currency) {
        return InvoiceRounding.round(accounts.unbilled(accountId), book.carriedNow(accountId), currency);
    }

    /** Voids an unpaid invoice by a credit note, numbered in its own gapless series in the caller's transaction. */
    public String voidInvoice(String invoiceId, String reason) {
        String creditNote = book.nextNumber(CREDIT_NOTE_SERIES, clock.instant().atOffset(ZoneOffset.UTC).getYear());
        commands.sendAndWait(new VoidInvoice(invoiceId, creditNote, reason));
        return creditNote;
    }

    /**
     * A credit note for part of an invoice; the invoice numbers it in the credit notes' series, in the caller's transaction,
     * only when it records one. Null when the invoice had nothing left to credit.
     */
    public InvoiceCommand.Credited credit(String invoiceId, String creditNoteId, Money amount, String settlement, String reason,
                                          String usageEventId, boolean upToWhatIsLeft) {
        return commands.sendAndWait(new CreditInvoice(invoiceId, creditNoteId, amount, settlement, reason, usageEventId, upToWhatIsLeft));
    }

    private Optional<Issued> issue(String accountId, String invoiceId, String kind, Instant cutoff) {
        Optional<UnbilledClosed> closed = accounts.closeUnbilled(accountId, invoiceId, kind, cutoff);
        if (closed.isEmpty()) {
            return Optional.empty();
        }
        UnbilledClosed taken = closed.get();
        Instant now = clock.instant();
        String number = book.nextNumber(INVOICE_SERIES, now.atOffset(ZoneOffset.UTC).getYear());
        BigDecimal carriedIn = book.carriedFor(accountId);
        Instant periodStart = taken.lines().stream().map(UnbilledLine::firstOccurredAt).min(Instant::compareTo).orElse(now);
        Instant periodEnd = cutoff != null ? cutoff : taken.closedAt();
        commands.sendAndWait(new IssueInvoice(invoiceId, number, accountId, kind, taken.currency(), periodStart, periodEnd,
                taken.lines(), carriedIn));
        // The same pure rounding the invoice recorded: what it leaves for the account's next invoice.
        InvoiceRounding.Rounded rounded = InvoiceRounding.round(taken.lines(), carriedIn, taken.currency());
        book.carry(accountId, rounded.carriedOut());
        return Optional.of(new Issued(invoiceId, number, rounded.total()));
    }
}
