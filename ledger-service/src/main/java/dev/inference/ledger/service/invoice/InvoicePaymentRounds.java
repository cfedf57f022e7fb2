package dev.inference.ledger.service.invoice;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import dev.inference.ledger.invoicing.process.InvoicePayments;
import dev.inference.ledger.invoicing.process.InvoiceRefunds;
import dev.inference.ledger.service.runtime.PeriodicWorker;

/** On an instance with the invoicing role, the invoices' due payments and refunds are asked every {@code ledger.invoicing.poll-interval}. */
@Component
@ConditionalOnProperty(name = "ledger.roles.invoicing", havingValue = "true", matchIfMissing = true)
class InvoicePaymentRounds extends PeriodicWorker {

    private final InvoicePayments payments;
    private final InvoiceRefunds refunds;

    InvoicePaymentRounds(InvoicePayments payments, InvoiceRefunds refunds, @Value("${ledger.invoicing.poll-interval}") Duration pollInterval) {
        super("invoice-payments", pollInterval);
        this.payments = payments;
        this.refunds = refunds;
    }

    @Override
    protected void runOnce() {
        payments.payDue(this::isRunning);
        refunds.refundDue(this::isRunning);
    }
}
