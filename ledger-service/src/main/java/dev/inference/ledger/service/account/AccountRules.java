package dev.inference.ledger.service.account;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.account.AccountEvent.UsageCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageRefused;
import dev.inference.ledger.kernel.account.AccountId;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Currencies;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.Rejection;
import dev.inference.ledger.service.account.AccountCommand.ChargeUsage;
import dev.inference.ledger.service.account.AccountCommand.OpenAccount;
import dev.inference.ledger.service.account.AccountCommand.TopUp;
import dev.inference.ledger.service.account.AccountCommand.UsageToCharge;

/** The account's decisions as pure functions: a command and the state in, the events out. */
public final class AccountRules {

    static final int MAX_NAME_LENGTH = 200;

    private AccountRules() {
    }

    public static AccountOpened open(OpenAccount command, Instant now) {
        AccountId.require(command.accountId());
        if (command.name() == null || command.name().isBlank() || command.name().length() > MAX_NAME_LENGTH) {
            throw new AccountRuleViolation("invalid-name", "name must be 1-" + MAX_NAME_LENGTH + " characters");
        }
        if (command.billingMode() == null) {
            throw new AccountRuleViolation("invalid-billing-mode", "billingMode must be prepaid or postpaid");
        }
        if (!Currencies.isSupported(command.currency())) {
            throw new AccountRuleViolation("unsupported-currency", "currency " + command.currency() + " is not supported; accounts are kept in USD");
        }
        return new AccountOpened(command.accountId(), command.name().strip(), command.billingMode(), command.currency(), now);
    }

    public static TopUpCredited topUp(AccountState state, TopUp command, Instant now) {
        if (!command.amount().isPositive()) {
            throw new AccountRuleViolation("invalid-amount", "a top-up must be more than zero");
        }
        if (!command.amount().currency().equals(state.currency())) {
            throw new AccountRuleViolation("currency-mismatch", "the account is kept in " + state.currency());
        }
        return new TopUpCredited(state.accountId(), command.topUpId(), command.amount(), state.balance().plus(command.amount()), now);
    }

    /**
     * Usage that happened is charged, whatever the balance: a prepaid balance may go below zero.
     * What stops further spending is the gateway's authorize check, not a refused charge. The one
     * refusal: compute time overlapping time already charged for the same endpoint and replica.
     */
    public static List<AccountEvent> charge(AccountState state, ChargeUsage command, Instant now) {
        List<AccountEvent> events = new ArrayList<>(command.usage().size());
        Money balance = state.balance();
        Money unbilled = state.unbilled();
        Money lifetimeSpend = state.lifetimeSpend();
        EndpointIntervals intervals = state.intervals();
        for (UsageToCharge usage : command.usage()) {
            if (usage.interval() != null) {
                var overlapped = intervals.overlapping(usage.interval());
                if (overlapped.isPresent()) {
                    events.add(new UsageRefused(state.accountId(), usage.usageEventId(), Rejection.OVERLAP,
                            "endpoint " + usage.interval().endpoint() + ", replica " + usage.interval().replica() + ": "
                                    + usage.interval().start() + " to " + usage.interval().end() + " overlaps "
                                    + overlapped.get().start() + " to " + overlapped.get().end() + ", already charged", now));
                    continue;
                }
                intervals = intervals.with(usage.interval());
            }
            Money cost = usage.charge().cost();
            if (state.billingMode() == BillingMode.PREPAID) {
                balance = balance.minus(cost);
            } else {
                unbilled = unbilled.plus(cost);
            }
            lifetimeSpend = lifetimeSpend.plus(cost);
            events.add(new UsageCharged(state.accountId(), usage.usageEventId(), usage.occurredAt(), usage.source(),
                    usage.attribution(), usage.charge(), usage.interval(), state.billingMode(), balance, unbilled, lifetimeSpend, now));
        }
        return events;
    }
}
