package dev.inference.ledger.service.invoice;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

import dev.inference.ledger.invoicing.AccountBilling;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledClosed;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledLine;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.service.account.AccountCommand.CloseUnbilled;
import dev.inference.ledger.service.account.AccountCommand.PreviewUnbilled;
import dev.inference.ledger.service.account.AccountCommand.RecordInvoiceDefault;
import dev.inference.ledger.service.account.AccountCommand.RecordInvoicePaid;
import dev.inference.ledger.service.account.AccountCommand.RecordInvoiceVoided;

/** Invoicing's questions to the Account, as the Account's commands; each joins the caller's unit of work. */
@Component
class AccountBillingAdapter implements AccountBilling {

    private final CommandGateway commands;

    AccountBillingAdapter(CommandGateway commands) {
        this.commands = commands;
    }

    @Override
    public Optional<UnbilledClosed> closeUnbilled(String accountId, String invoiceId, String kind, Instant cutoff) {
        return Optional.ofNullable(commands.sendAndWait(new CloseUnbilled(accountId, invoiceId, kind, cutoff)));
    }

    @Override
    public List<UnbilledLine> unbilled(String accountId) {
        return commands.sendAndWait(new PreviewUnbilled(accountId));
    }

    @Override
    public void invoicePaid(String accountId, String invoiceId, String number, Money amount) {
        commands.sendAndWait(new RecordInvoicePaid(accountId, invoiceId, number, amount));
    }

    @Override
    public void invoiceVoided(String accountId, String invoiceId, String number, String creditNoteNumber, Money amount) {
        commands.sendAndWait(new RecordInvoiceVoided(accountId, invoiceId, number, creditNoteNumber, amount));
    }

    @Override
    public void invoiceDefaulted(String accountId, String invoiceId, String number, Money amount, String reason) {
        commands.sendAndWait(new RecordInvoiceDefault(accountId, invoiceId, number, amount, reason));
    }
}
