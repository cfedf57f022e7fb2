package dev.inference.ledger.webhooks;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The deliveries still to make, and the log of every attempt. At least once: a worker claims a due
 * delivery by moving its {@code next_attempt_at} past the longest an attempt can take, in the same
 * statement that picks it with {@code FOR UPDATE SKIP LOCKED}, so no other instance sends it while the
 * attempt is in flight; an instance that dies mid-attempt leaves it to be sent again once that lease
 * ends. Each claim counts an attempt, and only the claim of that attempt may record its outcome.
 */
@Repository
public class DeliveryQueue {

    static final String PENDING = "pending";
    static final String DELIVERED = "delivered";
    static final String GIVEN_UP = "given-up";
    /** The subscription was disabled (its receiver answered 410 Gone) before this delivery got through. */
    static final String CANCELLED = "cancelled";
    public static final List<String> STATES = List.of(PENDING, DELIVERED, GIVEN_UP, CANCELLED);

    /** A delivery claimed for one attempt, with what signing needs: the encrypted secrets still in force. */
    record Claimed(String subscriptionId, String webhookId, String eventType, String payload, int attempt, String url,
                   byte[] secret, byte[] previousSecret) {
    }

    /** One attempt as the delivery log shows it. */
    public record Attempt(String webhookId, String eventType, int attempt, Integer statusCode, String error, long latencyMs,
                   Instant attemptedAt) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    DeliveryQueue(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
    }

    /**
     * One row per subscription of the account that asked for this type and existed when the event happened;
     * a redelivered event adds nothing (the key is the subscription and the event's id).
     */
    void enqueue(String accountId, String eventType, String webhookId, String payload, Instant happenedAt, Instant firstAttemptAt) {
        jdbc.update("""
                INSERT INTO webhook_deliveries (subscription_id, webhook_id, event_type, payload, state, next_attempt_at, created_at)
                SELECT subscription_id, ?, ?, ?, 'pending', ?, now() FROM webhook_subscriptions
                 WHERE account_id = ? AND ? = ANY (event_types) AND disabled_at IS NULL AND created_at <= ?
                ON CONFLICT DO NOTHING""",
                webhookId, eventType, payload, Timestamp.from(firstAttemptAt), accountId, eventType, Timestamp.from(happenedAt));
    }

    /** Up to {@code limit} due deliveries, each kept from other instances until {@code leaseUntil}. */
    List<Claimed> claim(Instant now, Instant leaseUntil, int limit) {
        return jdbc.query("""
                WITH due AS (
                    SELECT d.subscription_id, d.webhook_id FROM webhook_deliveries d
                     WHERE d.state = 'pending' AND d.next_attempt_at <= ?
                     ORDER BY d.next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
                UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_attempt_at = ?
                  FROM due, webhook_subscriptions s
                 WHERE d.subscription_id = due.subscription_id AND d.webhook_id = due.webhook_id
                   AND s.subscription_id = d.subscription_id
                RETURNING d.subscription_id, d.webhook_id, d.event_type, d.payload, d.attempts, s.url, s.secret,
                          CASE WHEN s.previous_secret_until > ? THEN s.previous_secret END""",
                (rs, n) -> new Claimed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                        rs.getString(6), rs.getBytes(7), rs.getBytes(8)),
                Timestamp.from(now), limit, Timestamp.from(leaseUntil), Timestamp.from(now));
    }

    /**
     * Logs the attempt and moves its delivery on: to {@code state} (finished), or to {@code nextAttemptAt}
     * when still pending. False when another claim of the same delivery came after this one.
     */
    boolean record(Claimed c, Attempt attempt, String state, Instant nextAttemptAt) {
        Boolean moved = transaction.execute(tx -> {
            jdbc.update("""
                    INSERT INTO webhook_attempts (subscription_id, webhook_id, attempt, event_type, status_code, error, latency_ms,
                                                  attempted_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                    c.subscriptionId(), c.webhookId(), c.attempt(), c.eventType(), attempt.statusCode(), attempt.error(),
                    attempt.latencyMs(), Timestamp.from(attempt.attemptedAt()));
            Instant finishedAt = state.equals(PENDING) ? null : attempt.attemptedAt();
            return jdbc.update("""
                    UPDATE webhook_deliveries SET state = ?, next_attempt_at = ?::timestamptz, finished_at = ?::timestamptz
                     WHERE subscription_id = ? AND webhook_id = ? AND attempts = ? AND state = 'pending'""",
                    state, timestamp(nextAttemptAt), timestamp(finishedAt), c.subscriptionId(), c.webhookId(), c.attempt()) == 1;
        });
        return Boolean.TRUE.equals(moved);
    }

    /** The receiver is gone (410): the subscription sends nothing more, and what it still had to send is cancelled. */
    void disable(String subscriptionId, Instant at) {
        transaction.executeWithoutResult(tx -> {
            jdbc.update("UPDATE webhook_subscriptions SET disabled_at = ? WHERE subscription_id = ? AND disabled_at IS NULL",
                    Timestamp.from(at), subscriptionId);
            jdbc.update("""
                    UPDATE webhook_deliveries SET state = 'cancelled', next_attempt_at = NULL, finished_at = ?
                     WHERE subscription_id = ? AND state = 'pending'""", Timestamp.from(at), subscriptionId);
        });
    }

    /** The latest attempts of the account's subscription, newest first. */
    List<Attempt> log(String accountId, String subscriptionId, int limit) {
        return jdbc.query("""
                SELECT a.webhook_id, a.event_type, a.attempt, a.status_code, a.error, a.latency_ms, a.attempted_at
                  FROM webhook_attempts a JOIN webhook_subscriptions s ON s.subscription_id = a.subscription_id
                 WHERE s.account_id = ? AND s.subscription_id = ?
                 ORDER BY a.attempted_at DESC, a.webhook_id, a.attempt DESC LIMIT ?""",
                (rs, n) -> new Attempt(rs.getString(1), rs.getString(2), rs.getInt(3), (Integer) rs.getObject(4), rs.getString(5),
                        rs.getLong(6), rs.getTimestamp(7).toInstant()),
                accountId, subscriptionId, limit);
    }

    private static Timestamp timestamp(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }
}
