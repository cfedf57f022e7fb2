package dev.inference.ledger.service.hold;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.hold.HoldEvent;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldExpired;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldPlaced;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldReleased;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldSettled;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.service.hold.HoldRules.OpenHold;

/**
 * The holds' current state in PostgreSQL, written in the transaction that appends their events, and each
 * account's advisory lock under which the desk decides: one decision at a time per account, across instances.
 */
@Component
public class HoldStore {

    private final JdbcTemplate jdbc;

    public HoldStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A hold as stored: open, settled, released or expired. */
    public record StoredHold(String holdId, String accountId, Attribution attribution, Money amount, Money charged, Instant placedAt,
                             Instant expiresAt, String state, Instant endedAt) {
    }

    /**
     * Waits for the accounts' hold locks, held until the transaction ends; in one order, so two transactions
     * taking several never wait for each other in a circle.
     */
    void lock(Collection<String> accountIds) {
        jdbc.query("SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(?::text[]) WITH ORDINALITY AS a(k, n) ORDER BY n",
                rs -> { }, (Object) lockKeys(accountIds));
    }

    /** Takes the hold locks no one holds, and says whose: for background work that must never queue behind a decision. */
    List<String> tryLock(Collection<String> accountIds) {
        List<String> sorted = accountIds.stream().sorted().toList();
        List<String> taken = new ArrayList<>();
        jdbc.query("SELECT n, pg_try_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(?::text[]) WITH ORDINALITY AS a(k, n) ORDER BY n",
                rs -> {
                    if (rs.getBoolean(2)) {
                        taken.add(sorted.get(rs.getInt(1) - 1));
                    }
                }, (Object) sorted.stream().map(HoldStore::lockKey).toArray(String[]::new));
        return taken;
    }

    private static String[] lockKeys(Collection<String> accountIds) {
        return accountIds.stream().sorted().map(HoldStore::lockKey).toArray(String[]::new);
    }

    private static String lockKey(String accountId) {
        return "ledger:holds:" + accountId;
    }

    /** How far into an account's events its holds were settled, and the version of its holds. */
    record Seen(long sequence, long version) {
    }

    /** Each account's book as stored; an account before its first hold has none. */
    Map<String, Seen> seen(Collection<String> accountIds) {
        Map<String, Seen> seen = new HashMap<>();
        jdbc.query("SELECT account_id, seen_sequence, version FROM hold_books WHERE account_id = ANY (?)",
                rs -> { seen.put(rs.getString(1), new Seen(rs.getLong(2), rs.getLong(3))); }, (Object) accountIds.toArray(String[]::new));
        return seen;
    }

    /** The accounts' holds not ended yet, by account. */
    Map<String, List<OpenHold>> open(Collection<String> accountIds) {
        Map<String, List<OpenHold>> open = new HashMap<>();
        jdbc.query("""
                SELECT account_id, hold_id, api_key_id, project_id, member_id, currency, amount, charged, expires_at
                  FROM holds WHERE account_id = ANY (?) AND state = 'open' ORDER BY placed_at, hold_id""",
                rs -> {
                    open.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new OpenHold(rs.getString(2),
                            new Attribution(rs.getString(3), rs.getString(4), rs.getString(5), null), new Money(rs.getBigDecimal(7), rs.getString(6)),
                            new Money(rs.getBigDecimal(8), rs.getString(6)), rs.getTimestamp(9).toInstant()));
                }, (Object) accountIds.toArray(String[]::new));
        return open;
    }

    /** The account's holds not ended yet (some may have run out of time, not yet marked expired). */
    public List<OpenHold> open(String accountId) {
        return open(List.of(accountId)).getOrDefault(accountId, List.of());
    }

    public Optional<StoredHold> find(String holdId) {
        return jdbc.query("""
                SELECT hold_id, account_id, api_key_id, project_id, member_id, currency, amount, charged, placed_at, expires_at, state,
                       ended_at FROM holds WHERE hold_id = ?""", HoldStore::stored, holdId).stream().findFirst();
    }

    /** The account's holds, open ones first, then the most recently placed, at most {@code limit}. */
    public List<StoredHold> ofAccount(String accountId, boolean openOnly, int limit) {
        return jdbc.query("""
                SELECT hold_id, account_id, api_key_id, project_id, member_id, currency, amount, charged, placed_at, expires_at, state,
                       ended_at FROM holds WHERE account_id = ? AND (state = 'open' OR NOT ?)
                 ORDER BY state <> 'open', placed_at DESC, hold_id LIMIT ?""", HoldStore::stored, accountId, openOnly, limit);
    }

    private static StoredHold stored(ResultSet rs, int n) throws SQLException {
        String currency = rs.getString(6);
        Timestamp ended = rs.getTimestamp(12);
        return new StoredHold(rs.getString(1), rs.getString(2), new Attribution(rs.getString(3), rs.getString(4), rs.getString(5), null),
                new Money(rs.getBigDecimal(7), currency), new Money(rs.getBigDecimal(8), currency), rs.getTimestamp(9).toInstant(),
                rs.getTimestamp(10).toInstant(), rs.getString(11), ended == null ? null : ended.toInstant());
    }

    /** Stores what the events did, set-based: the new holds, the ended ones, the charges drawn on open ones. */
    void apply(List<HoldEvent> events, List<OpenHold> drawn) {
        List<Object[]> placed = new ArrayList<>();
        List<Ended> ended = new ArrayList<>();
        for (HoldEvent event : events) {
            if (event instanceof HoldPlaced p) {
                placed.add(new Object[] {p.holdId(), p.accountId(), p.attribution().apiKeyId(), p.attribution().projectId(),
                        p.attribution().memberId(), p.amount().currency(), p.amount().amount(), Timestamp.from(p.placedAt()),
                        Timestamp.from(p.expiresAt())});
            } else if (event instanceof HoldSettled s) {
                ended.add(new Ended(s.holdId(), "settled", s.charged(), s.settledAt()));
            } else if (event instanceof HoldReleased r) {
                ended.add(new Ended(r.holdId(), "released", r.charged(), r.releasedAt()));
            } else if (event instanceof HoldExpired x) {
                ended.add(new Ended(x.holdId(), "expired", x.charged(), x.expiredAt()));
            }
        }
        if (!placed.isEmpty()) {
            jdbc.batchUpdate("""
                    INSERT INTO holds (hold_id, account_id, api_key_id, project_id, member_id, currency, amount, placed_at, expires_at, state)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')""", placed);
        }
        if (!ended.isEmpty()) {
            jdbc.update("""
                    UPDATE holds h SET state = e.state, charged = e.charged, ended_at = e.ended_at
                      FROM unnest(?::varchar[], ?::numeric[], ?::timestamptz[], ?::varchar[]) AS e (state, charged, ended_at, hold_id)
                     WHERE h.hold_id = e.hold_id AND h.state = 'open'""",
                    ended.stream().map(Ended::state).toArray(String[]::new), ended.stream().map(e -> e.charged().amount()).toArray(BigDecimal[]::new),
                    ended.stream().map(e -> Timestamp.from(e.at())).toArray(Timestamp[]::new), ended.stream().map(Ended::holdId).toArray(String[]::new));
        }
        if (!drawn.isEmpty()) {
            jdbc.update("""
                    UPDATE holds h SET charged = d.charged FROM unnest(?::numeric[], ?::varchar[]) AS d (charged, hold_id)
                     WHERE h.hold_id = d.hold_id AND h.state = 'open'""",
                    drawn.stream().map(h -> h.charged().amount()).toArray(BigDecimal[]::new),
                    drawn.stream().map(OpenHold::holdId).toArray(String[]::new));
        }
    }

    private record Ended(String holdId, String state, Money charged, Instant at) {
    }

    /** An account's book after a decision: how far it has settled, its new version, and what the reconciler looks for. */
    record Book(String accountId, long seen, long version, List<OpenHold> open) {
    }

    void saveBooks(List<Book> books, Instant now) {
        jdbc.batchUpdate("""
                INSERT INTO hold_books (account_id, seen_sequence, open_holds, next_expiry, looked_at, version) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (account_id) DO UPDATE SET seen_sequence = excluded.seen_sequence, open_holds = excluded.open_holds,
                                                       next_expiry = excluded.next_expiry, looked_at = excluded.looked_at,
                                                       version = excluded.version""",
                books.stream().sorted(java.util.Comparator.comparing(Book::accountId)).map(b -> new Object[] {b.accountId(), b.seen(),
                        b.open().size(), b.open().stream().map(OpenHold::expiresAt).min(Instant::compareTo).map(Timestamp::from).orElse(null),
                        Timestamp.from(now), b.version()}).toList());
    }

    /**
     * Accounts whose open holds have work — one expired, or usage charged to the account since its book
     * last looked (which may settle a hold) — and that no decision looked at in the last {@code lookedSince}.
     */
    List<String> withWork(Instant now, Duration lookedSince, int limit) {
        return jdbc.queryForList("""
                SELECT b.account_id FROM hold_books b
                 WHERE b.open_holds > 0 AND b.looked_at <= ?
                   AND (b.next_expiry <= ? OR EXISTS (SELECT 1 FROM domainevententry e
                                                       WHERE e.aggregateidentifier = b.account_id AND e.sequencenumber > b.seen_sequence))
                 LIMIT ?""", String.class, Timestamp.from(now.minus(lookedSince)), Timestamp.from(now), limit);
    }

    /** Open holds and what they reserve, across accounts: the metrics' gauges. */
    record Totals(long open, BigDecimal held) {
    }

    Totals totals(Instant now) {
        return jdbc.queryForObject("""
                SELECT count(*), coalesce(sum(greatest(amount - charged, 0)), 0) FROM holds WHERE state = 'open' AND expires_at > ?""",
                (rs, n) -> new Totals(rs.getLong(1), rs.getBigDecimal(2)), Timestamp.from(now));
    }
}
