package dev.inference.ledger.service.analytics;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceUsed;
import dev.inference.ledger.kernel.pricing.Rerating;
import dev.inference.ledger.kernel.usage.UsageRecord;
import dev.inference.ledger.processing.AccountViews;
import dev.inference.ledger.processing.ProcessingBatch;

/**
 * Usage analytics: each usage record added to its account's hourly roll-up by everything a breakdown
 * asks for, and, when it named a trace, kept as one call of that agent run. One of the account views, so
 * it commits with the entries: the roll-up's cost is always the entries' usage, exactly.
 */
@Component
@ProcessingGroup(AccountViews.GROUP)
public class UsageRollupProjection {

    private final JdbcTemplate jdbc;

    public UsageRollupProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The breakdown a record is summed under, at an hour or a day: {@code ""} where it named nothing. */
    record Key(String accountId, Instant time, String kind, String item, String provider, String apiKeyId, String projectId,
               String memberId, String source) {
    }

    /** What records used and cost, summed. */
    static final class Sums {
        long records;
        long input;
        long cachedInput;
        long output;
        BigDecimal seconds = BigDecimal.ZERO;
        BigDecimal units = BigDecimal.ZERO;
        BigDecimal cost = BigDecimal.ZERO;

        void add(UsageRecord usage, BigDecimal recordCost) {
            records++;
            if (usage.tokens() != null) {
                input += usage.tokens().input();
                cachedInput += usage.tokens().cachedInput();
                output += usage.tokens().output();
            }
            if (usage.seconds() != null) {
                seconds = seconds.add(usage.seconds());
            }
            if (usage.quantity() != null) {
                units = units.add(usage.quantity());
            }
            cost = cost.add(recordCost);
        }

        /** The same sums taken back: a reversed record. */
        void subtract(UsageRecord usage, BigDecimal recordCost) {
            Sums one = new Sums();
            one.add(usage, recordCost);
            records -= one.records;
            input -= one.input;
            cachedInput -= one.cachedInput;
            output -= one.output;
            seconds = seconds.subtract(one.seconds);
            units = units.subtract(one.units);
            cost = cost.subtract(one.cost);
        }
    }

    private record Pending(Map<Key, Sums> hourly, Map<Key, Sums> daily, List<Object[]> traceCalls, List<Object[]> reversedCalls) {
        Pending() {
            this(new HashMap<>(), new HashMap<>(), new ArrayList<>(), new ArrayList<>(0));
        }
    }

    @EventHandler
    void on(UsageBatchCharged event) {
        Pending pending = ProcessingBatch.pending("usage-rollup", Pending::new, this::write);
        for (ChargedRecord record : event.records()) {
            PriceUsed price = event.prices().get(record.price());
            UsageRecord usage = Rerating.usageOf(event.accountId(), price, record);
            var a = record.attribution();
            Key key = new Key(event.accountId(), record.occurredAt().truncatedTo(ChronoUnit.HOURS), price.kind(), price.item(),
                    orEmpty(price.provider()), orEmpty(a == null ? null : a.apiKeyId()), orEmpty(a == null ? null : a.projectId()),
                    orEmpty(a == null ? null : a.memberId()), orEmpty(record.source()));
            pending.hourly().computeIfAbsent(key, k -> new Sums()).add(usage, record.cost());
            pending.daily().computeIfAbsent(new Key(key.accountId(), key.time().truncatedTo(ChronoUnit.DAYS), key.kind(), key.item(),
                    key.provider(), key.apiKeyId(), key.projectId(), key.memberId(), key.source()), k -> new Sums()).add(usage, record.cost());
            if (a != null && a.traceId() != null) {
                Sums call = new Sums();
                call.add(usage, record.cost());
                pending.traceCalls().add(new Object[] {event.accountId(), a.traceId(), record.eventId(), Timestamp.from(record.occurredAt()),
                        key.kind(), key.item(), key.provider(), key.apiKeyId(), key.projectId(), key.memberId(), key.source(),
                        call.input, call.cachedInput, call.output, call.seconds, call.units, call.cost});
            }
        }
    }

    /** A reversed record leaves the hour and the day it was counted in: the usage shown and the budgets' spend follow. */
    @EventHandler
    void on(UsageReversed event) {
        Pending pending = ProcessingBatch.pending("usage-rollup", Pending::new, this::write);
        ChargedRecord record = event.record();
        UsageRecord usage = Rerating.usageOf(event.accountId(), event.price(), record);
        Key hour = key(event.accountId(), record, event.price(), ChronoUnit.HOURS);
        pending.hourly().computeIfAbsent(hour, k -> new Sums()).subtract(usage, record.cost());
        pending.daily().computeIfAbsent(key(event.accountId(), record, event.price(), ChronoUnit.DAYS), k -> new Sums())
                .subtract(usage, record.cost());
        if (record.attribution() != null && record.attribution().traceId() != null) {
            // Its agent run lists it no more (after the batch's inserts: its charge may be in the same batch).
            pending.reversedCalls().add(new Object[] {event.accountId(), record.attribution().traceId(), record.eventId()});
        }
    }

    private static Key key(String accountId, ChargedRecord record, PriceUsed price, ChronoUnit unit) {
        var a = record.attribution();
        return new Key(accountId, record.occurredAt().truncatedTo(unit), price.kind(), price.item(), orEmpty(price.provider()),
                orEmpty(a == null ? null : a.apiKeyId()), orEmpty(a == null ? null : a.projectId()), orEmpty(a == null ? null : a.memberId()),
                orEmpty(record.source()));
    }

    @ResetHandler
    void reset() {
        jdbc.update("TRUNCATE usage_rollup, usage_daily, usage_trace_calls");
    }

    /** One row per breakdown the batch touched (never the same row twice in one statement), added to what is there. */
    private void write(Pending pending) {
        upsert("usage_rollup", "hour", pending.hourly());
        upsert("usage_daily", "day", pending.daily());
        if (!pending.traceCalls().isEmpty()) {
            jdbc.batchUpdate("""
                    INSERT INTO usage_trace_calls (account_id, trace_id, event_id, occurred_at, kind, item, provider, api_key_id,
                                                   project_id, member_id, source, input_tokens, cached_input_tokens, output_tokens,
                                                   seconds, units, cost)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING""", pending.traceCalls());
        }
        if (!pending.reversedCalls().isEmpty()) {
            jdbc.batchUpdate("DELETE FROM usage_trace_calls WHERE account_id = ? AND trace_id = ? AND event_id = ?", pending.reversedCalls());
        }
    }

    private void upsert(String table, String time, Map<Key, Sums> sums) {
        List<Object[]> rows = new ArrayList<>(sums.size());
        sums.forEach((k, s) -> rows.add(new Object[] {k.accountId(), Timestamp.from(k.time()), k.kind(), k.item(),
                k.provider(), k.apiKeyId(), k.projectId(), k.memberId(), k.source(), s.records, s.input, s.cachedInput, s.output,
                s.seconds, s.units, s.cost}));
        jdbc.batchUpdate("""
                INSERT INTO %1$s AS r (account_id, %2$s, kind, item, provider, api_key_id, project_id, member_id, source,
                                       records, input_tokens, cached_input_tokens, output_tokens, seconds, units, cost)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (account_id, %2$s, kind, item, provider, api_key_id, project_id, member_id, source) DO UPDATE SET
                    records = r.records + excluded.records, input_tokens = r.input_tokens + excluded.input_tokens,
                    cached_input_tokens = r.cached_input_tokens + excluded.cached_input_tokens,
                    output_tokens = r.output_tokens + excluded.output_tokens, seconds = r.seconds + excluded.seconds,
                    units = r.units + excluded.units, cost = r.cost + excluded.cost""".formatted(table, time), rows);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
