package dev.inference.ledger.service.invoice;

import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.inference.ledger.invoicing.process.Invoices;
import dev.inference.ledger.service.security.AccountOwner;

/** An invoice's number names its account, for the access rule. */
@Component
class InvoiceOwner implements AccountOwner {

    private final Invoices invoices;

    InvoiceOwner(Invoices invoices) {
        this.invoices = invoices;
    }

    @Override
    public String requestName() {
        return "number";
    }

    @Override
    public Optional<String> accountOf(String value) {
        return invoices.accountOf(value);
    }
}
