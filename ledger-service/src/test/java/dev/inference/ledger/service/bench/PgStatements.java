package dev.inference.ledger.service.bench;

import java.util.List;
import java.util.Locale;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Where PostgreSQL's time went, statement by statement, from its own statistics (pg_stat_statements): the
 * product database's statements between two moments, in µs of execution per record. The extension must be
 * preloaded by the server (shared_preload_libraries); without it the report says how to enable it.
 */
final class PgStatements {

    private static final int SHOWN = 14;
    private static final int TEXT = 110;

    private final JdbcTemplate jdbc;
    private final String unavailable;

    PgStatements(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        String reason = null;
        try {
            jdbc.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            jdbc.queryForList("SELECT 1 FROM pg_stat_statements LIMIT 1");
        } catch (DataAccessException e) {
            reason = "pg_stat_statements is not loaded (ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements', "
                    + "restart the server): " + e.getMostSpecificCause().getMessage();
        }
        this.unavailable = reason;
    }

    void reset() {
        if (unavailable == null) {
            jdbc.queryForList("SELECT pg_stat_statements_reset()");
        }
    }

    /** The statements that took most of the server's execution time since {@link #reset()}. */
    String report(long records) {
        if (unavailable == null) {
            try {
                return top(records);
            } catch (DataAccessException e) {
                return "      PostgreSQL statements: not read: " + e.getMostSpecificCause().getMessage() + "\n";
            }
        }
        return "      PostgreSQL statements: " + unavailable + "\n";
    }

    private String top(long records) {
        record Row(String query, long calls, long rows, double millis) {
        }
        List<Row> rows = jdbc.query("""
                SELECT query, calls, rows, total_exec_time FROM pg_stat_statements
                 WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                 ORDER BY total_exec_time DESC""",
                (rs, n) -> new Row(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getDouble(4)));
        double total = rows.stream().mapToDouble(Row::millis).sum();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "      PostgreSQL statements of the product database: %.1f s of execution = %.1f µs/record, the largest:%n",
                total / 1000, total * 1000 / records));
        for (Row r : rows.subList(0, Math.min(SHOWN, rows.size()))) {
            String text = r.query().replaceAll("\\s+", " ").strip();
            out.append(String.format(Locale.ROOT, "        %6.1f µs/record %5.1f%%  %,9d calls %,10d rows  %s%n", r.millis() * 1000 / records,
                    100 * r.millis() / total, r.calls(), r.rows(), text.length() <= TEXT ? text : text.substring(0, TEXT) + "…"));
        }
        return out.toString();
    }
}
