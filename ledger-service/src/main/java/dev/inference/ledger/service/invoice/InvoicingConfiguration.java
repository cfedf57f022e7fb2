package dev.inference.ledger.service.invoice;

import java.time.Clock;
import java.time.Duration;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ConfigurerModule;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.inference.ledger.invoicing.AccountBilling;
import dev.inference.ledger.invoicing.Invoice;
import dev.inference.ledger.invoicing.InvoiceBook;
import dev.inference.ledger.invoicing.InvoiceIssuer;
import dev.inference.ledger.invoicing.PaymentSchedule;

/** The invoicing module wired into the service: its aggregate, its process, and the adapters of its ports. */
@Configuration(proxyBeanMethods = false)
public class InvoicingConfiguration {

    /** The invoicing module stays free of Spring: its aggregate is registered here. */
    @Bean
    public ConfigurerModule invoiceAggregate() {
        return configurer -> configurer.configureAggregate(Invoice.class);
    }

    @Bean
    public PaymentSchedule invoicePaymentSchedule(@Value("${ledger.invoicing.payment-attempts}") int attempts,
                                                  @Value("${ledger.invoicing.first-payment-retry-after}") Duration firstRetryAfter) {
        return new PaymentSchedule(attempts, firstRetryAfter);
    }

    @Bean
    public InvoiceIssuer invoiceIssuer(CommandGateway commands, AccountBilling accounts, InvoiceBook book, Clock clock) {
        return new InvoiceIssuer(commands, accounts, book, clock);
    }
}
