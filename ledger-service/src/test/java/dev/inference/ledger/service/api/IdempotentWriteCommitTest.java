package dev.inference.ledger.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.inference.ledger.service.support.Await;
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
        jdbc.execute("""
                CREATE FUNCTION fail_doomed_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.idempotency_key = 'doomed' THEN
                        PERFORM pg_sleep(2);
                        RAISE EXCEPTION 'forced failure at commit';
                    END IF;
                    RETURN NULL;
                END $$""");
        jdbc.execute("""
                CREATE CONSTRAINT TRIGGER fail_doomed_commit AFTER INSERT OR UPDATE ON idempotent_requests
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_doomed_commit()""");
        try {
            var doomed = CompletableFuture.supplyAsync(() -> api.post("/api/v1/accounts/acct-race/top-ups", ADMIN,
                    "{\"amount\":\"50\"}", "Idempotency-Key", "doomed"));
            Await.until("the doomed top-up is committing", Duration.ofSeconds(20), () -> jdbc.queryForObject(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'", Integer.class) > 0);

            assertThat(api.post("/api/v1/accounts/acct-race/top-ups", ADMIN, "{\"amount\":\"10\"}", "Idempotency-Key", "second")
                    .status()).isEqualTo(201);
            assertThat(doomed.get().status()).isEqualTo(500);
        } finally {
            jdbc.execute("DROP TRIGGER fail_doomed_commit ON idempotent_requests");
            jdbc.execute("DROP FUNCTION fail_doomed_commit()");
        }
        ledger.awaitBalance("acct-race", new BigDecimal("110"), Duration.ofSeconds(30));
        ledger.assertReconciles();
    }
}
