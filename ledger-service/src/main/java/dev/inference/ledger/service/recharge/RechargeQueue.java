package dev.inference.ledger.service.recharge;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.RechargeAttemptFailed;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeFailed;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeOutcomeUnknown;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeRequested;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeSucceeded;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.processing.AccountViews;

/**
 * The recharges in flight, each due at its next attempt: a projection of the account's recharge
 * events, so it survives any crash. A settled recharge keeps its row, so a redelivered or replayed
 * event changes nothing and never sends a finished recharge to the provider again.
 */
@Component
@ProcessingGroup(AccountViews.GROUP)
public class RechargeQueue {

    /**
     * One ask to make: its key at the payment provider is the recharge's id and the attempt, the same
     * for every ask of the attempt ({@code unanswered}: the asks of it that got no definite answer).
     */
    public record DueRecharge(String rechargeId, String accountId, Money amount, int attempt, int unanswered) {
        String idempotencyKey() {
            return rechargeId + "/attempt-" + attempt;
        }
    }

    private final JdbcTemplate jdbc;

    public RechargeQueue(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(RechargeRequested event) {
        jdbc.update("""
                INSERT INTO recharges_due (recharge_id, account_id, amount, currency, attempt, due_at)
                VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT DO NOTHING""",
                event.rechargeId(), event.accountId(), event.amount().amount(), event.amount().currency(),
                Timestamp.from(event.requestedAt()));
    }

    @EventHandler
    void on(RechargeAttemptFailed event) {
        jdbc.update("""
                UPDATE recharges_due SET attempt = ?, unanswered = 0, due_at = ?
                 WHERE recharge_id = ? AND attempt = ? AND settled_at IS NULL""",
                event.attempt() + 1, Timestamp.from(event.retryAt()), event.rechargeId(), event.attempt());
    }

    @EventHandler
    void on(RechargeOutcomeUnknown event) {
        jdbc.update("""
                UPDATE recharges_due SET unanswered = ?, due_at = ?
                 WHERE recharge_id = ? AND attempt = ? AND unanswered = ? AND settled_at IS NULL""",
                event.unanswered(), Timestamp.from(event.retryAt()), event.rechargeId(), event.attempt(), event.unanswered() - 1);
    }

    @EventHandler
    void on(RechargeSucceeded event) {
        settle(event.rechargeId(), event.succeededAt());
    }

    @EventHandler
    void on(RechargeFailed event) {
        settle(event.rechargeId(), event.failedAt());
    }

    private void settle(String rechargeId, Instant at) {
        jdbc.update("UPDATE recharges_due SET settled_at = ? WHERE recharge_id = ?", Timestamp.from(at), rechargeId);
    }

    /** An attempt that got no answer waits a little, so that it does not hold back the recharges behind it. */
    void postpone(DueRecharge due, Instant until) {
        jdbc.update("UPDATE recharges_due SET due_at = ? WHERE recharge_id = ? AND attempt = ? AND settled_at IS NULL",
                Timestamp.from(until), due.rechargeId(), due.attempt());
    }

    /** The recharge of the account in flight, if any, and when its next attempt is due. */
    public record InFlight(String rechargeId, String amount, int attempt, Instant dueAt) {
    }

    public List<InFlight> inFlight(String accountId) {
        return jdbc.query("""
                SELECT recharge_id, amount, attempt, due_at FROM recharges_due
                 WHERE account_id = ? AND settled_at IS NULL ORDER BY due_at""",
                (rs, n) -> new InFlight(rs.getString(1), rs.getBigDecimal(2).toPlainString(), rs.getInt(3),
                        rs.getTimestamp(4).toInstant()), accountId);
    }

    List<DueRecharge> due(Instant now, int limit) {
        return jdbc.query("""
                SELECT recharge_id, account_id, amount, currency, attempt, unanswered FROM recharges_due
                 WHERE due_at <= ? AND settled_at IS NULL ORDER BY due_at LIMIT ?""",
                (rs, n) -> new DueRecharge(rs.getString(1), rs.getString(2), new Money(rs.getBigDecimal(3), rs.getString(4)),
                        rs.getInt(5), rs.getInt(6)), Timestamp.from(now), limit);
    }
}
