package dev.inference.ledger.invoicing.process;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.stereotype.Component;

import dev.inference.ledger.invoicing.AccountBilling;
import dev.inference.ledger.invoicing.InvoiceCommand.RetryPayment;
import dev.inference.ledger.invoicing.InvoiceIssuer;
import dev.inference.ledger.kernel.account.AccountEvent.BillingLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.PaymentMethodAttached;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceCredit;
import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceCredited;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaid;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentFailed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceVoided;

/**
 * The invoicing process, driven by the events: a billing limit reached issues a threshold invoice; an
 * invoice paid or failed for good is told to its account; a new card asks a failed invoice again. Each
 * runs in the processor's transaction with its token, so it happens once; the account and the invoice
 * ignore what they already recorded, so a redelivery changes nothing.
 */
@Component
@ProcessingGroup(InvoiceProcess.GROUP)
public class InvoiceProcess {

    public static final String GROUP = "invoicing";

    private final InvoiceIssuer issuer;
    private final AccountBilling accounts;
    private final CommandGateway commands;
    private final Invoices invoices;

    InvoiceProcess(InvoiceIssuer issuer, AccountBilling accounts, CommandGateway commands, Invoices invoices) {
        this.issuer = issuer;
        this.accounts = accounts;
        this.commands = commands;
        this.invoices = invoices;
    }

    @EventHandler
    void on(BillingLimitReached event, @SequenceNumber long sequence) {
        issuer.threshold(event.accountId(), sequence);
    }

    @EventHandler
    void on(InvoicePaid event) {
        accounts.invoicePaid(event.accountId(), event.invoiceId(), event.number(), event.amount());
    }

    @EventHandler
    void on(InvoicePaymentFailed event) {
        accounts.invoiceDefaulted(event.accountId(), event.invoiceId(), event.number(), event.amount(), event.reason());
    }

    @EventHandler
    void on(InvoiceVoided event) {
        accounts.invoiceVoided(event.accountId(), event.invoiceId(), event.number(), event.creditNoteNumber(), event.amount());
    }

    /** A paid invoice's credit note settled as credit goes onto the account's next invoice. */
    @EventHandler
    void on(InvoiceCredited event) {
        if (InvoiceEvent.CREDIT.equals(event.settlement())) {
            accounts.creditCarried(event.accountId(), event.invoiceId(), event.creditNoteNumber(), event.amount());
        }
    }

    /**
     * A reversed usage record that was on an invoice: the invoice gets its credit note. Looked up first in the view, so a
     * number is only taken for an invoice with something left to credit and a credit note not made yet.
     */
    @EventHandler
    void on(UsageReversed event) {
        InvoiceCredit credit = event.invoiceCredit();
        String creditNoteId = "reversal:" + event.usageEventId();
        if (credit == null || !invoices.creditable(credit.invoiceId())
                || invoices.creditNoteNumber(credit.invoiceId(), creditNoteId).isPresent()) {
            return;
        }
        issuer.credit(credit.invoiceId(), creditNoteId, credit.amount(), credit.settlement(), event.reason(), event.usageEventId(), true);
    }

    @EventHandler
    void on(PaymentMethodAttached event) {
        for (String invoiceId : invoices.failedOf(event.accountId())) {
            commands.sendAndWait(new RetryPayment(invoiceId, "new payment method"));
        }
    }
}
