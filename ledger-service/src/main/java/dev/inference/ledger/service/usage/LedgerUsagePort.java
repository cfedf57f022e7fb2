package dev.inference.ledger.service.usage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.jdbc.JdbcException;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.modelling.command.Repository;
import org.axonframework.common.caching.Cache;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

import dev.inference.ledger.ingest.DeadLetter;
import dev.inference.ledger.ingest.DeadLetters;
import dev.inference.ledger.ingest.LedgerUnavailableException;
import dev.inference.ledger.ingest.RatedBatch;
import dev.inference.ledger.ingest.RatedUsage;
import dev.inference.ledger.ingest.SourcePosition;
import dev.inference.ledger.ingest.TopicPartitionId;
import dev.inference.ledger.ingest.UsageLedger;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageRefused;
import dev.inference.ledger.kernel.input.Identifier;
import dev.inference.ledger.kernel.usage.RecordHash;
import dev.inference.ledger.kernel.usage.Rejection;
import dev.inference.ledger.accounts.Account;
import dev.inference.ledger.accounts.AccountCommand.ChargeUsage;
import dev.inference.ledger.accounts.AccountCommand.UsageToCharge;
import dev.inference.ledger.service.account.registry.AccountRegistry;
import dev.inference.ledger.service.account.writers.AccountWriters;

/**
 * The ledger's side of the ingest port. One PostgreSQL transaction per batch holds the dedupe keys,
 * the events of every account charged, the dead letters it decided and the consumer's next offsets:
 * all of them commit, or none.
 * <p>
 * That transaction belongs to the batch's root Axon unit of work ({@code attachTransaction}), so Axon
 * commits it in the COMMIT phase and only then, in CLEANUP, releases the accounts' locks: until the
 * charges are durable no other command on this instance can see them in the cached account. When the
 * commit fails the unit of work rolls back, and Axon's caching repository forgets every account it
 * changed before the lock is released.
 * <p>
 * Kafka is never written inside the transaction: the ledger's dead letters go to an outbox table in it
 * and are published after it committed (before every batch too, for a crash that left some behind).
 */
@Component
public class LedgerUsagePort implements UsageLedger {

    private static final int OUTBOX_PAGE = 5000;
    private static final int BRIEF = 300;

    private final TransactionManager transactions;
    private final JdbcTemplate jdbc;
    private final CommandGateway commands;
    private final AccountRegistry registry;
    private final Repository<Account> accounts;
    private final Cache accountCache;
    private final AccountWriters writers;

    public LedgerUsagePort(TransactionManager transactions, JdbcTemplate jdbc, CommandGateway commands,
                           AccountRegistry registry, Repository<Account> accounts,
                           @Qualifier("accountCache") Cache accountCache, AccountWriters writers) {
        this.transactions = transactions;
        this.jdbc = jdbc;
        this.commands = commands;
        this.registry = registry;
        this.accounts = accounts;
        this.accountCache = accountCache;
        this.writers = writers;
    }

    @Override
    public ChargeOutcome charge(RatedBatch batch, DeadLetters deadLetters) {
        try {
            publishOutbox(deadLetters);
            ChargeOutcome outcome = inUnitOfWork(batch);
            publishOutbox(deadLetters);
            return outcome;
        } catch (DataAccessException | TransactionException | JdbcException | ConcurrencyException e) {
            // Outages and write conflicts with another instance: the batch can be retried as it is.
            throw new LedgerUnavailableException("the batch was not charged: " + brief(e), e);
        }
    }

    /**
     * The failure without the statement a driver quotes in it: a batch insert's text holds every event of
     * the batch, hex-encoded, megabytes of customers' usage in the log.
     */
    private static String brief(Exception e) {
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        int quoted = message.indexOf(" Original message:");
        String kept = quoted < 0 ? message : message.substring(0, quoted);
        return kept.length() <= BRIEF ? kept : kept.substring(0, BRIEF) + "…";
    }

    private ChargeOutcome inUnitOfWork(RatedBatch batch) {
        UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        unitOfWork.attachTransaction(transactions);
        ResultMessage<ChargeOutcome> result = unitOfWork.executeWithResult(() -> chargeInTransaction(batch));
        if (result.isExceptional()) {
            Throwable failure = result.exceptionResult();
            throw failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
        }
        return result.getPayload();
    }

    private ChargeOutcome chargeInTransaction(RatedBatch batch) {
        Set<String> known = registry.existing(batch.usage().stream().map(u -> u.record().accountId()).distinct().toList());
        List<DeadLetter> refused = new ArrayList<>();
        List<RatedUsage> chargeable = new ArrayList<>(batch.usage().size());
        for (RatedUsage usage : batch.usage()) {
            if (known.contains(usage.record().accountId())) {
                chargeable.add(usage);
            } else {
                refused.add(new DeadLetter(usage.position(), new Rejection(Rejection.UNKNOWN_ACCOUNT,
                        "no account '" + usage.record().accountId() + "' is open in the ledger")));
            }
        }
        Keys keys = Keys.of(chargeable);
        Set<DedupeKey> fresh = claimFirstCharges(keys);
        Map<String, List<UsageToCharge>> byAccount = new LinkedHashMap<>();
        Map<DedupeKey, RatedUsage> first = new HashMap<>();
        Map<DedupeKey, byte[]> charging = new HashMap<>();
        List<Integer> repeated = new ArrayList<>();
        for (int i = 0; i < chargeable.size(); i++) {
            RatedUsage usage = chargeable.get(i);
            var r = usage.record();
            DedupeKey key = keys.key(i);
            // remove(): a second copy inside the same batch is a repeat too
            if (fresh.remove(key)) {
                byAccount.computeIfAbsent(r.accountId(), id -> new ArrayList<>())
                        .add(new UsageToCharge(r.eventId(), r.occurredAt(), r.source(), r.attribution(), usage.charge(), r.interval()));
                first.put(key, usage);
                charging.put(key, keys.hash(i));
            } else {
                repeated.add(i);
            }
        }
        int duplicates = 0;
        Map<DedupeKey, byte[]> stored = storedHashes(keys, repeated, charging.keySet());
        for (int i : repeated) {
            DedupeKey key = keys.key(i);
            byte[] earlier = charging.containsKey(key) ? charging.get(key) : stored.get(key);
            if (earlier == null || Arrays.equals(earlier, keys.hash(i))) {
                duplicates++;
            } else {
                refused.add(new DeadLetter(chargeable.get(i).position(), new Rejection(Rejection.CONFLICTING_DUPLICATE,
                        "eventId '" + Identifier.echo(key.eventId()) + "' was charged before with other content; the first is kept")));
            }
        }
        for (UsageRefused refusal : chargeAccounts(byAccount)) {
            RatedUsage usage = first.remove(new DedupeKey(refusal.accountId(), refusal.usageEventId()));
            refused.add(new DeadLetter(usage.position(), new Rejection(refusal.reason(), refusal.detail())));
        }
        storeOffsets(batch);
        storeInOutbox(refused);
        return new ChargeOutcome(first.size(), duplicates, refused.size());
    }

    /**
     * One command per account and at most {@link UsageBatchCharged#MAX_RECORDS} records (each returns
     * the records its account refused), all nested in the batch's unit of work: Axon queues the events
     * of every command on it and appends them in one JDBC batch, instead of a round trip per account.
     */
    private List<UsageRefused> chargeAccounts(Map<String, List<UsageToCharge>> byAccount) {
        writers.lock(byAccount.keySet()); // all at once, before any is loaded: one round trip, and fresh from the store
        loadUncached(byAccount.keySet());
        List<UsageRefused> refused = new ArrayList<>();
        byAccount.forEach((accountId, usage) -> {
            for (int from = 0; from < usage.size(); from += UsageBatchCharged.MAX_RECORDS) {
                var part = usage.subList(from, Math.min(usage.size(), from + UsageBatchCharged.MAX_RECORDS));
                refused.addAll(commands.<List<UsageRefused>>sendAndWait(new ChargeUsage(accountId, part)));
            }
        });
        return refused;
    }

    /**
     * Loads the accounts that are not cached before any command stages an event, which puts them in the
     * cache. Loaded by the commands instead, each would make Axon scan every event the batch has queued
     * so far (AbstractEventStore.stagedDomainEventMessages): quadratic in the batch.
     */
    private void loadUncached(Collection<String> accountIds) {
        List<String> uncached = accountIds.stream().filter(id -> !accountCache.containsKey(id)).toList();
        if (!uncached.isEmpty()) {
            DefaultUnitOfWork.startAndGet(null).execute(() -> uncached.forEach(accounts::load));
        }
    }

    private record DedupeKey(String accountId, String eventId) {
    }

    /** The dedupe key and record fingerprint of each chargeable record, by its index. */
    private record Keys(String[] accounts, String[] eventIds, byte[][] hashes) {
        static Keys of(List<RatedUsage> usage) {
            int n = usage.size();
            Keys keys = new Keys(new String[n], new String[n], new byte[n][]);
            for (int i = 0; i < n; i++) {
                var r = usage.get(i).record();
                keys.accounts[i] = r.accountId();
                keys.eventIds[i] = r.eventId();
                keys.hashes[i] = RecordHash.of(r);
            }
            return keys;
        }

        DedupeKey key(int i) {
            return new DedupeKey(accounts[i], eventIds[i]);
        }

        byte[] hash(int i) {
            return hashes[i];
        }
    }

    /** Inserts the dedupe keys in one statement; the ones that come back were never charged before. */
    private Set<DedupeKey> claimFirstCharges(Keys keys) {
        if (keys.accounts().length == 0) {
            return new HashSet<>();
        }
        return new HashSet<>(jdbc.query("""
                INSERT INTO charged_usage (account_id, event_id, record_hash)
                SELECT * FROM unnest(?::varchar[], ?::varchar[], ?::bytea[])
                ON CONFLICT DO NOTHING
                RETURNING account_id, event_id""",
                (rs, n) -> new DedupeKey(rs.getString(1), rs.getString(2)), keys.accounts(), keys.eventIds(), keys.hashes()));
    }

    /** The fingerprints stored with earlier batches' keys of the repeated records (none for keys older than fingerprints). */
    private Map<DedupeKey, byte[]> storedHashes(Keys keys, List<Integer> repeated, Set<DedupeKey> inThisBatch) {
        List<Integer> earlier = repeated.stream().filter(i -> !inThisBatch.contains(keys.key(i))).toList();
        Map<DedupeKey, byte[]> stored = new HashMap<>();
        if (earlier.isEmpty()) {
            return stored;
        }
        String[] accountIds = earlier.stream().map(i -> keys.accounts()[i]).toArray(String[]::new);
        String[] eventIds = earlier.stream().map(i -> keys.eventIds()[i]).toArray(String[]::new);
        jdbc.query("""
                SELECT c.account_id, c.event_id, c.record_hash
                  FROM charged_usage c JOIN unnest(?::varchar[], ?::varchar[]) AS k(account_id, event_id)
                    ON c.account_id = k.account_id AND c.event_id = k.event_id""",
                rs -> {
                    stored.put(new DedupeKey(rs.getString(1), rs.getString(2)), rs.getBytes(3));
                }, accountIds, eventIds);
        return stored;
    }

    private void storeOffsets(RatedBatch batch) {
        List<Object[]> rows = batch.nextOffsets().entrySet().stream()
                .map(e -> new Object[] {batch.consumerGroup(), e.getKey().topic(), e.getKey().partition(), e.getValue()})
                .toList();
        // GREATEST: a consumer that lost the partition in a rebalance can never move it backwards.
        jdbc.batchUpdate("""
                INSERT INTO ingest_offsets (consumer_group, topic, partition, next_offset) VALUES (?, ?, ?, ?)
                ON CONFLICT (consumer_group, topic, partition)
                DO UPDATE SET next_offset = GREATEST(ingest_offsets.next_offset, excluded.next_offset), updated_at = now()""", rows);
    }

    private void storeInOutbox(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("""
                INSERT INTO dead_letter_outbox (topic, partition, record_offset, record_key, record_value, reason, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?)""", letters.stream().map(d -> new Object[] {d.position().topic(), d.position().partition(),
                d.position().offset(), d.position().key(), d.position().value(), d.rejection().reason(), d.rejection().detail()})
                .toList());
    }

    /**
     * Publishes what the outbox holds, outside any transaction, and deletes it once acknowledged. Two
     * instances publishing the same rows at once send them twice: the DLQ is at least once.
     */
    private void publishOutbox(DeadLetters deadLetters) {
        while (true) {
            List<Long> ids = new ArrayList<>();
            List<DeadLetter> letters = jdbc.query("""
                    SELECT id, topic, partition, record_offset, record_key, record_value, reason, detail
                      FROM dead_letter_outbox ORDER BY id LIMIT ?""", (rs, n) -> {
                ids.add(rs.getLong(1));
                return new DeadLetter(new SourcePosition(rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getBytes(5), rs.getBytes(6)),
                        new Rejection(rs.getString(7), rs.getString(8)));
            }, OUTBOX_PAGE);
            if (letters.isEmpty()) {
                return;
            }
            deadLetters.publish(letters);
            jdbc.update("DELETE FROM dead_letter_outbox WHERE id = ANY(?::bigint[])", (Object) ids.toArray(Long[]::new));
            if (letters.size() < OUTBOX_PAGE) {
                return;
            }
        }
    }

    @Override
    public Map<TopicPartitionId, Long> storedOffsets(String consumerGroup, Collection<TopicPartitionId> partitions) {
        try {
            Map<TopicPartitionId, Long> stored = new HashMap<>();
            jdbc.query("SELECT topic, partition, next_offset FROM ingest_offsets WHERE consumer_group = ?",
                    rs -> {
                        var tp = new TopicPartitionId(rs.getString(1), rs.getInt(2));
                        if (partitions.contains(tp)) {
                            stored.put(tp, rs.getLong(3));
                        }
                    }, consumerGroup);
            return stored;
        } catch (DataAccessException e) {
            throw new LedgerUnavailableException("cannot read stored offsets: " + e.getMessage(), e);
        }
    }
}
