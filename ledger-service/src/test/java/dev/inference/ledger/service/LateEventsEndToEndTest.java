package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.accounts.AccountCommand.TopUp;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;

/**
 * A transaction that opens and tops up an account is held open while other accounts are opened, past the
 * processors' gap limits (shrunk here to 5 later events and 1 s): every processor gives up on the gap and
 * moves on, as Axon would in production past 30,000 events or 10 minutes. Committed later, the late events
 * are applied all the same: the account shows its balance, the audit log holds them, and the reconciliation
 * is clean. A held transaction that rolls back leaves nothing waiting.
 */
@TestPropertySource(properties = {"ledger.events.gap-timeout-ms=1000", "ledger.events.max-gap-offset=5",
        "ledger.events.late-check-interval=200ms"})
class LateEventsEndToEndTest extends ServiceStory {

    @Autowired
    CommandGateway commands;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void an_event_committed_after_every_processor_gave_up_on_it_is_applied_all_the_same() throws Exception {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-early"), new BigDecimal("10.00"));
        ledger.awaitBalance("acct-early", new BigDecimal("10.00"), Duration.ofSeconds(30));

        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> held = hold("acct-late", release, true);
        try {
            givenUpOn(ledger, api);
        } finally {
            release.countDown();
        }
        held.get(30, TimeUnit.SECONDS);
        ledger.openPrepaid(List.of("acct-after"), new BigDecimal("10.00")); // a next batch for every processor
        ledger.awaitBalance("acct-late", new BigDecimal("42.00"), Duration.ofSeconds(30));
        Await.until("every late event applied", Duration.ofSeconds(30), () -> gapsRecorded() == 0);
        ledger.awaitAuditLog(); // the late events are in the audit log too
        ledger.assertReconciles();

        String metrics = api.text("/actuator/prometheus", ADMIN)[1];
        assertThat(metrics).containsPattern("ledger_projection_gaps_total\\{outcome=\"given-up\",processor=\"account-views\"} [1-9]")
                .containsPattern("ledger_projection_gaps_total\\{outcome=\"applied\",processor=\"account-views\"} [1-9]")
                .containsPattern("ledger_projection_gaps_total\\{outcome=\"applied\",processor=\"audit-log\"} [1-9]")
                .contains("ledger_projection_gaps_open{state=\"failed\"} 0.0");
        assertThat(api.get("/actuator/health", ADMIN).body().path("components").path("projectionGaps").path("status").asText())
                .isEqualTo("UP");
    }

    @Test
    void a_held_transaction_that_rolls_back_leaves_nothing_waiting() throws Exception {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> held = hold("acct-never", release, false);
        try {
            Thread.sleep(500);
            ledger.openPrepaid(List.of("acct-roll-1", "acct-roll-2", "acct-roll-3", "acct-roll-4"), new BigDecimal("10.00"));
            Await.until("the processors gave up on the gaps", Duration.ofSeconds(30), () -> gapsRecorded() > 0);
        } finally {
            release.countDown();
        }
        held.get(30, TimeUnit.SECONDS);
        ledger.openPrepaid(List.of("acct-roll-5"), new BigDecimal("10.00"));
        Await.until("the rolled-back indices are forgotten", Duration.ofSeconds(30), () -> gapsRecorded() == 0);
        assertThat(api.get("/api/v1/accounts/acct-never", ADMIN).status()).isEqualTo(404);
        assertThat(api.text("/actuator/prometheus", ADMIN)[1]).containsPattern("ledger_projection_gaps_total\\{outcome=\"rolled-back\",processor=\"[a-z-]+\"} [1-9]");
    }

    private void givenUpOn(Ledger ledger, HttpApi api) throws InterruptedException {
        Thread.sleep(500); // the held transaction has written its events by now
        assertThat(lateIndices()).as("not committed yet").isZero();
        // Others go on meanwhile, well past the limits.
        ledger.openPrepaid(List.of("acct-other-1", "acct-other-2", "acct-other-3", "acct-other-4", "acct-other-5"), new BigDecimal("10.00"));
        ledger.awaitBalance("acct-other-5", new BigDecimal("10.00"), Duration.ofSeconds(30));
        Await.until("the processors that handle them gave up on the late account's two events", Duration.ofSeconds(30),
                () -> gapsOf("account-views") == 2 && gapsOf("audit-log") == 2);
        Thread.sleep(1500); // past the gap timeout too
        assertThat(api.get("/api/v1/accounts/acct-late", ADMIN).status()).as("not committed yet").isEqualTo(404);
    }

    /** Opens and tops up the account in one transaction that waits for {@code release}, then commits or rolls back. */
    private CompletableFuture<Void> hold(String account, CountDownLatch release, boolean commit) {
        TransactionTemplate template = new TransactionTemplate(transactions);
        template.setTimeout(120);
        return CompletableFuture.runAsync(() -> template.executeWithoutResult(status -> {
            commands.sendAndWait(new OpenAccount(account, "Held " + account, BillingMode.PREPAID, "USD"));
            commands.sendAndWait(new TopUp(account, "held-" + account, Money.of("42.00", "USD")));
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!commit) {
                status.setRollbackOnly();
            }
        }));
    }

    private long gapsRecorded() {
        return jdbc.queryForObject("SELECT count(*) FROM projection_gaps", Long.class);
    }

    private long lateIndices() {
        return jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = 'acct-late'", Long.class);
    }

    /** Indices the processor gave up on, over its segments. */
    private long gapsOf(String processor) {
        return jdbc.queryForObject("SELECT count(DISTINCT global_index) FROM projection_gaps WHERE processor = ?", Long.class, processor);
    }
}
