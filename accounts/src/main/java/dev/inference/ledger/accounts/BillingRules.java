package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.AccountReinstated;
import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceDefaulted;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceSettled;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceWrittenOff;
import dev.inference.ledger.kernel.account.AccountEvent.PaymentMethodAttached;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledClosed;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledLine;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.input.Identifier;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.accounts.AccountCommand.AttachPaymentMethod;
import dev.inference.ledger.accounts.AccountCommand.CloseUnbilled;
import dev.inference.ledger.accounts.AccountCommand.RecordInvoiceDefault;
import dev.inference.ledger.accounts.AccountCommand.RecordInvoicePaid;
import dev.inference.ledger.accounts.AccountCommand.RecordInvoiceVoided;
import dev.inference.ledger.accounts.AccountCommand.CarryInvoiceCredit;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceCreditCarried;

/**
 * The account's part in invoicing, as pure functions: what an invoice takes, what a payment or a
 * final failure means for the account. Invoicing asks; the account decides.
 */
public final class BillingRules {

    static final int MAX_DESCRIPTION_LENGTH = 200;

    private BillingRules() {
    }

    public static PaymentMethodAttached attach(AccountState state, AttachPaymentMethod command, Instant now) {
        if (!Identifier.PAYMENT_METHOD.isValid(command.paymentMethodId())) {
            throw new AccountRuleViolation("invalid-payment-method", "paymentMethodId must be 1-64 characters of letters, digits, '.', '_', ':' or '-'");
        }
        String description = command.description() == null ? "" : command.description().strip();
        if (description.length() > MAX_DESCRIPTION_LENGTH) {
            throw new AccountRuleViolation("invalid-payment-method", "description must be at most " + MAX_DESCRIPTION_LENGTH + " characters");
        }
        return new PaymentMethodAttached(state.accountId(), command.paymentMethodId(), description, now);
    }

    /**
     * The unbilled charges the invoice takes, as one event; nothing when the invoice was closed before or
     * nothing is unbilled. Closing re-arms the billing limit, so what is still unbilled after a monthly
     * close may reach it again at once.
     */
    public static List<AccountEvent> close(AccountState state, CloseUnbilled command, UsageTiers tiers, RechargePolicy policy, Instant now) {
        if (state.billingMode() != BillingMode.POSTPAID) {
            throw new AccountRuleViolation("not-postpaid", "only a postpaid account's usage is invoiced; a prepaid one gets statements");
        }
        if (!UnbilledClosed.THRESHOLD.equals(command.kind()) && !UnbilledClosed.MONTHLY.equals(command.kind())) {
            throw new IllegalArgumentException("an invoice is threshold or monthly, not " + command.kind());
        }
        if (UnbilledClosed.MONTHLY.equals(command.kind()) && command.cutoff() == null) {
            throw new IllegalArgumentException("a monthly invoice needs its period's end");
        }
        if (state.billing().closed().contains(command.invoiceId())) {
            return List.of();
        }
        List<UnbilledLine> lines = state.billing().toClose(command.kind(), command.cutoff()).stream().map(Map.Entry::getValue).toList();
        if (lines.isEmpty()) {
            return List.of();
        }
        BigDecimal total = lines.stream().map(UnbilledLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        UnbilledClosed closed = new UnbilledClosed(state.accountId(), command.invoiceId(), command.kind(), command.cutoff(),
                state.currency(), lines, total, state.unbilled().amount().subtract(total), state.balance().amount(), now);
        List<AccountEvent> events = new ArrayList<>(List.of(closed));
        events.addAll(Triggers.after(state.evolve(closed), tiers, policy, now));
        return events;
    }

    /** Everything unbilled, as {@link #close} would take it for a threshold invoice. */
    public static List<UnbilledLine> unbilled(AccountState state) {
        if (state.billingMode() != BillingMode.POSTPAID) {
            throw new AccountRuleViolation("not-postpaid", "only a postpaid account's usage is invoiced; a prepaid one gets statements");
        }
        return state.billing().toClose(UnbilledClosed.THRESHOLD, null).stream().map(Map.Entry::getValue).toList();
    }

    /** A paid invoice counts as paid spend (which may promote the tier) and, once nothing is owed, reinstates. */
    public static List<AccountEvent> paid(AccountState state, RecordInvoicePaid command, UsageTiers tiers, RechargePolicy policy, Instant now) {
        if (state.billing().paid().contains(command.invoiceId())) {
            return List.of();
        }
        Money paidSpend = state.paidSpend().plus(command.amount());
        List<AccountEvent> events = new ArrayList<>(3);
        InvoiceSettled settled = new InvoiceSettled(state.accountId(), command.invoiceId(), command.number(), command.amount(), paidSpend, now);
        events.add(settled);
        AccountState after = state.evolve(settled);
        if (after.suspended() && !after.billing().owes()) {
            AccountReinstated reinstated = new AccountReinstated(state.accountId(), after.balance(), now);
            events.add(reinstated);
            after = after.evolve(reinstated);
        }
        events.addAll(Triggers.after(after, tiers, policy, now));
        return events;
    }

    /**
     * A paid invoice's credit note, credited: a negative line of this month on the next invoice. Once per credit note;
     * the invoice's own rounding never applies to it, as its amount is in the currency's minor unit already.
     */
    public static List<AccountEvent> carryCredit(AccountState state, CarryInvoiceCredit command, Instant now) {
        if (state.billing().creditNotes().contains(command.creditNoteNumber())) {
            return List.of();
        }
        Money amount = command.amount();
        UnbilledLine line = new UnbilledLine(java.time.YearMonth.from(now.atOffset(java.time.ZoneOffset.UTC)).toString(), CREDIT_NOTE_KIND,
                command.creditNoteNumber(), null, 0, "credit of invoice " + command.invoiceId(), amount.amount().negate(), CREDIT_NOTE_KIND,
                BigDecimal.ONE, amount.amount().negate(), 0, now, now);
        return List.of(new InvoiceCreditCarried(state.accountId(), command.invoiceId(), command.creditNoteNumber(), amount, line,
                state.unbilled().minus(amount), now));
    }

    /** The kind of an invoice line that credits a credit note of an earlier invoice. */
    public static final String CREDIT_NOTE_KIND = "credit-note";

    /** A voided invoice is owed no more: once nothing else is, a suspended account is reinstated. */
    public static List<AccountEvent> voided(AccountState state, RecordInvoiceVoided command, Instant now) {
        if (state.billing().voided().contains(command.invoiceId())) {
            return List.of();
        }
        List<AccountEvent> events = new ArrayList<>(2);
        InvoiceWrittenOff writtenOff = new InvoiceWrittenOff(state.accountId(), command.invoiceId(), command.number(),
                command.creditNoteNumber(), command.amount(), now);
        events.add(writtenOff);
        AccountState after = state.evolve(writtenOff);
        if (after.suspended() && !after.billing().owes() && (state.billingMode() == BillingMode.POSTPAID || after.balance().isPositive())) {
            events.add(new AccountReinstated(state.accountId(), after.balance(), now));
        }
        return events;
    }

    /** An invoice that could not be charged suspends the account until it is paid. */
    public static List<AccountEvent> defaulted(AccountState state, RecordInvoiceDefault command, Instant now) {
        if (state.billing().paid().contains(command.invoiceId()) || state.billing().defaulted().contains(command.invoiceId())) {
            return List.of();
        }
        List<AccountEvent> events = new ArrayList<>(2);
        events.add(new InvoiceDefaulted(state.accountId(), command.invoiceId(), command.number(), command.amount(), command.reason(), now));
        if (!state.suspended()) {
            events.add(new AccountSuspended(state.accountId(), "invoice-unpaid", state.balance(), now));
        }
        return events;
    }
}
