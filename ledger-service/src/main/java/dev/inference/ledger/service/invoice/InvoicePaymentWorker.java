package dev.inference.ledger.service.invoice;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import dev.inference.ledger.invoicing.process.Invoices;
import dev.inference.ledger.invoicing.InvoiceCommand.PaymentAnswer;
import dev.inference.ledger.invoicing.InvoiceCommand.RecordPaymentOutcome;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.invoicing.process.Invoices.DuePayment;
import dev.inference.ledger.service.recharge.PaymentProvider;
import dev.inference.ledger.service.runtime.PeriodicWorker;

/**
 * Charges issued invoices to the card on file and tells each invoice the answer. One idempotency key per
 * invoice and round ({@code INV-2026-000001/round-1}) for all its attempts: asked again after a crash or
 * a lost answer, the provider answers as before and charges nothing twice; the invoice ignores an
 * answer it already has.
 */
@Component
@ConditionalOnProperty(name = "ledger.roles.invoicing", havingValue = "true", matchIfMissing = true)
public class InvoicePaymentWorker extends PeriodicWorker {

    private static final Logger log = LoggerFactory.getLogger(InvoicePaymentWorker.class);
    private static final int BATCH = 20;
    private static final Duration UNANSWERED_RETRY = Duration.ofSeconds(10);

    private final Invoices invoices;
    private final PaymentProvider provider;
    private final CommandGateway commands;
    private final Clock clock;

    public InvoicePaymentWorker(Invoices invoices, PaymentProvider provider, CommandGateway commands, Clock clock,
                                @Value("${ledger.invoicing.poll-interval}") Duration pollInterval) {
        super("invoice-payments", pollInterval);
        this.invoices = invoices;
        this.provider = provider;
        this.commands = commands;
        this.clock = clock;
    }

    @Override
    protected void runOnce() {
        List<DuePayment> round;
        do {
            round = invoices.due(clock.instant(), BATCH);
            round.forEach(this::pay);
        } while (round.size() == BATCH && isRunning());
    }

    private void pay(DuePayment due) {
        PaymentProvider.Outcome outcome = due.paymentMethodId() == null
                ? PaymentProvider.Outcome.declined("no-payment-method")
                : provider.payOrUnknown(new PaymentProvider.Request(due.idempotencyKey(), due.accountId(),
                        new Money(due.total(), due.currency()), due.paymentMethodId()));
        try {
            commands.sendAndWait(new RecordPaymentOutcome(due.invoiceId(), due.round(), due.attempt(),
                    PaymentAnswer.valueOf(outcome.answer().name()), outcome.reference(), outcome.reason()));
        } catch (RuntimeException e) {
            log.warn("invoice {}: answer not recorded, asking again in {}: {}", due.number(), UNANSWERED_RETRY, e.toString());
        }
        // Recorded or not, the same attempt is not asked again at once: the projection moves or clears it meanwhile.
        invoices.postpone(due.invoiceId(), due.round(), due.attempt(), clock.instant().plus(UNANSWERED_RETRY));
    }
}
