package dev.inference.ledger.service.account.authorize;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.inference.ledger.processing.AccountViews;

/**
 * Where a starting instance's authorize view begins: the guards {@link GuardProjection} keeps, read in
 * one snapshot together with the account-views processor's position, and the lowest of its segments'
 * positions to read on from. Events after that position that a segment had already applied are
 * applied again, which changes nothing: the view's updates set values outright, in stream order.
 */
@Component
public class GuardSnapshots {

    private static final Logger log = LoggerFactory.getLogger(GuardSnapshots.class);
    private static final int SNAPSHOT_TIMEOUT_SECONDS = 600;
    private static final int FETCH_SIZE = 10_000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate snapshot;
    private final Serializer serializer;
    private final SpendGuard guard;

    public GuardSnapshots(JdbcTemplate jdbc, PlatformTransactionManager transactions, Serializer serializer, SpendGuard guard) {
        // A template of its own, streaming the one large read instead of holding every row at once.
        this.jdbc = new JdbcTemplate(jdbc.getDataSource());
        this.jdbc.setFetchSize(FETCH_SIZE);
        // Its own transaction: Axon asks for the initial position inside one of its own, which would
        // otherwise be joined (read committed, and the default time limit).
        this.snapshot = new TransactionTemplate(transactions);
        snapshot.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
        snapshot.setTimeout(SNAPSHOT_TIMEOUT_SECONDS);
        this.serializer = serializer;
        this.guard = guard;
    }

    /** Fills the guard with the projected state and returns the position to read on from; null: from the start. */
    public TrackingToken restore() {
        return snapshot.execute(status -> {
            List<TrackingToken> positions = jdbc.query("SELECT token, tokentype FROM tokenentry WHERE processorname = ?",
                    (rs, n) -> rs.getBytes(1) == null ? null : WrappedToken.unwrapLowerBound(serializer.deserialize(
                            new SimpleSerializedObject<>(rs.getBytes(1), byte[].class, rs.getString(2), null))),
                    AccountViews.GROUP);
            if (positions.isEmpty() || positions.contains(null)) {
                log.info("authorize view: no complete position of {} yet, reading the event stream from the start", AccountViews.GROUP);
                return null;
            }
            TrackingToken from = positions.stream().reduce(TrackingToken::lowerBound).orElseThrow();
            Map<String, Map<String, String>> blocks = new HashMap<>();
            jdbc.query("SELECT account_id, scope, period FROM authorize_blocks",
                    rs -> { blocks.computeIfAbsent(rs.getString(1), id -> new HashMap<>()).put(rs.getString(2), rs.getString(3)); });
            int[] accounts = {0};
            jdbc.query("""
                    SELECT account_id, suspended, exhausted, no_payment_method, held, held_out, held_period, held_full_scopes
                      FROM authorize_guards""", rs -> {
                String accountId = rs.getString(1);
                String full = rs.getString(8);
                Guarded.Holds holds = new Guarded.Holds(rs.getBigDecimal(5), rs.getBoolean(6), rs.getString(7),
                        full.isEmpty() ? Set.of() : Set.of(full.split(",")));
                guard.restore(accountId, new Guarded(rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4), blocks.getOrDefault(accountId, Map.of()),
                        holds));
                accounts[0]++;
            });
            log.info("authorize view: {} accounts loaded, reading the event stream on from {}", accounts[0], from);
            return from;
        });
    }
}
