package dev.inference.ledger.service.account.history;

import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.account.AccountEvent.CommitmentEnded;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceCreditCarried;
import dev.inference.ledger.kernel.account.BalanceMovement;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;
import dev.inference.ledger.kernel.account.AccountEvent.AccountReinstated;
import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.TierPromoted;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledClosed;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.service.account.balance.AccountBalance;
import dev.inference.ledger.service.account.balance.BalanceProjection;
import dev.inference.ledger.service.account.entries.EntriesProjection;
import dev.inference.ledger.service.account.entries.EntryCursor;
import dev.inference.ledger.service.account.entries.LedgerEntry;

/**
 * An account in the past, from its events (not from a projection): as the ledger knew it at an instant of
 * recorded time (the events it had recorded by then, whenever the usage in them occurred), or counting
 * only what occurred before an instant, as the ledger knows it now (a late record of last month counts
 * for last month).
 */
@Component
public class AccountHistory {

    private static final int PAGE = 1_000;

    private final EventStore events;
    private final EntriesProjection entries;

    public AccountHistory(@Lazy EventStore events, EntriesProjection entries) {
        this.events = events;
        this.entries = entries;
    }

    /** The account as the ledger knew it at {@code recordedBy}; empty when it was not open yet. */
    public Optional<AccountBalance> asOf(String accountId, Instant recordedBy) {
        DomainEventStream stream = events.readEvents(accountId, 0);
        AccountBalance known = null;
        while (stream.hasNext()) {
            DomainEventMessage<?> message = stream.next();
            if (message.getTimestamp().isAfter(recordedBy)) {
                break;
            }
            known = fold(known, message.getPayload(), recordedBy);
        }
        return Optional.ofNullable(known);
    }

    /** The account's balance and unbilled usage counting only the entries that occurred before {@code before}. */
    public Optional<AccountBalance> occurredBefore(AccountBalance now, Instant before) {
        BigDecimal balance = BigDecimal.ZERO;
        BigDecimal unbilled = BigDecimal.ZERO;
        BigDecimal spent = BigDecimal.ZERO;
        long records = 0;
        EntryCursor cursor = EntryCursor.START;
        for (List<LedgerEntry> page = entries.page(now.accountId(), cursor, PAGE, null, before); !page.isEmpty();
             page = entries.page(now.accountId(), cursor, PAGE, null, before)) {
            for (LedgerEntry entry : page) {
                balance = balance.add(entry.balanceChange().amount());
                unbilled = unbilled.add(entry.unbilledChange().amount());
                if (EntriesProjection.USAGE.equals(entry.type())) {
                    spent = spent.add(entry.unbilledChange().amount()).subtract(entry.balanceChange().amount());
                    records++;
                }
            }
            cursor = page.get(page.size() - 1).cursor();
        }
        String currency = now.currency();
        return Optional.of(new AccountBalance(now.accountId(), now.name(), now.billingMode(), currency, new Money(balance, currency),
                new Money(unbilled, currency), new Money(spent, currency), now.tier(), now.status(), records, before));
    }

    private static AccountBalance fold(AccountBalance a, Object event, Instant asOf) {
        if (event instanceof AccountOpened o) {
            Money zero = Money.zero(o.currency());
            return new AccountBalance(o.accountId(), o.name(), o.billingMode(), o.currency(), zero, zero, zero, 1, BalanceProjection.ACTIVE, 0, asOf);
        }
        if (a == null) {
            return null;
        }
        if (event instanceof UsageReversed r) {
            return with(a, r.balanceAfter(), r.unbilledAfter(), r.lifetimeSpendAfter(), a.tier(), a.status(), 0);
        }
        var moved = BalanceMovement.of(event);
        if (moved.isPresent()) {
            return with(a, moved.get().balanceAfter(), a.unbilled(), a.lifetimeSpend(), a.tier(), a.status(), 0);
        }
        if (event instanceof UsageBatchCharged u) {
            return with(a, u.balanceAfterMoney(), u.unbilledAfterMoney(), u.lifetimeSpendAfterMoney(), a.tier(), a.status(),
                    u.records().size());
        }
        if (event instanceof InvoiceCreditCarried c) {
            return with(a, a.balance(), c.unbilledAfter(), a.lifetimeSpend(), a.tier(), a.status(), 0);
        }
        if (event instanceof CommitmentEnded e) {
            return with(a, a.balance(), e.unbilledAfter(), a.lifetimeSpend(), a.tier(), a.status(), 0);
        }
        if (event instanceof UnbilledClosed c) {
            return with(a, a.balance(), new Money(c.unbilledAfter(), c.currency()), a.lifetimeSpend(), a.tier(), a.status(), 0);
        }
        if (event instanceof TierPromoted p) {
            return with(a, a.balance(), a.unbilled(), a.lifetimeSpend(), p.toTier(), a.status(), 0);
        }
        if (event instanceof AccountSuspended) {
            return with(a, a.balance(), a.unbilled(), a.lifetimeSpend(), a.tier(), BalanceProjection.SUSPENDED, 0);
        }
        if (event instanceof AccountReinstated) {
            return with(a, a.balance(), a.unbilled(), a.lifetimeSpend(), a.tier(), BalanceProjection.ACTIVE, 0);
        }
        return a;
    }

    private static AccountBalance with(AccountBalance a, Money balance, Money unbilled, Money lifetime, int tier, String status, int records) {
        return new AccountBalance(a.accountId(), a.name(), a.billingMode(), a.currency(), balance, unbilled, lifetime, tier, status,
                a.usageRecords() + records, a.asOf());
    }
}
