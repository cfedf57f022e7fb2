package dev.inference.ledger.service.security;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Bearer tokens: 32 random bytes, shown once when minted and stored only as their SHA-256 (a hash
 * without salt is enough for secrets of this entropy, and it keeps the look-up to one index probe).
 * Each has a public id, an optional expiry, and can be revoked.
 */
@Component
public class ApiTokens {

    private static final String PREFIX = "lt_";
    static final String BOOTSTRAP_ID = "tok_bootstrap";
    /**
     * How long a known token is trusted from memory before the database is asked again: the longest a
     * token revoked through another instance still works here.
     */
    static final Duration REMEMBERED = Duration.ofSeconds(5);
    private static final int MAX_REMEMBERED = 10_000;
    private final SecureRandom random = new SecureRandom();
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Map<String, Remembered> known = new ConcurrentHashMap<>();

    private record Remembered(Caller caller, Instant expiresAt, long until) {
    }

    /** A token as staff see it: never the secret. */
    public record TokenView(String tokenId, String role, String accountId, Instant createdAt, Instant expiresAt,
                            Instant lastUsedAt, Instant revokedAt, boolean bootstrap) {
    }

    public record Minted(String token, TokenView view) {
    }

    public ApiTokens(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * A new token for {@code role}, bound to {@code accountId} (null: every account), valid until
     * {@code expiresAt} (null: until revoked). Refused when it would be wider than the caller's own.
     */
    public Minted mint(Caller by, Role role, String accountId, Instant expiresAt) {
        if (wider(by, role, accountId)) {
            throw new TokenRefused(403, "a token may not mint one wider than itself, in role or account");
        }
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw new TokenRefused(422, "expiresAt must be in the future");
        }
        if (role.portal()) {
            throw new TokenRefused(422, "customer sessions begin from a portal link (POST /api/v1/accounts/{id}/portal-sessions)");
        }
        return insert(role, accountId, expiresAt);
    }

    /** Admin may mint any role, everyone else only their own; a bound caller only for its own account. */
    static boolean wider(Caller by, Role role, String accountId) {
        boolean widerRole = by.role() != Role.ADMIN && role != by.role();
        boolean widerAccount = by.isBound() && !by.accountId().equals(accountId);
        return widerRole || widerAccount;
    }

    public List<TokenView> list() {
        return jdbc.query(SELECT_VIEW + " ORDER BY created_at, token_id", (rs, n) -> view(rs));
    }

    public Optional<TokenView> find(String tokenId) {
        return jdbc.query(SELECT_VIEW + " WHERE token_id = ?", (rs, n) -> view(rs), tokenId).stream().findFirst();
    }

    /**
     * A portal link's one use: revoked at once (the first of two concurrent uses wins, on any instance), and a customer
     * token of its account minted in its stead, valid until {@code expiresAt}. Empty when the link was used already.
     */
    @Transactional
    public Optional<Minted> exchange(Caller link, Instant expiresAt) {
        if (link.role() != Role.PORTAL_LINK || !link.isBound()) {
            throw new TokenRefused(403, "only a portal link becomes a portal session");
        }
        int used = jdbc.update("UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL", timestamp(clock.instant()),
                link.tokenId());
        known.values().removeIf(r -> r.caller().tokenId().equals(link.tokenId()));
        if (used != 1) {
            return Optional.empty();
        }
        return Optional.of(insert(Role.CUSTOMER, link.accountId(), expiresAt));
    }

    /** A portal link of an account, minted by staff: its holder can only exchange it, once, before {@code expiresAt}. */
    public Minted link(String accountId, Instant expiresAt) {
        return insert(Role.PORTAL_LINK, accountId, expiresAt);
    }

    private Minted insert(Role role, String accountId, Instant expiresAt) {
        String token = generate();
        String tokenId = "tok_" + HexFormat.of().formatHex(randomBytes(8));
        jdbc.update("INSERT INTO api_tokens (token_hash, token_id, role, account_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                Sha256.hex(token), tokenId, role.wire(), accountId, timestamp(expiresAt), timestamp(clock.instant()));
        return new Minted(token, find(tokenId).orElseThrow());
    }

    /** Revokes the token at once here, and on other instances once they forget it ({@link #REMEMBERED}). */
    public boolean revoke(String tokenId) {
        int revoked = jdbc.update("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE token_id = ?",
                timestamp(clock.instant()), tokenId);
        known.values().removeIf(r -> r.caller().tokenId().equals(tokenId));
        return revoked == 1;
    }

    /** Makes {@code token} the one bootstrap admin token; the previous bootstrap token stops working. */
    @Transactional
    public void replaceBootstrapAdmin(String token) {
        known.clear();
        jdbc.update("DELETE FROM api_tokens WHERE bootstrap OR token_hash = ?", Sha256.hex(token));
        jdbc.update("INSERT INTO api_tokens (token_hash, token_id, role, bootstrap, created_at) VALUES (?, ?, ?, true, ?)",
                Sha256.hex(token), BOOTSTRAP_ID, Role.ADMIN.wire(), timestamp(clock.instant()));
    }

    /**
     * The caller a token stands for, if it is known, unexpired and not revoked. Known tokens are
     * remembered for {@link #REMEMBERED}, so a gateway's authorize check seldom needs the database;
     * each database look-up records the token's last use.
     */
    public Optional<Caller> authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return Optional.empty();
        }
        String hash = Sha256.hex(token);
        Instant now = clock.instant();
        Remembered remembered = known.get(hash);
        if (remembered != null && remembered.until() > System.nanoTime()) {
            return live(remembered, now) ? Optional.of(remembered.caller()) : Optional.empty();
        }
        Optional<Remembered> found = jdbc.query("""
                UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ? AND revoked_at IS NULL
                RETURNING token_id, role, account_id, expires_at""",
                (rs, n) -> new Remembered(new Caller(rs.getString(1), Role.fromWire(rs.getString(2)).orElseThrow(), rs.getString(3)),
                        instant(rs.getTimestamp(4)), System.nanoTime() + REMEMBERED.toNanos()),
                timestamp(now), hash).stream().findFirst();
        if (known.size() >= MAX_REMEMBERED) {
            known.clear();
        }
        found.ifPresentOrElse(r -> known.put(hash, r), () -> known.remove(hash));
        return found.filter(r -> live(r, now)).map(Remembered::caller);
    }

    private static boolean live(Remembered remembered, Instant now) {
        return remembered.expiresAt() == null || remembered.expiresAt().isAfter(now);
    }

    public String generate() {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static final String SELECT_VIEW = """
            SELECT token_id, role, account_id, created_at, expires_at, last_used_at, revoked_at, bootstrap FROM api_tokens""";

    private static TokenView view(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new TokenView(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs.getTimestamp(4)),
                instant(rs.getTimestamp(5)), instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7)), rs.getBoolean(8));
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** A token request the token rules refuse. */
    public static final class TokenRefused extends RuntimeException {
        private final int status;

        TokenRefused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
