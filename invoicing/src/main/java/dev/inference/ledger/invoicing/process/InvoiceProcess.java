package dev.inference.ledger.invoicing.process;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.stereotype.Component;

import dev.inference.ledger.invoicing.AccountBilling;
import dev.inference.ledger.invoicing.InvoiceCommand.RetryPayment;
import dev.inference.ledger.invoicing.InvoiceCommand;
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
     * A reversed usage record that was on an invoice: the invoice gets its credit note, as far as it has anything left to credit
     * (other credit notes, or a void, may have taken it); what it could not take goes as credit on the account's next invoice,
     * so the customer gets the cost back whole.
     */
    @EventHandler
    void on(UsageReversed event) {
        InvoiceCredit credit = event.invoiceCredit();
        if (credit == null) {
            return;
        }
        InvoiceCommand.Credited credited = issuer.credit(credit.invoiceId(), REVERSAL + event.usageEventId(), credit.amount(),
                credit.settlement(), event.reason(), event.usageEventId(), true);
        java.math.BigDecimal rest = credit.amount().amount().subtract(credited == null ? java.math.BigDecimal.ZERO : credited.amount());
        if (rest.signum() > 0) {
            accounts.creditCarried(event.accountId(), credit.invoiceId(), REVERSAL + event.usageEventId(),
                    new dev.inference.ledger.kernel.money.Money(rest, credit.amount().currency()));
        }
    }

    /** A refund the provider refused: its money is not lost, it is credited on the account's next invoice. */
    @EventHandler
    void on(InvoiceEvent.InvoiceRefundFailed event) {
        accounts.creditCarried(event.accountId(), event.invoiceId(), event.creditNoteNumber(), event.amount());
    }

    /** Money taken beyond what the invoice asked (a credit note while the payment was in flight) is credited back. */
    @EventHandler
    void on(InvoiceEvent.InvoiceOverpaid event) {
        accounts.creditCarried(event.accountId(), event.invoiceId(), OVERPAID + event.number(), event.amount());
    }

    /** The key of a reversed record's credit note, and of what its invoice could not take. */
    public static final String REVERSAL = "reversal:";
    /** The key of the credit for money taken beyond an invoice's due. */
    public static final String OVERPAID = "overpaid:";

    @EventHandler
    void on(PaymentMethodAttached event) {
        for (String invoiceId : invoices.failedOf(event.accountId())) {
            commands.sendAndWait(new RetryPayment(invoiceId, "new payment method"));
        }
    }
}
