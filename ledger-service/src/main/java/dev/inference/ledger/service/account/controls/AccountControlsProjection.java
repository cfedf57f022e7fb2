package dev.inference.ledger.service.account.controls;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.annotation.JsonFormat;

import dev.inference.ledger.kernel.account.AccountEvent.BudgetSet;
import dev.inference.ledger.kernel.account.AccountEvent.HeldUsageApproved;
import dev.inference.ledger.kernel.account.AccountEvent.HeldUsageRejected;
import dev.inference.ledger.kernel.account.AccountEvent.UsageHeldForReview;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpHeld;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpRejected;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.accounts.Budget;
import dev.inference.ledger.processing.AccountViews;

/**
 * An account's controls as the console shows them: each budget as last set, with what its scope spent
 * this month (UTC) read from the usage roll-up and counted by the budget's own rule ({@link Budget#covers});
 * and the top-ups and usage records waiting for an admin's review.
 */
@Component
@ProcessingGroup(AccountViews.GROUP)
public class AccountControlsProjection {

    /** {@code held}: what open holds on the scope reserve, filled in by who knows the holds. */
    public record BudgetView(String scope, String scopeId, String period,
                             @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal hardCap, List<String> softAlerts,
                             @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal spentThisMonth, Instant setAt,
                             @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal held) {

        public BudgetView withHeld(BigDecimal held) {
            return new BudgetView(scope, scopeId, period, hardCap, softAlerts, spentThisMonth, setAt,
                    held.signum() == 0 ? BigDecimal.ZERO : held.stripTrailingZeros());
        }
    }

    public record HeldTopUp(String topUpId, @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amount, Instant heldAt) {
    }

    public record HeldUsage(String eventId, Instant occurredAt, String kind, String item,
                            @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal cost,
                            @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal reviewAbove, Instant heldAt) {
    }

    private final JdbcTemplate jdbc;

    public AccountControlsProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(BudgetSet event) {
        jdbc.update("""
                INSERT INTO account_budgets (account_id, scope, scope_id, period, hard_cap, soft_alerts, set_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (account_id, scope, scope_id) DO UPDATE SET period = excluded.period, hard_cap = excluded.hard_cap,
                    soft_alerts = excluded.soft_alerts, set_at = excluded.set_at""",
                event.accountId(), event.scope(), event.scopeId(), event.period(), event.hardCap().amount(),
                event.softAlerts().stream().map(BigDecimal::toPlainString).collect(Collectors.joining(",")), Timestamp.from(event.setAt()));
    }

    @EventHandler
    void on(TopUpHeld event) {
        jdbc.update("INSERT INTO held_top_ups (account_id, top_up_id, amount, held_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                event.accountId(), event.topUpId(), event.amount().amount(), Timestamp.from(event.heldAt()));
    }

    @EventHandler
    void on(TopUpCredited event) {
        jdbc.update("DELETE FROM held_top_ups WHERE account_id = ? AND top_up_id = ?", event.accountId(), event.topUpId());
    }

    @EventHandler
    void on(TopUpRejected event) {
        jdbc.update("DELETE FROM held_top_ups WHERE account_id = ? AND top_up_id = ?", event.accountId(), event.topUpId());
    }

    @EventHandler
    void on(UsageHeldForReview event) {
        jdbc.update("""
                INSERT INTO held_usage (account_id, usage_event_id, occurred_at, kind, item, cost, ceiling, held_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                event.accountId(), event.usageEventId(), Timestamp.from(event.occurredAt()), event.charge().kind(), event.charge().item(),
                event.charge().cost().amount(), event.ceiling().amount(), Timestamp.from(event.heldAt()));
    }

    @EventHandler
    void on(HeldUsageApproved event) {
        jdbc.update("DELETE FROM held_usage WHERE account_id = ? AND usage_event_id = ?", event.accountId(), event.usageEventId());
    }

    @EventHandler
    void on(HeldUsageRejected event) {
        jdbc.update("DELETE FROM held_usage WHERE account_id = ? AND usage_event_id = ?", event.accountId(), event.usageEventId());
    }

    @ResetHandler
    void reset() {
        jdbc.update("TRUNCATE account_budgets, held_top_ups, held_usage");
    }

    /** Usage records above the review ceiling, oldest first, waiting for an admin. */
    public List<HeldUsage> heldUsage(String accountId) {
        return jdbc.query("""
                SELECT usage_event_id, occurred_at, kind, item, cost, ceiling, held_at FROM held_usage WHERE account_id = ?
                 ORDER BY held_at, usage_event_id""",
                (rs, n) -> new HeldUsage(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                        rs.getBigDecimal(5), rs.getBigDecimal(6), rs.getTimestamp(7).toInstant()), accountId);
    }

    /** The account's budgets, each with its scope's spend in the month of {@code now}, counted as the budget counts it. */
    public List<BudgetView> budgets(String accountId, Instant now) {
        Timestamp monthBegan = Timestamp.from(YearMonth.from(now.atZone(ZoneOffset.UTC)).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        Map<Attribution, BigDecimal> spent = new HashMap<>();
        jdbc.query("""
                SELECT api_key_id, project_id, member_id, sum(cost) FROM usage_daily WHERE account_id = ? AND day >= ?
                 GROUP BY api_key_id, project_id, member_id""",
                rs -> {
                    spent.put(new Attribution(orNull(rs.getString(1)), orNull(rs.getString(2)), orNull(rs.getString(3)), null),
                            rs.getBigDecimal(4));
                }, accountId, monthBegan);
        return jdbc.query("""
                SELECT scope, scope_id, period, hard_cap, soft_alerts, set_at FROM account_budgets WHERE account_id = ?
                 ORDER BY scope, scope_id""",
                (rs, n) -> {
                    String scope = rs.getString(1);
                    String scopeId = rs.getString(2);
                    BigDecimal spend = spent.entrySet().stream().filter(e -> Budget.covers(scope, scopeId, accountId, e.getKey()))
                            .map(Map.Entry::getValue).reduce(BigDecimal.ZERO, BigDecimal::add);
                    return new BudgetView(scope, scopeId, rs.getString(3), rs.getBigDecimal(4).stripTrailingZeros(),
                            rs.getString(5).isEmpty() ? List.of() : Arrays.asList(rs.getString(5).split(",")),
                            spend.signum() == 0 ? BigDecimal.ZERO : spend.stripTrailingZeros(), rs.getTimestamp(6).toInstant(), BigDecimal.ZERO);
                }, accountId);
    }

    private static String orNull(String column) {
        return column.isEmpty() ? null : column;
    }

    public List<HeldTopUp> heldTopUps(String accountId) {
        return jdbc.query("SELECT top_up_id, amount, held_at FROM held_top_ups WHERE account_id = ? ORDER BY held_at",
                (rs, n) -> new HeldTopUp(rs.getString(1), rs.getBigDecimal(2).stripTrailingZeros(), rs.getTimestamp(3).toInstant()),
                accountId);
    }
}
