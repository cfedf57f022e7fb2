package dev.inference.ledger.service.account;

import com.fasterxml.jackson.annotation.JsonCreator;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.account.AccountEvent.UsageCharged;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;

/** What the account remembers to decide: the result of folding its events, nothing else. */
public record AccountState(String accountId, BillingMode billingMode, String currency,
                           Money balance, Money unbilled, Money lifetimeSpend, EndpointIntervals intervals) {

    @JsonCreator
    public AccountState {
        intervals = intervals == null ? EndpointIntervals.NONE : intervals;
    }

    static AccountState opened(AccountOpened event) {
        Money zero = Money.zero(event.currency());
        return new AccountState(event.accountId(), event.billingMode(), event.currency(), zero, zero, zero, EndpointIntervals.NONE);
    }

    AccountState evolve(AccountEvent event) {
        if (event instanceof TopUpCredited credited) {
            return new AccountState(accountId, billingMode, currency, credited.balanceAfter(), unbilled, lifetimeSpend, intervals);
        }
        if (event instanceof UsageCharged charged) {
            return new AccountState(accountId, billingMode, currency, charged.balanceAfter(), charged.unbilledAfter(),
                    charged.lifetimeSpendAfter(), charged.interval() == null ? intervals : intervals.with(charged.interval()));
        }
        return this;
    }
}
