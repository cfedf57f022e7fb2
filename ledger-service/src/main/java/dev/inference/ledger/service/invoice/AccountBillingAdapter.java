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
import dev.inference.ledger.accounts.AccountCommand.CloseUnbilled;
import dev.inference.ledger.service.account.AccountStates;
import dev.inference.ledger.service.account.registry.AccountRegistry;
import dev.inference.ledger.accounts.BillingRules;
import dev.inference.ledger.accounts.AccountCommand.RecordInvoiceDefault;
import dev.inference.ledger.accounts.AccountCommand.RecordInvoicePaid;
import dev.inference.ledger.accounts.AccountCommand.RecordInvoiceVoided;
import dev.inference.ledger.accounts.AccountCommand.CarryInvoiceCredit;

/** Invoicing's requests to the Account, as the Account's commands (each joins the caller's unit of work); its question, as a read. */
@Component
class AccountBillingAdapter implements AccountBilling {

    private final CommandGateway commands;
    private final AccountStates accounts;
    private final AccountRegistry registry;

    AccountBillingAdapter(CommandGateway commands, AccountStates accounts, AccountRegistry registry) {
        this.commands = commands;
        this.accounts = accounts;
        this.registry = registry;
    }

    @Override
    public List<String> postpaidAccounts() {
        return registry.postpaid();
    }

    @Override
    public Optional<UnbilledClosed> closeUnbilled(String accountId, String invoiceId, String kind, Instant cutoff) {
        return Optional.ofNullable(commands.sendAndWait(new CloseUnbilled(accountId, invoiceId, kind, cutoff)));
    }

    /** A question, not a command: the account as committed, without waiting behind its writers. */
    @Override
    public List<UnbilledLine> unbilled(String accountId) {
        return accounts.catchUp(accountId, Long.MAX_VALUE).map(caught -> BillingRules.unbilled(caught.state())).orElse(List.of());
    }

    @Override
    public void invoicePaid(String accountId, String invoiceId, String number, Money amount) {
        commands.sendAndWait(new RecordInvoicePaid(accountId, invoiceId, number, amount));
    }

    @Override
    public void creditCarried(String accountId, String invoiceId, String creditNoteNumber, Money amount) {
        commands.sendAndWait(new CarryInvoiceCredit(accountId, invoiceId, creditNoteNumber, amount));
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
