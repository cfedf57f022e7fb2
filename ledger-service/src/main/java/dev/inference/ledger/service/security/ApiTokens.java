package dev.inference.ledger.service.security;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

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
    private final SecureRandom random = new SecureRandom();
    private final JdbcTemplate jdbc;

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
        jdbc.update("DELETE FROM api_tokens WHERE bootstrap");
        jdbc.update("""
                INSERT INTO api_tokens (token_hash, role, bootstrap) VALUES (?, ?, true)
                ON CONFLICT (token_hash) DO UPDATE SET role = excluded.role, account_id = NULL, bootstrap = true""",
                Sha256.hex(token), Role.ADMIN.wire());
    }

    public Optional<Caller> authenticate(String token) {
        return jdbc.query("SELECT role, account_id FROM api_tokens WHERE token_hash = ?",
                (rs, n) -> new Caller(Role.fromWire(rs.getString(1)).orElseThrow(), rs.getString(2)),
                Sha256.hex(token)).stream().findFirst();
    }

    public String generate() {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }
}
