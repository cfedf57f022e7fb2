package dev.inference.ledger.service.account.entries;

import java.time.Instant;

import dev.inference.ledger.kernel.money.Money;

/**
 * One line of an account's ledger. The balance is the sum of every entry's {@code balanceChange};
 * the unbilled usage of a postpaid account, the sum of {@code unbilledChange}.
 */
public record LedgerEntry(long sequence, String type, String reference, Money balanceChange, Money unbilledChange,
                          Money balanceAfter, Instant occurredAt, Instant recordedAt, String detailsJson) {
}
