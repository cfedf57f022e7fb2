package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.LoggingErrorHandler;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.databind.JsonNode;

import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.UsageStream;

/**
 * One account's events cannot be projected (a trigger made by the test refuses its ledger entries): that
 * event and the account's later ones are parked, in order, and shown on the health, the metric and the
 * admin endpoint, while every other account, opened before or after, goes on being projected. Once the
 * cause is gone, a retry projects the parked events and the account's balance is exact.
 */
class ParkedEventsEndToEndTest extends ServiceStory {

    private static final BigDecimal OPENING = new BigDecimal("100.00");
    private static final String DOOMED = "acct-doomed";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventProcessingConfiguration processing;

    @Test
    void no_event_processor_logs_a_failed_event_and_goes_on() {
        assertThat(processing.eventProcessors().keySet())
                .contains("account-views", "account-registry", "notifications", "spend-guard");
        for (String processor : processing.eventProcessors().keySet()) {
            // Axon's default LoggingErrorHandler would go on with the next event on an aborted transaction.
            assertThat(processing.listenerInvocationErrorHandler(processor)).as(processor)
                    .isNotInstanceOf(LoggingErrorHandler.class).isSameAs(PropagatingErrorHandler.instance());
            assertThat(processing.errorHandler(processor)).as(processor).isNotInstanceOf(LoggingErrorHandler.class);
        }
    }

    @Test
    void an_event_a_projection_cannot_apply_is_parked_with_its_accounts_later_events_and_the_other_accounts_go_on() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        // Accounts in the same segment of account-views as the doomed one: its failure must not hold them back.
        List<String> before = sameSegmentAs(DOOMED, "acct-before-", 2);
        List<String> after = sameSegmentAs(DOOMED, "acct-after-", 2);
        ledger.openPrepaid(append(before, DOOMED), OPENING);
        ledger.awaitBalance(DOOMED, OPENING, Duration.ofSeconds(30));

        JdbcTemplate superuser = infra().superuser(); // the service's own login may not make triggers
        superuser.execute("""
                CREATE FUNCTION refuse_doomed() RETURNS trigger AS $$
                BEGIN
                    IF NEW.account_id = 'acct-doomed' THEN RAISE EXCEPTION 'test: acct-doomed cannot be projected'; END IF;
                    RETURN NEW;
                END $$ LANGUAGE plpgsql""");
        superuser.execute("CREATE TRIGGER refuse_doomed BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION refuse_doomed()");

        UsageStream first = new UsageStream(11).unique("park-a-", 40, append(before, DOOMED));
        UsageStream.publish(infra().kafka.bootstrapServers(), first.withDuplicates(0), 0);
        for (String account : before) {
            ledger.awaitBalance(account, OPENING.subtract(first.expectedSpend(account)), Duration.ofSeconds(60));
        }
        Await.until(DOOMED + "'s charges are recorded", Duration.ofSeconds(60),
                () -> ledger.usageRecordsOf(DOOMED) == first.expectedCharges(DOOMED));

        // Afterwards, later in the event stream than the event that fails: new accounts are opened and charged, the doomed account is charged and topped up again.
        ledger.openPrepaid(after, OPENING);
        UsageStream second = new UsageStream(12).unique("park-b-", 40, append(append(before, after), DOOMED));
        UsageStream.publish(infra().kafka.bootstrapServers(), second.withDuplicates(0), 0);
        assertThat(api.post("/api/v1/accounts/" + DOOMED + "/top-ups", ADMIN, "{\"amount\":\"50.00\"}",
                "Idempotency-Key", "later-top-up").status()).isEqualTo(201);

        for (String account : append(before, after)) {
            ledger.awaitBalance(account, OPENING.subtract(first.expectedSpend(account)).subtract(second.expectedSpend(account)),
                    Duration.ofSeconds(60));
        }
        Await.until(DOOMED + "'s later charges are recorded", Duration.ofSeconds(60),
                () -> ledger.usageRecordsOf(DOOMED) == first.expectedCharges(DOOMED) + second.expectedCharges(DOOMED));
        // Every event from its first charge on (sequence 2, after the opening and the first top-up): usage batches and the top-up.
        int doomedEvents = jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ? AND sequencenumber >= 2",
                Integer.class, DOOMED);
        Await.until("every later event of " + DOOMED + " is parked behind the first", Duration.ofSeconds(60),
                () -> parked(api).path("count").asInt() == doomedEvents);

        JsonNode listing = parked(api);
        assertThat(listing.path("accounts")).extracting(JsonNode::asText).containsExactly(DOOMED);
        List<Long> sequences = new ArrayList<>();
        listing.path("events").forEach(e -> sequences.add(e.path("sequence").asLong()));
        assertThat(sequences).as("in the account's order, from its first charge on").isSorted().doesNotHaveDuplicates()
                .first().isEqualTo(2L);
        assertThat(listing.path("events").get(0).path("cause").asText()).contains("acct-doomed cannot be projected");
        assertThat(listing.path("events").get(1).path("cause").isNull()).as("parked behind the first").isTrue();
        assertThat(listing.path("events")).extracting(e -> e.path("eventType").asText()).contains("TopUpCredited");
        ledger.awaitBalance(DOOMED, OPENING, Duration.ofSeconds(1));

        var health = api.get("/actuator/health", ADMIN);
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.body().path("status").asText()).isEqualTo("OUT_OF_SERVICE");
        JsonNode parkedHealth = health.body().path("components").path("parkedEvents");
        assertThat(parkedHealth.path("status").asText()).isEqualTo("OUT_OF_SERVICE");
        assertThat(parkedHealth.path("details").path("count").asInt()).isEqualTo(doomedEvents);
        assertThat(parkedHealth.path("details").path("accounts")).extracting(JsonNode::asText).containsExactly(DOOMED);
        assertThat(api.text("/actuator/prometheus", ADMIN)[1]).contains("ledger_projection_parked_events " + doomedEvents + ".0");

        var refused = api.post("/api/v1/admin/parked-events/" + DOOMED + "/retry", ADMIN, "");
        assertThat(refused.status()).as("still failing: they stay parked").isEqualTo(409);
        assertThat(parked(api).path("count").asInt()).isEqualTo(doomedEvents);

        superuser.execute("DROP TRIGGER refuse_doomed ON ledger_entries");
        var retried = api.post("/api/v1/admin/parked-events/" + DOOMED + "/retry", ADMIN, "");
        assertThat(retried.status()).as(String.valueOf(retried.body())).isEqualTo(200);
        assertThat(retried.body().path("events").asInt()).isEqualTo(doomedEvents);
        BigDecimal exact = OPENING.subtract(first.expectedSpend(DOOMED)).subtract(second.expectedSpend(DOOMED)).add(new BigDecimal("50"));
        ledger.awaitBalance(DOOMED, exact, Duration.ofSeconds(1));
        assertThat(api.get("/api/v1/accounts/" + DOOMED + "/entries?limit=1000", ADMIN).body().path("entries").size())
                .as("an entry per usage record and per top-up").isEqualTo(first.expectedCharges(DOOMED) + second.expectedCharges(DOOMED) + 2);
        assertThat(parked(api).path("count").asInt()).isZero();
        assertThat(api.get("/actuator/health", ADMIN).body().path("components").path("parkedEvents").path("status").asText())
                .isEqualTo("UP");
        assertThat(api.post("/api/v1/admin/parked-events/" + DOOMED + "/retry", ADMIN, "").status()).isEqualTo(404);
        ledger.assertReconciles();
    }

    private static JsonNode parked(HttpApi api) {
        var listing = api.get("/api/v1/admin/parked-events", ADMIN);
        assertThat(listing.status()).as(String.valueOf(listing.body())).isEqualTo(200);
        return listing.body();
    }

    /** Account ids whose events fall in the same of account-views' two segments as {@code account}'s (by hash, as Axon places them). */
    private static List<String> sameSegmentAs(String account, String prefix, int count) {
        return IntStream.range(0, 100).mapToObj(i -> prefix + i)
                .filter(id -> (id.hashCode() & 1) == (account.hashCode() & 1)).limit(count).toList();
    }

    private static List<String> append(List<String> accounts, String... more) {
        List<String> all = new ArrayList<>(accounts);
        all.addAll(List.of(more));
        return all;
    }

    private static List<String> append(List<String> accounts, List<String> more) {
        List<String> all = new ArrayList<>(accounts);
        all.addAll(more);
        return all;
    }
}
