package dev.inference.ledger.service.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.inference.ledger.ingest.DeadLetter;
import dev.inference.ledger.ingest.DeadLetters;
import dev.inference.ledger.ingest.LedgerUnavailableException;
import dev.inference.ledger.ingest.RatedBatch;
import dev.inference.ledger.ingest.RatedUsage;
import dev.inference.ledger.ingest.SourcePosition;
import dev.inference.ledger.ingest.TopicPartitionId;
import dev.inference.ledger.ingest.UsageLedger.ChargeOutcome;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.DefaultCatalog;
import dev.inference.ledger.kernel.pricing.Rated;
import dev.inference.ledger.kernel.pricing.Rating;
import dev.inference.ledger.kernel.usage.UsageKind;
import dev.inference.ledger.kernel.usage.UsageRecord;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.kernel.usage.UsageRecord.TokenCounts;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.accounts.AccountCommand.TopUp;
import dev.inference.ledger.service.account.writers.AccountWriters;
import dev.inference.ledger.service.account.writers.UsagePartitions;
import dev.inference.ledger.service.audit.Reconciliation;
import dev.inference.ledger.service.support.AnotherInstance;
import dev.inference.ledger.service.support.FailAtCommit;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.UsageStream;

/**
 * The transaction that proves Axon runs with Spring's transactions: the charge, the dedupe keys and
 * the consumer offsets commit together or roll back together, against the real PostgreSQL, and the
 * account is not seen by another command before they did.
 */
@TestPropertySource(properties = "ledger.roles.ingest=false")
class LedgerUsagePortTest extends ServiceStory {

    private static final String TOPIC = "usage.events";

    @Autowired
    LedgerUsagePort usagePort;
    @Autowired
    CommandGateway commands;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Reconciliation reconciliation;
    @Autowired
    MeterRegistry meters;
    @Autowired
    UsagePartitions partitions;

    @Test
    void dead_letters_go_out_after_the_charge_committed_and_wait_in_the_outbox_while_the_broker_is_down() {
        commands.sendAndWait(new OpenAccount("acct-tx", "Tx", BillingMode.PREPAID, "USD"));
        commands.sendAndWait(new TopUp("acct-tx", "t-1", Money.of("10", "USD")));
        RatedBatch batch = batch("acct-tx", "stranger", 3);

        DeadLetters brokerDown = letters -> {
            throw new IllegalStateException("the dead-letter topic is down");
        };
        assertThatThrownBy(() -> usagePort.charge(batch, brokerDown)).hasMessageContaining("dead-letter topic is down");
        // opened, topped up, and the three records in one batch event
        assertThat(eventsOf("acct-tx")).isEqualTo(3);
        assertThat(count("charged_usage WHERE account_id = 'acct-tx'")).isEqualTo(3);
        assertThat(count("dead_letter_outbox")).isEqualTo(1);

        // Redelivered: nothing is charged twice, and the letter that waited goes out with the new one
        // (the stranger is refused again: at least once on the DLQ), never inside a transaction.
        List<DeadLetter> published = new ArrayList<>();
        List<Boolean> inTransaction = new ArrayList<>();
        ChargeOutcome outcome = usagePort.charge(batch, letters -> {
            inTransaction.add(TransactionSynchronizationManager.isActualTransactionActive());
            published.addAll(letters);
        });
        assertThat(outcome).isEqualTo(new ChargeOutcome(0, 3, 1));
        assertThat(inTransaction).isNotEmpty().containsOnly(false);
        assertThat(published).hasSize(2).allSatisfy(d -> assertThat(d.rejection().reason()).isEqualTo("unknown-account"));
        assertThat(count("dead_letter_outbox")).isZero();
        assertThat(usagePort.storedOffsets("group-of-acct-tx", List.of(new TopicPartitionId(TOPIC, 0)))).containsEntry(new TopicPartitionId(TOPIC, 0), 4L);
        assertThat(lastBalanceAfter("acct-tx")).isEqualTo("9.995725000000");
    }

    /**
     * The batch's transaction fails at COMMIT (a deferred trigger on the offsets, which first sleeps to
     * hold the window open): a top-up racing it must wait for the account until the rollback, and then
     * build on the balance as committed, never on the charges that were rolled back.
     */
    @Test
    void a_top_up_racing_a_batch_that_rolls_back_at_commit_builds_on_the_committed_balance_only() throws Exception {
        commands.sendAndWait(new OpenAccount("acct-late", "Late", BillingMode.PREPAID, "USD"));
        commands.sendAndWait(new TopUp("acct-late", "t-1", Money.of("10", "USD")));
        try (FailAtCommit failing = FailAtCommit.on(infra().superuser(), "ingest_offsets", "NEW.consumer_group = 'group-of-acct-late'")) {
            var ingest = Executors.newSingleThreadExecutor();
            var batch = ingest.submit(() -> usagePort.charge(batch("acct-late", null, 3), letters -> { }));
            failing.awaitCommitting();

            commands.sendAndWait(new TopUp("acct-late", "t-2", Money.of("10", "USD")));

            assertThatThrownBy(batch::get).hasCauseInstanceOf(LedgerUnavailableException.class);
            ingest.shutdown();
        }
        assertThat(lastBalanceAfter("acct-late")).isEqualTo("20.000000000000");
        assertThat(count("charged_usage WHERE account_id = 'acct-late'")).isZero();
        assertThat(count("ingest_offsets WHERE consumer_group = 'group-of-acct-late'")).isZero();
        // No hole in the account's stream where the rolled-back charges were.
        assertThat(jdbc.queryForObject("SELECT max(sequencenumber) + 1 FROM domainevententry WHERE aggregateidentifier = 'acct-late'",
                Long.class)).isEqualTo(eventsOf("acct-late"));

        // Redelivered, the batch charges the balance as it really is: 20 - 3 × 0.001425.
        assertThat(usagePort.charge(batch("acct-late", null, 3), letters -> { })).isEqualTo(new ChargeOutcome(3, 0, 0));
        assertThat(lastBalanceAfter("acct-late")).isEqualTo("19.995725000000");
    }

    @Test
    void a_redelivered_batch_is_counted_as_duplicates_and_charges_nothing() {
        commands.sendAndWait(new OpenAccount("acct-dup", "Dup", BillingMode.PREPAID, "USD"));
        RatedBatch batch = batch("acct-dup", null, 2);
        assertThat(usagePort.charge(batch, letters -> { })).isEqualTo(new ChargeOutcome(2, 0, 0));
        long events = eventsOf("acct-dup");

        assertThat(usagePort.charge(batch, letters -> { })).isEqualTo(new ChargeOutcome(0, 2, 0));
        assertThat(eventsOf("acct-dup")).isEqualTo(events);
    }

    @Test
    void a_batch_after_a_write_from_another_instance_charges_the_balance_the_store_has_first_time() {
        commands.sendAndWait(new OpenAccount("acct-race", "Race", BillingMode.PREPAID, "USD"));
        commands.sendAndWait(new TopUp("acct-race", "t-1", Money.of("10", "USD")));
        AnotherInstance.creditsTopUp(jdbc, "acct-race", "t-elsewhere", "5.000000000000", "15.000000000000");

        // The cached account is one event behind: under the lock it is brought up to the store, not collided with.
        double caughtUp = meters.counter("ledger.accounts.behind", "outcome", "caught-up").count();
        double reloaded = meters.counter("ledger.accounts.behind", "outcome", "reloaded").count();
        assertThat(usagePort.charge(batch("acct-race", null, 2), letters -> { })).isEqualTo(new ChargeOutcome(2, 0, 0));
        assertThat(lastBalanceAfter("acct-race")).isEqualTo("14.997150000000");
        assertThat(meters.counter("ledger.accounts.behind", "outcome", "caught-up").count()).isEqualTo(caughtUp + 1);
        assertThat(meters.counter("ledger.accounts.behind", "outcome", "reloaded").count()).isEqualTo(reloaded);
    }

    /**
     * Another instance in the middle of a transaction on the account (its partition's lock held): a batch and a
     * command wait for it, then build on it.
     */
    @Test
    void writers_of_an_account_on_other_instances_wait_for_each_other_instead_of_colliding() throws Exception {
        commands.sendAndWait(new OpenAccount("acct-held", "Held", BillingMode.PREPAID, "USD"));
        commands.sendAndWait(new TopUp("acct-held", "t-1", Money.of("10", "USD")));
        var writers = Executors.newFixedThreadPool(2);
        try (Connection elsewhere = DriverManager.getConnection(infra().database.jdbcUrl(), infra().database.user(), infra().database.password())) {
            elsewhere.setAutoCommit(false);
            try (var statement = elsewhere.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                statement.setString(1, AccountWriters.lockKey(partitions.topic(), partitions.of("acct-held")));
                statement.execute();
            }
            AnotherInstance.creditsTopUp(new JdbcTemplate(new SingleConnectionDataSource(elsewhere, true)), "acct-held",
                    "t-elsewhere", "5.000000000000", "15.000000000000");
            var batch = writers.submit(() -> usagePort.charge(batch("acct-held", null, 2), letters -> { }));
            var topUp = writers.submit(() -> commands.sendAndWait(new TopUp("acct-held", "t-2", Money.of("10", "USD"))));
            Thread.sleep(1000);
            assertThat(batch.isDone()).as("the batch waits for the other instance's transaction").isFalse();
            assertThat(topUp.isDone()).as("the top-up waits for the other instance's transaction").isFalse();
            elsewhere.commit();
            assertThat(batch.get(30, TimeUnit.SECONDS)).isEqualTo(new ChargeOutcome(2, 0, 0));
            topUp.get(30, TimeUnit.SECONDS);
        } finally {
            writers.shutdown();
        }
        assertThat(lastBalanceAfter("acct-held")).isEqualTo("24.997150000000");
        // Opened, two top-ups here, one elsewhere, one batch: every one kept, at sequence numbers without a hole.
        assertThat(eventsOf("acct-held")).isEqualTo(5L);
        assertThat(jdbc.queryForObject("SELECT max(sequencenumber) FROM domainevententry WHERE aggregateidentifier = 'acct-held'", Long.class))
                .isEqualTo(4L);
    }

    /** The lock a command takes is the partition its account's usage is on, as the Kafka producer chooses it. */
    @Test
    void an_accounts_partition_is_the_one_the_kafka_producer_puts_its_usage_on() throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra().kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 32; i++) {
                String account = "acct-partition-" + i;
                int partition = producer.send(new ProducerRecord<>(partitions.topic(), account, "{}")).get(30, TimeUnit.SECONDS).partition();
                assertThat(partitions.of(account)).as(account).isEqualTo(partition);
            }
        }
    }

    @Test
    void stored_events_are_plain_json_an_auditor_can_read_without_java_class_names() {
        commands.sendAndWait(new OpenAccount("acct-json", "Json", BillingMode.PREPAID, "USD"));
        usagePort.charge(batch("acct-json", null, 1), letters -> { });

        String payload = jdbc.queryForObject("""
                SELECT convert_from(payload, 'UTF8') FROM domainevententry
                WHERE aggregateidentifier = 'acct-json' AND payloadtype LIKE '%.UsageBatchCharged'""", String.class);
        assertThat(payload).doesNotContain("java.").contains("\"records\":[{").contains("\"unbilledAfter\":\"0.000000000000\"");
    }

    @Test
    void reconciliation_finds_a_projection_that_disagrees_with_the_event_store_by_a_single_unit() {
        commands.sendAndWait(new OpenAccount("acct-rec", "Rec", BillingMode.PREPAID, "USD"));
        commands.sendAndWait(new TopUp("acct-rec", "t-1", Money.of("10", "USD")));
        usagePort.charge(batch("acct-rec", null, 4), letters -> { });
        Await.until("the projections catch up", Duration.ofSeconds(20),
                () -> reconciliation.run().balanced() && jdbc.queryForObject(
                        "SELECT count(*) FROM ledger_entries WHERE account_id = 'acct-rec'", Integer.class) == 2);

        jdbc.update("UPDATE account_balances SET balance = balance + 0.000000000001 WHERE account_id = 'acct-rec'");

        assertThat(reconciliation.run().mismatches()).singleElement()
                .satisfies(m -> assertThat(m.accountId()).isEqualTo("acct-rec"));
    }

    @Test
    void a_repeated_event_id_with_other_content_is_dead_lettered_as_a_conflicting_duplicate_and_an_exact_copy_is_skipped() {
        commands.sendAndWait(new OpenAccount("acct-conflict", "Conflict", BillingMode.POSTPAID, "USD"));
        RatedUsage original = rated("acct-conflict", "c-1", 0, 2000);
        RatedUsage sameAgain = rated("acct-conflict", "c-1", 1, 2000);
        RatedUsage otherInBatch = rated("acct-conflict", "c-1", 2, 9999);
        List<DeadLetter> letters = new ArrayList<>();
        ChargeOutcome first = usagePort.charge(new RatedBatch("group-conflict", List.of(original, sameAgain, otherInBatch),
                Map.of(new TopicPartitionId(TOPIC, 0), 3L)), letters::addAll);
        assertThat(first).isEqualTo(new ChargeOutcome(1, 1, 1));

        RatedUsage otherLater = rated("acct-conflict", "c-1", 3, 7);
        ChargeOutcome later = usagePort.charge(new RatedBatch("group-conflict", List.of(rated("acct-conflict", "c-1", 4, 2000), otherLater),
                Map.of(new TopicPartitionId(TOPIC, 0), 5L)), letters::addAll);
        assertThat(later).isEqualTo(new ChargeOutcome(0, 1, 1));
        assertThat(letters).extracting(d -> d.rejection().reason()).containsExactly("conflicting-duplicate", "conflicting-duplicate");
        assertThat(letters).extracting(d -> d.position().offset()).containsExactly(2L, 3L);
        assertThat(count("charged_usage WHERE account_id = 'acct-conflict'")).isEqualTo(1);
    }

    @Test
    void an_accounts_records_beyond_a_thousand_in_one_batch_go_in_the_next_event() {
        commands.sendAndWait(new OpenAccount("acct-many", "Many", BillingMode.POSTPAID, "USD"));
        assertThat(usagePort.charge(batch("acct-many", null, 2500), letters -> { })).isEqualTo(new ChargeOutcome(2500, 0, 0));
        assertThat(jdbc.queryForList("""
                SELECT jsonb_array_length(convert_from(payload, 'UTF8')::jsonb -> 'records') FROM domainevententry
                 WHERE aggregateidentifier = 'acct-many' AND sequencenumber > 0 ORDER BY sequencenumber""", Integer.class))
                .containsExactly(1000, 1000, 500);
    }

    private RatedBatch batch(String account, String unknownAccount, int records) {
        List<RatedUsage> usage = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < records; i++) {
            usage.add(rated(account, account + "-e" + i, offset++));
        }
        if (unknownAccount != null) {
            usage.add(rated(unknownAccount, "x-1", offset++));
        }
        return new RatedBatch("group-of-" + account, usage, Map.of(new TopicPartitionId(TOPIC, 0), offset));
    }

    private static RatedUsage rated(String account, String eventId, long offset) {
        return rated(account, eventId, offset, 2000);
    }

    private static RatedUsage rated(String account, String eventId, long offset, long inputTokens) {
        UsageRecord record = new UsageRecord(eventId, UsageKind.TOKENS, account, UsageStream.RECENTLY, null,
                Attribution.NONE, "deepseek-ai/DeepSeek-V3", null, new TokenCounts(inputTokens, 0, 500), null, null, null, null, null, null, null);
        var charge = ((Rated.Priced) Rating.rate(record, DefaultCatalog.version1())).charge();
        return new RatedUsage(record, charge, new SourcePosition(TOPIC, 0, offset, account.getBytes(StandardCharsets.UTF_8), new byte[0]));
    }

    private String lastBalanceAfter(String account) {
        return jdbc.queryForObject("""
                SELECT COALESCE(convert_from(payload, 'UTF8')::jsonb -> 'balanceAfter' ->> 'amount', convert_from(payload, 'UTF8')::jsonb ->> 'balanceAfter') FROM domainevententry
                WHERE aggregateidentifier = ? ORDER BY sequencenumber DESC LIMIT 1""", String.class, account);
    }

    private long eventsOf(String account) {
        return jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ?", Long.class, account);
    }

    private int count(String table) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table, Integer.class);
    }
}
