package dev.inference.ledger.service.account.balance;

import java.time.Instant;

import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;

/** An account's position as the balance projection last saw it ({@code asOf}); {@code usageRecords}: records charged so far. */
public record AccountBalance(String accountId, String name, BillingMode billingMode, String currency,
                             Money balance, Money unbilled, Money lifetimeSpend, int tier, String status, long usageRecords,
                             Instant asOf) {
}
