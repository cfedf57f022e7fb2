package dev.inference.ledger.webhooks;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The subscriptions table. Every read or change by id also names the account, so that a request of one
 * account can never reach another account's subscription, whatever id it sends.
 */
@Repository
public class Subscriptions {

    /** A subscription as its account sees it: never its secret. */
    public record Subscription(String subscriptionId, String accountId, String url, List<String> eventTypes, Instant createdAt,
                        Instant disabledAt) {
    }

    private static final String COLUMNS = "subscription_id, account_id, url, event_types, created_at, disabled_at";

    private final JdbcTemplate jdbc;

    Subscriptions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Serializes the subscriptions of one account until the transaction ends, so that a count stays true. */
    void lockAccount(String accountId) {
        jdbc.queryForObject("SELECT pg_advisory_xact_lock(hashtext('webhooks:' || ?))", Object.class, accountId);
    }

    int count(String accountId) {
        return jdbc.queryForObject("SELECT count(*) FROM webhook_subscriptions WHERE account_id = ?", Integer.class, accountId);
    }

    void insert(Subscription s, byte[] encryptedSecret) {
        jdbc.update("""
                INSERT INTO webhook_subscriptions (subscription_id, account_id, url, event_types, secret, created_at)
                VALUES (?, ?, ?, ?::text[], ?, ?)""",
                s.subscriptionId(), s.accountId(), s.url(), textArray(s.eventTypes()), encryptedSecret, Timestamp.from(s.createdAt()));
    }

    List<Subscription> list(String accountId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM webhook_subscriptions WHERE account_id = ? ORDER BY created_at, subscription_id",
                Subscriptions::read, accountId);
    }

    Optional<Subscription> find(String accountId, String subscriptionId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM webhook_subscriptions WHERE account_id = ? AND subscription_id = ?",
                Subscriptions::read, accountId, subscriptionId).stream().findFirst();
    }

    /** Removes it with its deliveries and their log; false when the account has no such subscription. */
    boolean delete(String accountId, String subscriptionId) {
        return jdbc.update("DELETE FROM webhook_subscriptions WHERE account_id = ? AND subscription_id = ?", accountId, subscriptionId) == 1;
    }

    /** The new secret signs from now on; the one it replaces goes on signing beside it until {@code previousUntil}. */
    boolean rotate(String accountId, String subscriptionId, byte[] encryptedSecret, Instant previousUntil) {
        return jdbc.update("""
                UPDATE webhook_subscriptions SET previous_secret = secret, previous_secret_until = ?, secret = ?
                 WHERE account_id = ? AND subscription_id = ?""",
                Timestamp.from(previousUntil), encryptedSecret, accountId, subscriptionId) == 1;
    }

    private static String textArray(List<String> words) {
        // Only the closed set of event type names gets here ([a-z._]): nothing to quote.
        return "{" + String.join(",", words) + "}";
    }

    private static Subscription read(ResultSet rs, int n) throws SQLException {
        Array types = rs.getArray(4);
        Timestamp disabled = rs.getTimestamp(6);
        return new Subscription(rs.getString(1), rs.getString(2), rs.getString(3), Arrays.asList((String[]) types.getArray()),
                rs.getTimestamp(5).toInstant(), disabled == null ? null : disabled.toInstant());
    }
}
