package dev.inference.ledger.service.account;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.inference.ledger.accounts.Account;
import dev.inference.ledger.accounts.AccountState;
import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;

/**
 * Accounts as committed, for a decider that must not wait behind the account's writers (the hold desk):
 * each read brings a cached state up to the account's last committed event, folding with the aggregate's
 * own fold. It takes no lock and writes nothing; a write in flight is not seen until it commits.
 */
@Component
public class AccountStates {

    /** Accounts kept between reads: one is a few kilobytes, and a miss costs a snapshot and its tail. */
    static final int CACHED = 20_000;

    private final EventStore events;
    private final Cache<String, Known> known = Caffeine.newBuilder().maximumSize(CACHED).build();

    public AccountStates(EventStore events) {
        this.events = events;
    }

    private record Known(long sequence, AccountState state) {
    }

    /** The account at its last committed event ({@code sequence}), and the usage charged to it after {@code since}. */
    public record Caught(long sequence, AccountState state, List<UsageBatchCharged> chargedSince) {
    }

    /** Empty when the account has no events (it was never opened). */
    public Optional<Caught> catchUp(String accountId, long since) {
        Known current = known.getIfPresent(accountId);
        if (current == null) {
            current = load(accountId);
            if (current == null) {
                return Optional.empty();
            }
        }
        // One read serves both: the tail the cache lacks, and the charges since the caller last looked.
        long from = Math.min(current.sequence(), since) + 1;
        AccountState state = current.state();
        long sequence = current.sequence();
        List<UsageBatchCharged> charged = new ArrayList<>(0);
        DomainEventStream stream = events.readEvents(accountId, from);
        while (stream.hasNext()) {
            DomainEventMessage<?> message = stream.next();
            long at = message.getSequenceNumber();
            if (!(message.getPayload() instanceof AccountEvent event)) {
                continue; // a snapshot the stream starts with: the cached state already covers it
            }
            if (at > sequence) {
                state = state.evolve(event);
                sequence = at;
            }
            if (at > since && event instanceof UsageBatchCharged usage) {
                charged.add(usage);
            }
        }
        known.put(accountId, new Known(sequence, state));
        return Optional.of(new Caught(sequence, state, charged));
    }

    private Known load(String accountId) {
        DomainEventStream stream = events.readEvents(accountId);
        AccountState state = null;
        long sequence = -1;
        while (stream.hasNext()) {
            DomainEventMessage<?> message = stream.next();
            Object payload = message.getPayload();
            if (payload instanceof Account snapshot) {
                state = snapshot.state();
            } else if (payload instanceof AccountOpened opened) {
                state = AccountState.opened(opened);
            } else if (state != null && payload instanceof AccountEvent event) {
                state = state.evolve(event);
            }
            sequence = message.getSequenceNumber();
        }
        return state == null ? null : new Known(sequence, state);
    }
}
