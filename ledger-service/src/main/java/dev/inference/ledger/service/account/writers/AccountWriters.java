package dev.inference.ledger.service.account.writers;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.common.caching.Cache;
import org.axonframework.eventsourcing.AggregateCacheEntry;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.inspection.AggregateModel;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.inference.ledger.accounts.Account;
import dev.inference.ledger.accounts.AccountCommand;

/**
 * One writer at a time per account, across instances. Within an instance Axon's lock serializes the
 * commands on an account and its cache keeps the account between them; but another instance (roles split
 * over Deployments, or two of one role) appends to the same accounts, and then the later writer met the
 * earlier one's event at commit and rolled back its whole transaction: for an ingest batch, hundreds of
 * records, retried with a growing backoff (SplitRolesBenchmark).
 * <p>
 * So every transaction that writes accounts first takes a PostgreSQL advisory lock, held until it ends,
 * on the usage partition of each account: the unit an ingest instance owns. A batch holds the few
 * partitions it charges (a lock per account would be thousands a batch, past PostgreSQL's shared lock
 * table), two ingest instances never wait for each other, and a top-up or any other command on an account
 * waits for the batch in flight on that account's partition, as if it were sent to its owner. Then the
 * cached accounts are brought up to the events another instance appended meanwhile. Writers queue instead
 * of colliding; nothing is rolled back. The event store's unique sequence stays the guarantee: the lock
 * only keeps writers from meeting there.
 */
@Component
public class AccountWriters {

    private static final Logger log = LoggerFactory.getLogger(AccountWriters.class);
    /**
     * Cached accounts found out of step with the store: written by another instance meanwhile (caught up),
     * or left ahead of it by a change of this one that rolled back as the lock was let go (reloaded).
     */
    static final String METRIC = "ledger.accounts.behind";
    private static final String LOCKED = AccountWriters.class.getName() + ".locked";
    private static final String CHECKED = AccountWriters.class.getName() + ".checked";

    private final JdbcTemplate jdbc;
    private final UsagePartitions partitions;
    private final Cache cache;
    private final EventStore events;
    private final AggregateModel<Account> model;
    private final SnapshotTriggerDefinition snapshots;
    private final Counter caughtUp;
    private final Counter reloaded;

    public AccountWriters(JdbcTemplate jdbc, UsagePartitions partitions, @Qualifier("accountCache") Cache cache, EventStore events,
                          ParameterResolverFactory parameters, HandlerDefinition handlers,
                          @Qualifier("accountSnapshotTrigger") SnapshotTriggerDefinition snapshots, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.partitions = partitions;
        this.cache = cache;
        this.events = events;
        this.snapshots = snapshots;
        this.caughtUp = meters.counter(METRIC, "outcome", "caught-up");
        this.reloaded = meters.counter(METRIC, "outcome", "reloaded");
        this.model = AnnotatedAggregateMetaModelFactory.inspectAggregate(Account.class, parameters, handlers);
    }

    /**
     * Takes the accounts' partitions for the current unit of work's transaction (those it holds already are
     * skipped), then makes sure the cache holds none of the accounts at an older version than the store.
     */
    public void lock(Collection<String> accountIds) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("an account is written only in a transaction: its lock would be let go at once");
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        Set<Integer> held = root.getOrComputeResource(LOCKED, k -> new HashSet<Integer>());
        Set<String> checked = root.getOrComputeResource(CHECKED, k -> new HashSet<String>());
        // Sorted, so that two transactions taking several never wait for each other in a circle.
        String[] keys = accountIds.stream().map(partitions::of).filter(held::add).sorted()
                .map(partition -> lockKey(partitions.topic(), partition)).toArray(String[]::new);
        if (keys.length > 0) {
            jdbc.query("SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(?::text[]) AS k", rs -> { }, (Object) keys);
        }
        catchUp(accountIds.stream().filter(checked::add).toArray(String[]::new));
    }

    /** The advisory lock of a partition of the usage topic, by name. */
    public static String lockKey(String topic, int partition) {
        return "ledger:account-writers:" + topic + ":" + partition;
    }

    /** The command bus's rule: a command on an account runs holding its account's partition. */
    public MessageHandlerInterceptor<CommandMessage<?>> interceptor() {
        return (unitOfWork, chain) -> {
            if (unitOfWork.getMessage().getPayload() instanceof AccountCommand command) {
                lock(List.of(command.accountId()));
            }
            return chain.proceed();
        };
    }

    /** A new statement after the locks: its snapshot sees every write committed before them. */
    private void catchUp(String[] accountIds) {
        String[] cached = Arrays.stream(accountIds).filter(cache::containsKey).toArray(String[]::new);
        if (cached.length == 0) {
            return;
        }
        Map<String, Long> stored = new HashMap<>();
        jdbc.query("""
                SELECT a.id, (SELECT e.sequencenumber FROM domainevententry e WHERE e.aggregateidentifier = a.id
                              ORDER BY e.sequencenumber DESC LIMIT 1)
                FROM unnest(?::varchar[]) AS a(id)""",
                rs -> { stored.put(rs.getString(1), rs.getObject(2, Long.class)); }, (Object) cached);
        stored.forEach(this::catchUp);
    }

    /**
     * Applies to the cached account the events another instance appended since, as a load would after a
     * snapshot: a reload from the last snapshot would replay up to 10,000 records for the one top-up it
     * missed. Anything unexpected, and the account is dropped instead, to be loaded whole.
     */
    private void catchUp(String accountId, Long stored) {
        AggregateCacheEntry<Account> entry = cache.get(accountId);
        if (entry == null) {
            return;
        }
        EventSourcedAggregate<Account> aggregate = entry.recreateAggregate(model, events, snapshots);
        Long version = aggregate.version();
        if (Objects.equals(version, stored)) {
            return;
        }
        try {
            if (version != null && stored != null && version < stored) {
                aggregate.initializeState(events.readEvents(accountId, version + 1));
                if (stored.equals(aggregate.version())) {
                    cache.put(accountId, new AggregateCacheEntry<>(aggregate));
                    caughtUp.increment();
                    return;
                }
            }
        } catch (RuntimeException e) {
            log.warn("account {}: could not apply the events another instance appended to the cached account; loading it whole: {}",
                    accountId, e.toString());
        }
        cache.remove(accountId);
        reloaded.increment();
    }
}
