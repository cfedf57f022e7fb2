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
import dev.inference.ledger.invoicing.InvoiceCommand.RecordPaymentOutcome;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.invoicing.process.Invoices.DuePayment;
import dev.inference.ledger.payments.PaymentProvider;

/**
 * Charges issued invoices to the card on file and tells each invoice the answer. One idempotency key per
 * invoice and round ({@code INV-2026-000001/round-1}) for all its attempts: asked again after a crash or
 * a lost answer, the provider answers as before and charges nothing twice; the invoice ignores an
 * answer it already has.
 */
@Component
public class InvoicePayments {

    private static final Logger log = LoggerFactory.getLogger(InvoicePayments.class);
    private static final int BATCH = 20;
    private static final Duration UNANSWERED_RETRY = Duration.ofSeconds(10);

    private final Invoices invoices;
    private final PaymentProvider provider;
    private final CommandGateway commands;
    private final Clock clock;

    public InvoicePayments(Invoices invoices, PaymentProvider provider, CommandGateway commands, Clock clock) {
        this.invoices = invoices;
        this.provider = provider;
        this.commands = commands;
        this.clock = clock;
    }

    /** One round: the payments that are due, a batch at a time, while {@code running} says to go on. */
    public void payDue(BooleanSupplier running) {
        List<DuePayment> round;
        do {
            round = invoices.due(clock.instant(), BATCH);
            round.forEach(this::pay);
        } while (round.size() == BATCH && running.getAsBoolean());
    }

    private void pay(DuePayment due) {
        PaymentProvider.Outcome outcome = due.paymentMethodId() == null
                ? PaymentProvider.Outcome.declined("no-payment-method")
                : provider.payOrUnknown(new PaymentProvider.Request(due.idempotencyKey(), due.accountId(),
                        new Money(due.total(), due.currency()), due.paymentMethodId()));
        try {
            // What the provider took under the key (its first answer's amount), else what this attempt asked for.
            java.math.BigDecimal charged = outcome.amount() != null ? outcome.amount() : due.total();
            commands.sendAndWait(new RecordPaymentOutcome(due.invoiceId(), due.round(), due.attempt(),
                    PaymentAnswer.valueOf(outcome.answer().name()), outcome.reference(), outcome.reason(), charged));
        } catch (RuntimeException e) {
            log.warn("invoice {}: answer not recorded, asking again in {}: {}", due.number(), UNANSWERED_RETRY, e.toString());
        }
        // Recorded or not, the same attempt is not asked again at once: the projection moves or clears it meanwhile.
        invoices.postpone(due.invoiceId(), due.round(), due.attempt(), clock.instant().plus(UNANSWERED_RETRY));
    }
}
