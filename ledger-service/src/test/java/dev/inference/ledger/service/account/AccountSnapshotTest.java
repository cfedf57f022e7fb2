package dev.inference.ledger.service.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.caching.Cache;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.modelling.command.Repository;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

import dev.inference.ledger.accounts.Account;
import dev.inference.ledger.accounts.AccountState;
import dev.inference.ledger.accounts.Organisation;
import dev.inference.ledger.ingest.RatedBatch;
import dev.inference.ledger.ingest.RatedUsage;
import dev.inference.ledger.ingest.SourcePosition;
import dev.inference.ledger.ingest.TopicPartitionId;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.DefaultCatalog;
import dev.inference.ledger.kernel.pricing.Rated;
import dev.inference.ledger.kernel.pricing.Rating;
import dev.inference.ledger.kernel.usage.UsageKind;
import dev.inference.ledger.kernel.usage.UsageRecord;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.kernel.usage.UsageRecord.TokenCounts;
import dev.inference.ledger.accounts.AccountCommand.AddMember;
import dev.inference.ledger.accounts.AccountCommand.AddProject;
import dev.inference.ledger.accounts.AccountCommand.ConfigureAutoRecharge;
import dev.inference.ledger.accounts.AccountCommand.IssueApiKey;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.accounts.AccountCommand.SetBudget;
import dev.inference.ledger.accounts.AccountCommand.TopUp;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.usage.LedgerUsagePort;

/**
 * Snapshots every five events, against the real event store: an account loaded from its snapshot and
 * the events after it must be exactly the account that replays every event.
 */
@TestPropertySource(properties = {"ledger.roles.ingest=false", "ledger.accounts.snapshot-every-records=5"})
class AccountSnapshotTest extends ServiceStory {

    private static final String ID = "acct-snap";

    @Autowired
    CommandGateway commands;
    @Autowired
    LedgerUsagePort usagePort;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Repository<Account> accounts;
    @Autowired
    @Qualifier("accountCache")
    Cache accountCache;

    @Test
    void an_account_loaded_from_its_snapshot_and_later_events_is_the_account_that_replayed_every_event() {
        commands.sendAndWait(new OpenAccount(ID, "Snap", BillingMode.PREPAID, "USD"));
        commands.sendAndWait(new TopUp(ID, "t-1", Money.of("50", "USD")));
        commands.sendAndWait(new AddProject(ID, "proj-a", "A"));
        commands.sendAndWait(new AddMember(ID, "user-1", "developer"));
        commands.sendAndWait(new IssueApiKey(ID, "key-1", "proj-a", "user-1"));
        commands.sendAndWait(new SetBudget(ID, "project", "proj-a", "month", Money.of("10", "USD"), List.of(new BigDecimal("0.5"))));
        commands.sendAndWait(new ConfigureAutoRecharge(ID, false, Money.of("20", "USD"), Money.of("100", "USD")));
        // The snapshotter skips a trigger while a snapshot of the same account is still being taken: let the
        // first one (after five events) finish, so the batch's trigger is the one that covers everything.
        Await.until("the first snapshot", Duration.ofSeconds(20), () -> snapshotSequence() >= 4);
        usagePort.charge(batch(8), letters -> { });
        Await.until("a snapshot of every event so far", Duration.ofSeconds(20), () -> snapshotSequence() == lastSequence());

        // One event after the snapshot, from an account loaded from it: too few for another snapshot.
        accountCache.remove(ID);
        commands.sendAndWait(new TopUp(ID, "t-2", Money.of("10", "USD")));
        long snapshot = snapshotSequence();
        assertThat(lastSequence()).isEqualTo(snapshot + 1);

        // Loaded with every event up to the snapshot hidden: only the snapshot can have supplied them.
        // The service's own login may not change the event store; the server's superuser may.
        JdbcTemplate superuser = infra().superuser();
        accountCache.remove(ID);
        superuser.update("UPDATE domainevententry SET aggregateidentifier = 'hidden-' || aggregateidentifier"
                + " WHERE aggregateidentifier = ? AND sequencenumber <= ?", ID, snapshot);
        AccountState fromSnapshot = load();
        superuser.update("UPDATE domainevententry SET aggregateidentifier = ? WHERE aggregateidentifier = ?", ID, "hidden-" + ID);

        jdbc.update("DELETE FROM snapshotevententry WHERE aggregateidentifier = ?", ID);
        accountCache.remove(ID);
        AccountState replayed = load();

        assertThat(fromSnapshot).isEqualTo(replayed);
        // 50 - 7 × 0.001425 + 10: the eighth record is held for review, not charged
        assertThat(fromSnapshot.balance()).isEqualTo(Money.of("59.990025", "USD"));
        assertThat(fromSnapshot.heldUsage()).containsOnlyKeys(ID + "-e7");
        assertThat(fromSnapshot.organisation()).isNotEqualTo(Organisation.EMPTY);
        assertThat(fromSnapshot.budgets()).isNotEmpty();
    }

    private AccountState load() {
        var result = DefaultUnitOfWork.startAndGet(null).executeWithResult(() -> accounts.load(ID).invoke(Account::state));
        assertThat(result.isExceptional()).as(String.valueOf(result.isExceptional() ? result.exceptionResult() : "")).isFalse();
        accountCache.remove(ID);
        return result.getPayload();
    }

    private long snapshotSequence() {
        Long seq = jdbc.queryForObject("SELECT max(sequencenumber) FROM snapshotevententry WHERE aggregateidentifier = ?", Long.class, ID);
        return seq == null ? -1 : seq;
    }

    private long lastSequence() {
        return jdbc.queryForObject("SELECT max(sequencenumber) FROM domainevententry WHERE aggregateidentifier = ?", Long.class, ID);
    }

    private static RatedBatch batch(int records) {
        List<RatedUsage> usage = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            // The last: a day of a thousand replicas, above the review ceiling, so the snapshot holds a record for review.
            UsageRecord record = i < records - 1
                    ? new UsageRecord(ID + "-e" + i, UsageKind.TOKENS, ID, Instant.parse("2026-11-22T10:00:00Z"), null,
                            Attribution.NONE, "deepseek-ai/DeepSeek-V3", null, new TokenCounts(2000, 0, 500), null, null, null, null, null, null,
                            null)
                    : new UsageRecord(ID + "-e" + i, UsageKind.COMPUTE, ID, Instant.parse("2026-11-22T10:00:00Z"), null, Attribution.NONE,
                            null, null, null, "llm.super", new BigDecimal("86400"), 1000, "running", null, null, null);
            var charge = ((Rated.Priced) Rating.rate(record, DefaultCatalog.version1())).charge();
            usage.add(new RatedUsage(record, charge, new SourcePosition("usage.events", 0, i, ID.getBytes(StandardCharsets.UTF_8), new byte[0])));
        }
        return new RatedBatch("snapshots", usage, Map.of(new TopicPartitionId("usage.events", 0), (long) records));
    }
}
