package dev.inference.ledger.invoicing.process;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.inference.ledger.invoicing.InvoiceCommand.PaymentAnswer;
import dev.inference.ledger.invoicing.InvoiceCommand.RecordRefundOutcome;
import dev.inference.ledger.invoicing.process.Invoices.DueRefund;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.payments.PaymentProvider;

/**
 * Gives back the money of credit notes settled by refund, and tells each invoice the answer. One idempotency key per credit
 * note ({@code refund/CN-2026-000001}) for all its attempts: asked again after a crash or a lost answer, the provider answers
 * as before and refunds nothing twice; an unknown answer is asked again later, with the same key.
 */
@Component
public class InvoiceRefunds {

    private static final Logger log = LoggerFactory.getLogger(InvoiceRefunds.class);
    private static final int BATCH = 20;
    private static final Duration ASK_AGAIN = Duration.ofSeconds(10);

    private final Invoices invoices;
    private final PaymentProvider provider;
    private final CommandGateway commands;
    private final Clock clock;

    public InvoiceRefunds(Invoices invoices, PaymentProvider provider, CommandGateway commands, Clock clock) {
        this.invoices = invoices;
        this.provider = provider;
        this.commands = commands;
        this.clock = clock;
    }

    /** One round: the refunds that are due, a batch at a time, while {@code running} says to go on. */
    public void refundDue(BooleanSupplier running) {
        List<DueRefund> round;
        do {
            round = invoices.refundsDue(clock.instant(), BATCH);
            round.forEach(this::refund);
        } while (round.size() == BATCH && running.getAsBoolean());
    }

    private void refund(DueRefund due) {
        Money amount = new Money(due.amount(), due.currency());
        PaymentProvider.Outcome outcome = due.paymentReference() == null ? PaymentProvider.Outcome.declined("no-payment-to-refund")
                : provider.refundOrUnknown(new PaymentProvider.Refund(due.idempotencyKey(), due.accountId(), amount, due.paymentReference()));
        try {
            commands.sendAndWait(new RecordRefundOutcome(due.invoiceId(), due.creditNoteNumber(), amount,
                    PaymentAnswer.valueOf(outcome.answer().name()), outcome.reference(), outcome.reason()));
        } catch (RuntimeException e) {
            log.warn("credit note {}: refund answer not recorded, asking again in {}: {}", due.creditNoteNumber(), ASK_AGAIN, e.toString());
        }
        // Answered or not, not asked again at once: the view clears it once the answer is recorded.
        invoices.postponeRefund(due.creditNoteNumber(), clock.instant().plus(ASK_AGAIN));
    }
}
