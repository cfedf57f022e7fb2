package dev.inference.ledger.service.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.inference.ledger.testsupport.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * GapWatch against the real event table: indices 1 to 16 stored but for 4 and 5, whose transaction is
 * still open. Every way a segment's position can pass them over records them, once, for that segment.
 */
class GapWatchTest {

    static JdbcTemplate jdbc;
    GapWatch watch;

    @BeforeAll
    static void database() {
        TestDatabases.Database db = TestDatabases.fresh("gap_watch");
        Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password()).locations("classpath:db/migration")
                .placeholders(Map.of("servicerole", "")).load().migrate();
        jdbc = new JdbcTemplate(new DriverManagerDataSource(db.jdbcUrl(), db.user(), db.password()));
    }

    @BeforeEach
    void store() {
        jdbc.update("TRUNCATE domainevententry, projection_gaps");
        jdbc.update("""
                INSERT INTO domainevententry (globalindex, aggregateidentifier, sequencenumber, eventidentifier, payload, payloadtype, timestamp)
                SELECT i, 'acct-' || i, 0, gen_random_uuid()::text, '\\x00', 'test', now()::text
                FROM generate_series(1, 16) AS i WHERE i NOT IN (4, 5)""");
        // The handlers are never consulted here: no event of these gaps is stored, so every segment owes it.
        watch = new GapWatch(new LateEvents(jdbc), new ProcessorHandlers(null, null), new SimpleMeterRegistry());
    }

    @Test
    void a_segment_without_a_position_yet_records_what_its_first_position_passed_over() {
        watch.moved("account-views", 0, null, position(16));
        assertThat(recorded()).containsExactly("account-views#0@4", "account-views#0@5");
    }

    @Test
    void a_gap_opened_and_dropped_between_two_positions_is_recorded() {
        watch.moved("account-views", 1, position(3), position(16));
        assertThat(recorded()).containsExactly("account-views#1@4", "account-views#1@5");
    }

    @Test
    void a_gap_a_position_held_and_then_dropped_is_recorded() {
        watch.moved("audit-log", 0, position(6, 4L, 5L), position(16));
        assertThat(recorded()).containsExactly("audit-log#0@4", "audit-log#0@5");
    }

    @Test
    void gaps_still_waited_for_are_not_recorded() {
        watch.moved("account-views", 0, null, position(16, 4L, 5L));
        watch.moved("account-views", 0, position(3), position(16, 4L, 5L));
        watch.moved("account-views", 0, position(6, 4L, 5L), position(16, 5L));
        assertThat(recorded()).containsExactly("account-views#0@4");
    }

    @Test
    void a_position_that_does_not_pass_a_missing_index_records_nothing() {
        watch.moved("account-views", 0, null, position(3));
        watch.moved("account-views", 0, position(6), position(16));
        assertThat(recorded()).isEmpty();
    }

    private static GapAwareTrackingToken position(long index, Long... gaps) {
        return GapAwareTrackingToken.newInstance(index, Set.of(gaps));
    }

    private static List<String> recorded() {
        return jdbc.queryForList("SELECT processor || '#' || segment || '@' || global_index FROM projection_gaps"
                + " ORDER BY processor, segment, global_index", String.class);
    }
}
