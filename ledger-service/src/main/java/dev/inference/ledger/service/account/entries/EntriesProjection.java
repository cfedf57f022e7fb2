package dev.inference.ledger.service.account.entries;

import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.account.AccountEvent.CommitmentEnded;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceCreditCarried;
import dev.inference.ledger.kernel.account.GrantDraw;
import dev.inference.ledger.kernel.account.BalanceMovement;
import dev.inference.ledger.kernel.account.AccountEvent;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.context.annotation.Lazy;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.UnbilledClosed;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.processing.AccountViews;
import dev.inference.ledger.processing.ProcessingBatch;

/**
 * The account's ledger. Stored: one row per event that moved money (a usage batch's row stands for
 * all its records), for auditors' sums. Listed: one entry per top-up, recharge and usage record, read
 * from the events themselves from the cursor on, so that nothing is copied per record.
 */
@Component
@ProcessingGroup(AccountViews.GROUP)
public class EntriesProjection {

    public static final String TOP_UP = BalanceMovement.TOP_UP;
    public static final String USAGE = "usage";
    public static final String RECHARGE = BalanceMovement.RECHARGE;
    /** A charged usage record reversed: its cost back to the balance (prepaid) or off the unbilled (postpaid). */
    public static final String USAGE_REVERSED = "usage-reversed";
    /** A paid invoice's credit note, credited on the next invoice. */
    public static final String INVOICE_CREDIT = "invoice-credit";
    /** What a commitment's term left unused, trued up onto the next invoice. */
    public static final String TRUE_UP = "commitment-true-up";
    /** Unbilled usage moved onto an invoice. */
    public static final String INVOICED = "invoiced";

    private final JdbcTemplate jdbc;
    private final EventStore events;

    public EntriesProjection(JdbcTemplate jdbc, @Lazy EventStore events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    @EventHandler
    void on(UsageReversed event, @SequenceNumber long sequence) {
        insert(event.accountId(), sequence, USAGE_REVERSED, event.usageEventId(), event.balanceChange().amount(),
                unbilledChange(event).amount(), event.balanceAfter().amount(), event.reversedAt(), event.reversedAt(), 0);
    }

    /** Postpaid: its credit lines on the next invoice (the whole cost, unless its invoice's credit note gives most of it back). */
    private static Money unbilledChange(UsageReversed event) {
        BigDecimal lines = event.creditLines().stream().map(l -> l.amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Money(event.billingMode() == BillingMode.POSTPAID ? lines : BigDecimal.ZERO, event.cost().currency());
    }

    @EventHandler
    void on(InvoiceCreditCarried event, @SequenceNumber long sequence) {
        insert(event.accountId(), sequence, INVOICE_CREDIT, event.creditNoteNumber(), BigDecimal.ZERO, event.amount().amount().negate(),
                BigDecimal.ZERO, event.carriedAt(), event.carriedAt(), 0);
    }

    @EventHandler
    void on(CommitmentEnded event, @SequenceNumber long sequence) {
        if (event.trueUpLine() != null) {
            insert(event.accountId(), sequence, TRUE_UP, event.commitmentId(), BigDecimal.ZERO, event.trueUp().amount(), BigDecimal.ZERO,
                    event.endedAt(), event.endedAt(), 0);
        }
    }

    /** Credit in or out: a top-up, a recharge, a grant counting, expiring or voided (every other event: nothing). */
    @EventHandler
    void on(AccountEvent event, @SequenceNumber long sequence) {
        BalanceMovement.of(event).ifPresent(moved -> insert(event.accountId(), sequence, moved.type(), moved.reference(),
                moved.change().amount(), BigDecimal.ZERO, moved.balanceAfter().amount(), moved.at(), moved.at(), 0));
    }

    /** Unbilled usage moved onto an invoice: the entry that takes it out of the unbilled sum. */
    @EventHandler
    void on(UnbilledClosed event, @SequenceNumber long sequence) {
        insert(event.accountId(), sequence, INVOICED, event.invoiceId(), BigDecimal.ZERO, event.total().negate(), event.balance(),
                event.closedAt(), event.closedAt(), 0);
    }

    @EventHandler
    void on(UsageBatchCharged event, @SequenceNumber long sequence) {
        insert(event.accountId(), sequence, USAGE, null, event.balanceChange(), event.unbilledChange(), event.balanceAfter(),
                event.records().get(0).occurredAt(), event.chargedAt(), event.records().size());
    }

    @ResetHandler
    void reset() {
        jdbc.update("TRUNCATE ledger_entries");
    }

    private void insert(String accountId, long sequence, String type, String reference, BigDecimal balanceChange,
                        BigDecimal unbilledChange, BigDecimal balanceAfter, Instant occurredAt, Instant recordedAt, int usageRecords) {
        ProcessingBatch.<List<Object[]>>pending("entries", ArrayList::new, this::write).add(new Object[] {
                accountId, sequence, type, reference, balanceChange, unbilledChange, balanceAfter,
                Timestamp.from(occurredAt), Timestamp.from(recordedAt), usageRecords});
    }

    private void write(List<Object[]> rows) {
        jdbc.batchUpdate("""
                INSERT INTO ledger_entries (account_id, sequence, entry_type, reference, balance_change, unbilled_change,
                                            balance_after, occurred_at, recorded_at, usage_records)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""", rows);
    }

    /** Up to {@code limit} entries after {@code after}, oldest first, read from the account's events. */
    public List<LedgerEntry> page(String accountId, EntryCursor after, int limit) {
        return page(accountId, after, limit, null, null);
    }

    /**
     * The same, as the ledger knew the account at {@code recordedBy} (the events it had recorded by then; null:
     * now), or only the entries that occurred before {@code occurredBefore} (null: all).
     */
    public List<LedgerEntry> page(String accountId, EntryCursor after, int limit, Instant recordedBy, Instant occurredBefore) {
        List<LedgerEntry> page = new ArrayList<>(limit);
        long first = after.index() == Integer.MAX_VALUE ? after.sequence() + 1 : after.sequence();
        DomainEventStream stream = events.readEvents(accountId, first);
        while (page.size() < limit && stream.hasNext()) {
            DomainEventMessage<?> message = stream.next();
            if (recordedBy != null && message.getTimestamp().isAfter(recordedBy)) {
                break;
            }
            int from = message.getSequenceNumber() == after.sequence() ? after.index() + 1 : 0;
            if (occurredBefore == null) {
                entriesOf(message, from, limit - page.size(), page);
            } else {
                List<LedgerEntry> all = new ArrayList<>();
                entriesOf(message, from, Integer.MAX_VALUE, all);
                // Only what occurred: an invoice's close is not an occurrence.
                all.stream().filter(e -> !INVOICED.equals(e.type()) && e.occurredAt().isBefore(occurredBefore))
                        .limit(limit - page.size()).forEach(page::add);
            }
        }
        return page;
    }

    /**
     * Up to {@code limit} entries before {@code before} (null: from the newest), newest first: the money events
     * are found in the table, newest first, and each is read from the store for its entries.
     */
    public List<LedgerEntry> pageNewestFirst(String accountId, EntryCursor before, int limit) {
        List<LedgerEntry> page = new ArrayList<>(limit);
        List<Long> sequences = jdbc.queryForList("""
                SELECT sequence FROM ledger_entries WHERE account_id = ? AND sequence <= ? ORDER BY sequence DESC LIMIT ?""",
                Long.class, accountId, before == null ? Long.MAX_VALUE : before.sequence(), limit);
        for (long sequence : sequences) {
            DomainEventStream stream = events.readEvents(accountId, sequence);
            if (!stream.hasNext() || page.size() >= limit) {
                break;
            }
            List<LedgerEntry> all = new ArrayList<>();
            entriesOf(stream.next(), 0, Integer.MAX_VALUE, all);
            for (int i = all.size() - 1; i >= 0 && page.size() < limit; i--) {
                EntryCursor cursor = all.get(i).cursor();
                if (before == null || cursor.sequence() < before.sequence() || cursor.index() < before.index()) {
                    page.add(all.get(i));
                }
            }
        }
        return page;
    }

    /**
     * The entries of one account event from its entry {@code from} on, at most {@code room}: one for a top-up,
     * a recharge or an invoice's close, one per record of a usage batch.
     */
    private static void entriesOf(DomainEventMessage<?> message, int from, int room, List<LedgerEntry> into) {
        long sequence = message.getSequenceNumber();
        Object payload = message.getPayload();
        if (payload instanceof UsageBatchCharged batch) {
            usage(sequence, message.getIdentifier(), batch, from, room, into);
        } else if (from > 0) {
            return; // the event's one entry ended the page before
        } else if (payload instanceof UsageReversed r) {
            into.add(new LedgerEntry(new EntryCursor(sequence, 0), USAGE_REVERSED, r.usageEventId(), r.balanceChange(), unbilledChange(r),
                    r.balanceAfter(), r.reversedAt(), r.reversedAt(), null));
        } else if (payload instanceof InvoiceCreditCarried carried) {
            into.add(new LedgerEntry(new EntryCursor(sequence, 0), INVOICE_CREDIT, carried.creditNoteNumber(), Money.zero(carried.amount().currency()),
                    carried.amount().negate(), Money.zero(carried.amount().currency()), carried.carriedAt(), carried.carriedAt(), null));
        } else if (payload instanceof CommitmentEnded ended) {
            if (ended.trueUpLine() != null) {
                into.add(new LedgerEntry(new EntryCursor(sequence, 0), TRUE_UP, ended.commitmentId(), Money.zero(ended.trueUp().currency()),
                        ended.trueUp(), Money.zero(ended.trueUp().currency()), ended.endedAt(), ended.endedAt(), null));
            }
        } else if (payload instanceof UnbilledClosed closed) {
            into.add(new LedgerEntry(new EntryCursor(sequence, 0), INVOICED, closed.invoiceId(), Money.zero(closed.currency()),
                    new Money(closed.total().negate(), closed.currency()), new Money(closed.balance(), closed.currency()),
                    closed.closedAt(), closed.closedAt(), null));
        } else {
            BalanceMovement.of(payload).ifPresent(moved -> into.add(credit(sequence, moved.type(), moved.reference(), moved.change(),
                    moved.balanceAfter(), moved.at())));
        }
    }

    private static LedgerEntry credit(long sequence, String type, String reference, Money amount, Money balanceAfter, Instant at) {
        return new LedgerEntry(new EntryCursor(sequence, 0), type, reference, amount, Money.zero(amount.currency()), balanceAfter,
                at, at, null);
    }

    /** {@code ledgerEventId}: the stored event's id; with a record's index, its receipt's id ({@code <eventId>:<index>}). */
    private static void usage(long sequence, String ledgerEventId, UsageBatchCharged batch, int from, int room, List<LedgerEntry> page) {
        String currency = batch.currency();
        Money zero = Money.zero(currency);
        boolean prepaid = batch.billingMode() == BillingMode.PREPAID;
        int[] added = {0};
        List<List<GrantDraw>> paidBy = batch.drawsByRecord();
        batch.walk((index, record, balanceAfter, unbilledAfter) -> {
            if (index < from || added[0] >= room) {
                return;
            }
            Money cost = record.costIn(currency);
            page.add(new LedgerEntry(new EntryCursor(sequence, index), USAGE, record.eventId(), prepaid ? cost.negate() : zero,
                    prepaid ? zero : cost, new Money(balanceAfter, currency), record.occurredAt(), batch.chargedAt(),
                    UsageDetails.of(record, batch.prices().get(record.price()), currency, paidBy.get(index), ledgerEventId + ":" + index)));
            added[0]++;
        });
    }
}
