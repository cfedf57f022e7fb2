package dev.inference.ledger.service.audit;

import dev.inference.ledger.audit.Durations;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The runs of {@code audit verify} against this database, newest first, as each recorded its conclusion. */
@Component
public class AuditVerifications {

    public record Run(Instant ranAt, boolean verified, long logEntries, long events, long usageRecords, int accounts, int invoices,
                      BigDecimal seconds, int differences, String firstDifference) {
    }

    private final JdbcTemplate jdbc;

    public AuditVerifications(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public List<Run> latest(int limit) {
        return jdbc.query("""
                SELECT ran_at, verified, log_entries, events, usage_records, accounts, invoices, seconds, differences, first_difference
                  FROM audit_verifications ORDER BY id DESC LIMIT ?""",
                (rs, n) -> new Run(rs.getTimestamp(1).toInstant(), rs.getBoolean(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getInt(6), rs.getInt(7), Durations.seconds(rs.getDouble(8)), rs.getInt(9), rs.getString(10)), limit);
    }
}
