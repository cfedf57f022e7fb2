package dev.inference.ledger.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.inference.ledger.service.support.FailAtCommit;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;

/**
 * An HTTP write commits before its account is released: a top-up whose transaction fails at COMMIT
 * leaves nothing behind for a top-up racing it on the same account.
 */
class IdempotentWriteCommitTest extends ServiceStory {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void a_top_up_racing_one_that_fails_at_commit_builds_on_the_committed_balance_only() throws Exception {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-race"), new BigDecimal("100"));
        try (FailAtCommit failing = FailAtCommit.on(infra().superuser(), "idempotent_requests", "NEW.idempotency_key = 'doomed'")) {
            var doomed = CompletableFuture.supplyAsync(() -> api.post("/api/v1/accounts/acct-race/top-ups", ADMIN,
                    "{\"amount\":\"50\"}", "Idempotency-Key", "doomed"));
            failing.awaitCommitting();

            assertThat(api.post("/api/v1/accounts/acct-race/top-ups", ADMIN, "{\"amount\":\"10\"}", "Idempotency-Key", "second")
                    .status()).isEqualTo(201);
            assertThat(doomed.get().status()).isEqualTo(500);
        }
        ledger.awaitBalance("acct-race", new BigDecimal("110"), Duration.ofSeconds(30));
        ledger.assertReconciles();
    }
}
