package dev.inference.ledger.service.hold;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.inference.ledger.kernel.hold.HoldEvent;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldPlaced;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.service.account.AccountStates;
import dev.inference.ledger.accounts.UsageTiers;
import dev.inference.ledger.service.hold.HoldRules.Ending;
import dev.inference.ledger.service.hold.HoldRules.Granted;
import dev.inference.ledger.service.hold.HoldRules.OpenHold;
import dev.inference.ledger.service.hold.HoldRules.Placement;
import dev.inference.ledger.service.hold.HoldRules.Refused;
import dev.inference.ledger.service.hold.HoldStore.StoredHold;

/**
 * Where holds are decided. Every change to accounts' holds runs in the caller's transaction holding the
 * accounts' hold locks (across instances), against each account as committed and its open holds as stored;
 * first the usage charged since the last look settles holds and time expires them, then the changes, in the
 * order asked. The rows and the events commit together, so a hold granted is never forgotten. The locks are
 * not the account writers': a hold never waits behind an ingest batch. One transaction serves many
 * decisions ({@link HoldQueue}): its statements, its commit and its events are shared.
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
    /** Each account's open holds as this desk last committed them, by version. */
    private final Cache<String, Kept> kept = Caffeine.newBuilder().maximumSize(20_000).build();

    private record Kept(long version, List<OpenHold> open) {
    }

    public HoldDesk(HoldStore store, AccountStates accounts, EventBus events, UsageTiers tiers, HoldMetrics metrics, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.events = events;
        this.tiers = tiers;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** One ask of a batch: a hold on an account. */
    public record Ask(String accountId, HoldRules.Request request) {
    }

    /**
     * Decides the asks in order, each seeing those before it; an ask on an account that does not exist gets
     * an empty answer. The answers follow the asks' order.
     */
    public List<Optional<Placement>> place(List<Ask> asks) {
        Map<String, Book> books = books(asks.stream().map(Ask::accountId).toList(), true);
        List<Optional<Placement>> answers = new ArrayList<>(asks.size());
        for (Ask ask : asks) {
            Book book = books.get(ask.accountId());
            if (book == null) {
                answers.add(Optional.empty());
                continue;
            }
            Placement placement = HoldRules.place(book.caught.state(), book.open, ask.request(), tiers, book.now);
            if (placement instanceof Granted granted) {
                HoldPlaced p = granted.placed();
                List<OpenHold> open = new ArrayList<>(book.open);
                open.add(new OpenHold(p.holdId(), p.attribution(), p.amount(), Money.zero(p.amount().currency()), p.expiresAt()));
                book.record(new Ending(List.of(p), open));
            }
            metrics.decided(placement instanceof Refused refused ? refused.reason() : null);
            answers.add(Optional.of(placement));
        }
        save(books.values());
        return answers;
    }

    /** Places one hold, in the caller's transaction (a request with an idempotency key, whose claim shares it). */
    public Optional<Placement> place(String accountId, HoldRules.Request request) {
        return place(List.of(new Ask(accountId, request))).get(0);
    }

    /** Releases an open hold; a hold already ended stays as it ended. Empty when there is no such hold. */
    public Optional<StoredHold> release(String holdId) {
        Optional<StoredHold> found = store.find(holdId);
        if (found.isEmpty()) {
            return found;
        }
        Map<String, Book> books = books(List.of(found.get().accountId()), true);
        books.values().forEach(book -> book.record(HoldRules.release(book.caught.state(), book.open, holdId, tiers, book.now)));
        save(books.values());
        return store.find(holdId);
    }

    /** Settles and expires the holds of those accounts no decision holds now (the reconciler's round). */
    public void reconcile(Collection<String> accountIds) {
        save(books(accountIds, false).values());
    }

    /**
     * The accounts' holds brought up to now: usage since the last look settled, time run out expired. With
     * {@code wait}, each account's lock is waited for; without, an account another transaction holds is left out.
     */
    private Map<String, Book> books(Collection<String> accountIds, boolean wait) {
        TreeSet<String> distinct = new TreeSet<>(accountIds);
        List<String> locked;
        if (wait) {
            store.lock(distinct);
            locked = List.copyOf(distinct);
        } else {
            locked = store.tryLock(distinct);
        }
        if (locked.isEmpty()) {
            return Map.of();
        }
        Map<String, HoldStore.Seen> seen = store.seen(locked);
        Map<String, List<OpenHold>> open = openHolds(locked, seen);
        Instant now = clock.instant();
        Map<String, Book> books = new LinkedHashMap<>();
        for (String accountId : locked) {
            HoldStore.Seen stored = seen.get(accountId);
            // A new book has nothing to settle: no hold of the account existed before it.
            accounts.catchUp(accountId, stored == null ? Long.MAX_VALUE : stored.sequence()).ifPresent(caught -> {
                Book book = new Book(accountId, caught, stored == null ? 0 : stored.version(), open.getOrDefault(accountId, List.of()), now);
                book.record(HoldRules.settle(caught.state(), book.open, caught.chargedSince(), tiers, now));
                book.record(HoldRules.expire(caught.state(), book.open, tiers, now));
                books.put(accountId, book);
            });
        }
        return books;
    }

    /**
     * The accounts' open holds: kept from this desk's last change where the stored version is still the one it
     * left (no other instance changed them since), read for the others.
     */
    private Map<String, List<OpenHold>> openHolds(List<String> accountIds, Map<String, HoldStore.Seen> seen) {
        Map<String, List<OpenHold>> open = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String accountId : accountIds) {
            Kept mine = kept.getIfPresent(accountId);
            HoldStore.Seen stored = seen.get(accountId);
            if (stored == null) {
                continue; // no book: no hold yet
            }
            if (mine != null && mine.version() == stored.version()) {
                open.put(accountId, mine.open());
            } else {
                unknown.add(accountId);
            }
        }
        if (!unknown.isEmpty()) {
            open.putAll(store.open(unknown));
        }
        return open;
    }

    /** Stores what the books did, set-based, and publishes their events: they append at the transaction's commit. */
    private void save(Collection<Book> books) {
        Instant now = clock.instant();
        List<HoldEvent> changes = new ArrayList<>();
        List<OpenHold> drawn = new ArrayList<>();
        List<HoldStore.Book> saved = new ArrayList<>(books.size());
        for (Book book : books) {
            changes.addAll(book.changes);
            book.open.stream().filter(h -> book.before.containsKey(h.holdId()) && !book.before.get(h.holdId()).equals(h)).forEach(drawn::add);
            saved.add(new HoldStore.Book(book.accountId, book.caught.sequence(), book.version + 1, book.open));
        }
        if (saved.isEmpty()) {
            return;
        }
        // Kept only once committed: a version kept from a rolled-back change could later name another's holds.
        CurrentUnitOfWork.get().afterCommit(u -> saved.forEach(b -> kept.put(b.accountId(), new Kept(b.version(), b.open()))));
        store.apply(changes, drawn);
        store.saveBooks(saved, now);
        for (HoldEvent event : changes) {
            events.publish(new GenericDomainEventMessage<>(STREAM_TYPE, HoldEvent.stream(event.accountId(), event.holdId()),
                    event instanceof HoldPlaced ? 0 : 1, event));
            metrics.ended(event);
        }
    }

    private static final class Book {
        final String accountId;
        final AccountStates.Caught caught;
        final long version;
        final Instant now;
        final Map<String, OpenHold> before = new HashMap<>();
        final List<HoldEvent> changes = new ArrayList<>();
        List<OpenHold> open;

        Book(String accountId, AccountStates.Caught caught, long version, List<OpenHold> open, Instant now) {
            this.accountId = accountId;
            this.version = version;
            this.caught = caught;
            this.open = open;
            this.now = now;
            open.forEach(hold -> before.put(hold.holdId(), hold));
        }

        void record(Ending ending) {
            changes.addAll(ending.events());
            open = ending.open();
        }
    }
}
