package dev.inference.ledger.service.support;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A deferred constraint trigger that makes a transaction fail at COMMIT, two seconds after it began
 * committing, when it wrote a row of {@code table} matching {@code condition} (on {@code NEW}): the window
 * in which a racing write must not see what is about to roll back.
 */
public final class FailAtCommit implements AutoCloseable {

    private final JdbcTemplate jdbc;
    private final String table;

    private FailAtCommit(JdbcTemplate jdbc, String table) {
        this.jdbc = jdbc;
        this.table = table;
    }

    public static FailAtCommit on(JdbcTemplate jdbc, String table, String condition) {
        jdbc.execute("""
                CREATE FUNCTION fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF %s THEN
                        PERFORM pg_sleep(2);
                        RAISE EXCEPTION 'forced failure at commit';
                    END IF;
                    RETURN NULL;
                END $$""".formatted(condition));
        jdbc.execute("CREATE CONSTRAINT TRIGGER fail_at_commit AFTER INSERT OR UPDATE ON " + table
                + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_at_commit()");
        return new FailAtCommit(jdbc, table);
    }

    /** Waits until a transaction is sleeping in the trigger: committing, not yet failed. */
    public void awaitCommitting() {
        Await.until("a transaction is committing", java.time.Duration.ofSeconds(20), () -> jdbc.queryForObject(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'", Integer.class) > 0);
    }

    @Override
    public void close() {
        jdbc.execute("DROP TRIGGER fail_at_commit ON " + table);
        jdbc.execute("DROP FUNCTION fail_at_commit()");
    }
}
