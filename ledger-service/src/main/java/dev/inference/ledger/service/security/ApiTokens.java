package dev.inference.ledger.service.security;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Bearer tokens: 32 random bytes, shown once when minted and stored only as their SHA-256 (a hash
 * without salt is enough for secrets of this entropy, and it keeps the look-up to one index probe).
 */
@Component
public class ApiTokens {

    private static final String PREFIX = "lt_";
    /** How long a known token is trusted from memory before the database is asked again. */
    static final Duration REMEMBERED = Duration.ofSeconds(30);
    private static final int MAX_REMEMBERED = 10_000;
    private final SecureRandom random = new SecureRandom();
    private final JdbcTemplate jdbc;
    private final Map<String, Remembered> known = new ConcurrentHashMap<>();

    private record Remembered(Caller caller, long until) {
    }

    public ApiTokens(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public String mint(Role role, String accountId) {
        String token = generate();
        jdbc.update("INSERT INTO api_tokens (token_hash, role, account_id) VALUES (?, ?, ?)",
                Sha256.hex(token), role.wire(), accountId);
        return token;
    }

    /** Makes {@code token} the one bootstrap admin token; the previous bootstrap token stops working. */
    @Transactional
    public void replaceBootstrapAdmin(String token) {
        known.clear();
        jdbc.update("DELETE FROM api_tokens WHERE bootstrap");
        jdbc.update("""
                INSERT INTO api_tokens (token_hash, role, bootstrap) VALUES (?, ?, true)
                ON CONFLICT (token_hash) DO UPDATE SET role = excluded.role, account_id = NULL, bootstrap = true""",
                Sha256.hex(token), Role.ADMIN.wire());
    }

    /** Known tokens are remembered for {@link #REMEMBERED}, so a gateway's authorize check needs no database. */
    public Optional<Caller> authenticate(String token) {
        String hash = Sha256.hex(token);
        Remembered remembered = known.get(hash);
        if (remembered != null && remembered.until() > System.nanoTime()) {
            return Optional.of(remembered.caller());
        }
        Optional<Caller> caller = jdbc.query("SELECT role, account_id FROM api_tokens WHERE token_hash = ?",
                (rs, n) -> new Caller(Role.fromWire(rs.getString(1)).orElseThrow(), rs.getString(2)), hash).stream().findFirst();
        if (known.size() >= MAX_REMEMBERED) {
            known.clear();
        }
        caller.ifPresent(c -> known.put(hash, new Remembered(c, System.nanoTime() + REMEMBERED.toNanos())));
        return caller;
    }

    public String generate() {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }
}
