package dev.inference.ledger.service.hold;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.hold.HoldEvent;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldPlaced;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.service.account.AccountStates;
import dev.inference.ledger.service.account.UsageTiers;
import dev.inference.ledger.service.hold.HoldRules.Ending;
import dev.inference.ledger.service.hold.HoldRules.Granted;
import dev.inference.ledger.service.hold.HoldRules.OpenHold;
import dev.inference.ledger.service.hold.HoldRules.Placement;
import dev.inference.ledger.service.hold.HoldRules.Refused;
import dev.inference.ledger.service.hold.HoldStore.StoredHold;

/**
 * Where holds are decided. Every change to an account's holds runs in the caller's transaction holding the
 * account's hold lock (across instances), against the account as committed and its open holds as stored;
 * first the usage charged since the last look settles holds and time expires them, then the change. The
 * rows and the events commit together, so a hold granted is never forgotten. The lock is not the
 * account's writer lock: a hold never waits behind an ingest batch.
 */
@Component
public class HoldDesk {

    static final String STREAM_TYPE = "Hold";

    private final HoldStore store;
    private final AccountStates accounts;
    private final EventBus events;
    private final UsageTiers tiers;
    private final HoldMetrics metrics;
    private final Clock clock;

    public HoldDesk(HoldStore store, AccountStates accounts, EventBus events, UsageTiers tiers, HoldMetrics metrics, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.events = events;
        this.tiers = tiers;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Places a hold, or says why not; empty when the account does not exist. */
    public Optional<Placement> place(String accountId, HoldRules.Request request) {
        store.lock(accountId);
        return book(accountId).map(book -> {
            Placement placement = HoldRules.place(book.caught.state(), book.open, request, tiers, book.now);
            if (placement instanceof Granted granted) {
                List<OpenHold> open = new ArrayList<>(book.open);
                HoldPlaced p = granted.placed();
                open.add(new OpenHold(p.holdId(), p.attribution(), p.amount(), Money.zero(p.amount().currency()),
                        p.expiresAt()));
                book.record(new Ending(List.of(p), open));
            }
            book.save();
            metrics.decided(placement instanceof Refused refused ? refused.reason() : null);
            return placement;
        });
    }

    /** Releases an open hold; a hold already ended stays as it ended. Empty when there is no such hold. */
    public Optional<StoredHold> release(String holdId) {
        Optional<StoredHold> found = store.find(holdId);
        if (found.isEmpty()) {
            return found;
        }
        String accountId = found.get().accountId();
        store.lock(accountId);
        book(accountId).ifPresent(book -> {
            book.record(HoldRules.release(book.caught.state(), book.open, holdId, tiers, book.now));
            book.save();
        });
        return store.find(holdId);
    }

    /** Settles and expires the account's holds if no decision on it is under way (the reconciler's round). */
    public void reconcile(String accountId) {
        if (store.tryLock(accountId)) {
            book(accountId).ifPresent(Book::save);
        }
    }

    /** The account's holds brought up to now: usage since the last look settled, time run out expired. */
    private Optional<Book> book(String accountId) {
        Optional<Long> seen = store.seen(accountId);
        // A new book has nothing to settle: no hold of the account existed before it.
        return accounts.catchUp(accountId, seen.orElse(Long.MAX_VALUE)).map(caught -> {
            Book book = new Book(accountId, caught, store.open(accountId), clock.instant());
            book.record(HoldRules.settle(caught.state(), book.open, caught.chargedSince(), tiers, book.now));
            book.record(HoldRules.expire(caught.state(), book.open, tiers, book.now));
            return book;
        });
    }

    private final class Book {
        final String accountId;
        final AccountStates.Caught caught;
        final Instant now;
        final Map<String, OpenHold> before = new HashMap<>();
        final List<HoldEvent> changes = new ArrayList<>();
        List<OpenHold> open;

        Book(String accountId, AccountStates.Caught caught, List<OpenHold> open, Instant now) {
            this.accountId = accountId;
            this.caught = caught;
            this.open = open;
            this.now = now;
            open.forEach(hold -> before.put(hold.holdId(), hold));
        }

        void record(Ending ending) {
            changes.addAll(ending.events());
            open = ending.open();
        }

        void save() {
            List<OpenHold> drawn = open.stream().filter(h -> before.containsKey(h.holdId()) && !before.get(h.holdId()).equals(h)).toList();
            store.apply(changes, drawn);
            store.saveBook(accountId, caught.sequence(), open);
            for (HoldEvent event : changes) {
                events.publish(new GenericDomainEventMessage<>(STREAM_TYPE, HoldEvent.stream(accountId, event.holdId()),
                        event instanceof HoldPlaced ? 0 : 1, event));
                metrics.ended(event);
            }
        }
    }
}
