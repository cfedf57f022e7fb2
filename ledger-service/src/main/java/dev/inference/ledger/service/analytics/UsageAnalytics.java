package dev.inference.ledger.service.analytics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Answers usage questions from the roll-up, never from the event store: cost and quantities of an
 * account over whole hours, grouped by any of the breakdowns and a time bucket. Grouping by trace reads
 * the traced calls instead (only records that named a trace).
 */
@Component
public class UsageAnalytics {

    /** The longest period one question may cover, and the most groups one answer lists. */
    public static final Duration MAX_PERIOD = Duration.ofDays(366);
    public static final int MAX_GROUPS = 10_000;

    /** What usage can be grouped by, as the API names it, and the column that holds it. */
    public enum Dimension {
        MODEL("model", "item"), PROVIDER("provider", "provider"), KIND("kind", "kind"), API_KEY("apiKey", "api_key_id"),
        PROJECT("project", "project_id"), MEMBER("member", "member_id"), SOURCE("source", "source"), TRACE("trace", "trace_id");

        final String wire;
        final String column;

        Dimension(String wire, String column) {
            this.wire = wire;
            this.column = column;
        }

        public static Optional<Dimension> fromWire(String value) {
            return Arrays.stream(values()).filter(d -> d.wire.equals(value)).findFirst();
        }

        public static String wireNames() {
            return Arrays.stream(values()).map(d -> d.wire).collect(Collectors.joining(", "));
        }
    }

    public enum Bucket {
        HOUR, DAY, MONTH;

        public static Optional<Bucket> fromWire(String value) {
            return Arrays.stream(values()).filter(b -> b.name().toLowerCase(Locale.ROOT).equals(value)).findFirst();
        }
    }

    public record Question(String accountId, Instant from, Instant to, List<Dimension> by, Bucket bucket) {
        public Question {
            by = List.copyOf(by);
        }

        boolean traces() {
            return by.contains(Dimension.TRACE);
        }
    }

    /** Usage summed: {@code cachedShare} is cached input over all input (fresh and cached), null without input. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Figures(long records, long inputTokens, long cachedInputTokens, long outputTokens,
                          @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal seconds,
                          @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal units,
                          @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal cost,
                          @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal cachedShare) {

        static Figures read(ResultSet rs, int first) throws SQLException {
            long input = rs.getLong(first + 1);
            long cached = rs.getLong(first + 2);
            return new Figures(rs.getLong(first), input, cached, rs.getLong(first + 3), plain(rs.getBigDecimal(first + 4)),
                    plain(rs.getBigDecimal(first + 5)), plain(rs.getBigDecimal(first + 6)), input + cached == 0 ? null
                    : BigDecimal.valueOf(cached).divide(BigDecimal.valueOf(input + cached), 6, RoundingMode.HALF_EVEN).stripTrailingZeros());
        }
    }

    /** One group: its bucket (when asked), its breakdown values ("" where the records named none), its figures. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Group(Instant bucket, @JsonIgnore Map<String, String> by, Figures usage) {
        @JsonAnyGetter
        public Map<String, String> breakdown() {
            return by;
        }
    }

    public record Answer(String accountId, Instant from, Instant to, List<String> groupBy, String bucket, Figures totals,
                         List<Group> groups, boolean truncated) {
    }

    private static final String SUMS = "sum(records), sum(input_tokens), sum(cached_input_tokens), sum(output_tokens), "
            + "sum(seconds), sum(units), sum(cost)";
    private static final String CALL_SUMS = "count(*), sum(input_tokens), sum(cached_input_tokens), sum(output_tokens), "
            + "sum(seconds), sum(units), sum(cost)";

    private final JdbcTemplate jdbc;

    public UsageAnalytics(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Answer ask(Question q) {
        Source source = source(q);
        String sums = q.traces() ? CALL_SUMS : SUMS;
        Figures totals = jdbc.queryForObject("SELECT " + sums + source.from(), (rs, n) -> Figures.read(rs, 1), source.args());

        List<String> columns = new ArrayList<>();
        if (q.bucket() != null) {
            columns.add("date_trunc('" + q.bucket().name().toLowerCase(Locale.ROOT) + "', t AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'");
        }
        q.by().forEach(d -> columns.add(d.column));
        List<Group> groups = columns.isEmpty() ? List.of() : jdbc.query("SELECT " + String.join(", ", columns) + ", " + sums + source.from()
                + " GROUP BY " + ordinals(columns.size()) + " ORDER BY " + ordinals(columns.size()) + " LIMIT " + (MAX_GROUPS + 1),
                (rs, n) -> group(rs, q), source.args());
        boolean truncated = groups.size() > MAX_GROUPS;
        return new Answer(q.accountId(), q.from(), q.to(), q.by().stream().map(d -> d.wire).toList(),
                q.bucket() == null ? null : q.bucket().name().toLowerCase(Locale.ROOT), totals,
                truncated ? groups.subList(0, MAX_GROUPS) : groups, truncated);
    }

    /** Where the question's rows come from ({@code t}: their time), and its arguments. */
    private record Source(String from, Object[] args) {
    }

    /**
     * Traced calls for a question by trace; the hours for a question by the hour; otherwise the whole days of
     * the period from the days, and its edges (before the first midnight, after the last) from the hours.
     */
    private static Source source(Question q) {
        Timestamp from = Timestamp.from(q.from());
        Timestamp to = Timestamp.from(q.to());
        String columns = "account_id, kind, item, provider, api_key_id, project_id, member_id, source, records, input_tokens, "
                + "cached_input_tokens, output_tokens, seconds, units, cost";
        if (q.traces()) {
            return new Source(" FROM (SELECT occurred_at AS t, * FROM usage_trace_calls WHERE account_id = ? AND occurred_at >= ? "
                    + "AND occurred_at < ?) u", new Object[] {q.accountId(), from, to});
        }
        if (q.bucket() == Bucket.HOUR) {
            return new Source(" FROM (SELECT hour AS t, " + columns + " FROM usage_rollup WHERE account_id = ? AND hour >= ? AND hour < ?) u",
                    new Object[] {q.accountId(), from, to});
        }
        Instant firstMidnight = q.from().truncatedTo(ChronoUnit.DAYS).equals(q.from()) ? q.from()
                : q.from().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
        Instant lastMidnight = q.to().truncatedTo(ChronoUnit.DAYS);
        if (!firstMidnight.isBefore(lastMidnight)) {
            firstMidnight = q.to(); // no whole day: every row from the hours
            lastMidnight = q.to();
        }
        Timestamp days = Timestamp.from(firstMidnight);
        Timestamp daysEnd = Timestamp.from(lastMidnight);
        return new Source(" FROM (SELECT day AS t, " + columns + " FROM usage_daily WHERE account_id = ? AND day >= ? AND day < ?"
                + " UNION ALL SELECT hour AS t, " + columns + " FROM usage_rollup WHERE account_id = ?"
                + " AND (hour >= ? AND hour < ? OR hour >= ? AND hour < ?)) u",
                new Object[] {q.accountId(), days, daysEnd, q.accountId(), from, days, daysEnd, to});
    }

    private static Group group(ResultSet rs, Question q) throws SQLException {
        int column = 1;
        Instant bucket = null;
        if (q.bucket() != null) {
            bucket = rs.getTimestamp(column++).toInstant();
        }
        Map<String, String> by = new LinkedHashMap<>();
        for (Dimension d : q.by()) {
            by.put(d.wire, rs.getString(column++));
        }
        return new Group(bucket, by, Figures.read(rs, column));
    }

    private static String ordinals(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(String::valueOf).collect(Collectors.joining(", "));
    }

    /** One call of a traced agent run. */
    public record Call(String eventId, Instant occurredAt, String kind, String model, String provider, String apiKeyId, String projectId,
                       String memberId, String source, long inputTokens, long cachedInputTokens, long outputTokens,
                       @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal seconds,
                       @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal units,
                       @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal cost) {
    }

    public record Trace(String accountId, String traceId, Figures totals, List<Call> calls, boolean truncated) {
    }

    /** An agent run's calls in the order they occurred, at most {@link #MAX_GROUPS}; empty when the account has no such trace. */
    public Optional<Trace> trace(String accountId, String traceId) {
        Object[] args = {accountId, traceId};
        Figures totals = jdbc.queryForObject("SELECT " + CALL_SUMS + " FROM usage_trace_calls WHERE account_id = ? AND trace_id = ?",
                (rs, n) -> Figures.read(rs, 1), args);
        if (totals.records() == 0) {
            return Optional.empty();
        }
        List<Call> calls = jdbc.query("""
                SELECT event_id, occurred_at, kind, item, provider, api_key_id, project_id, member_id, source, input_tokens,
                       cached_input_tokens, output_tokens, seconds, units, cost
                  FROM usage_trace_calls WHERE account_id = ? AND trace_id = ? ORDER BY occurred_at, event_id LIMIT ?""",
                (rs, n) -> new Call(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getLong(10), rs.getLong(11), rs.getLong(12),
                        plain(rs.getBigDecimal(13)), plain(rs.getBigDecimal(14)), plain(rs.getBigDecimal(15))),
                accountId, traceId, MAX_GROUPS + 1);
        boolean truncated = calls.size() > MAX_GROUPS;
        return Optional.of(new Trace(accountId, traceId, totals, truncated ? calls.subList(0, MAX_GROUPS) : calls, truncated));
    }

    private static BigDecimal plain(BigDecimal value) {
        return value == null || value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
    }
}
