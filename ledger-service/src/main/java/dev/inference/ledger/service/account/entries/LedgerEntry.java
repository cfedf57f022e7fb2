package dev.inference.ledger.service.account.entries;

import java.time.Instant;

import dev.inference.ledger.kernel.money.Money;

/**
 * One line of an account's ledger: a top-up, a recharge, or one usage record. The balance is the sum
 * of every entry's {@code balanceChange}; the unbilled usage of a postpaid account, the sum of
 * {@code unbilledChange}. {@code cursor} addresses the entry (its event's sequence and, for usage, the
 * record's index in that event); {@code details} is set for usage only.
 */
public record LedgerEntry(EntryCursor cursor, String type, String reference, Money balanceChange, Money unbilledChange,
                          Money balanceAfter, Instant occurredAt, Instant recordedAt, UsageDetails details) {
}
