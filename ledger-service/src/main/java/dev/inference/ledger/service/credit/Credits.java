package dev.inference.ledger.service.credit;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.inference.ledger.accounts.AccountState;
import dev.inference.ledger.accounts.Grants;
import dev.inference.ledger.kernel.account.AccountEvent.CreditVoided;
import dev.inference.ledger.service.account.AccountStates;

/**
 * An account's credit grants as its customer and its billing staff see them: each grant's terms from the view of the
 * grants, and what an open grant has left from the account itself, as committed.
 */
@Component
public class Credits {

    public static final String PENDING = "pending";
    public static final String OPEN = "open";
    public static final String USED = "used";

    private final JdbcTemplate jdbc;
    private final AccountStates states;

    public Credits(JdbcTemplate jdbc, AccountStates states) {
        this.jdbc = jdbc;
        this.states = states;
    }

    /** One grant; {@code status}: pending (waiting for its effective time), open, used (drawn to nothing), expired, voided. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GrantView(String grantId, String kind, String status,
                            @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amount,
                            @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal remaining, String currency, int priority,
                            Instant effectiveAt, Instant expiresAt, String reason, Instant grantedAt,
                            @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal expiredAmount, Instant endedAt) {
    }

    /** The account's grants, open ones first in the order usage draws them, then the rest newest first. */
    public List<GrantView> of(String accountId) {
        Map<String, Grants.Grant> open = new HashMap<>();
        AccountState state = states.catchUp(accountId, Long.MAX_VALUE).map(AccountStates.Caught::state).orElse(null);
        if (state != null) {
            state.grants().open().forEach(grant -> open.put(grant.grantId(), grant));
        }
        List<GrantView> grants = jdbc.query("""
                SELECT grant_id, kind, amount, currency, priority, effective_at, expires_at, reason, granted_at, ended, ended_amount, ended_at
                  FROM credit_grants WHERE account_id = ? ORDER BY granted_at DESC, grant_id LIMIT 1000""",
                (rs, n) -> {
                    String grantId = rs.getString(1);
                    Grants.Grant live = open.get(grantId);
                    String ended = rs.getString(10);
                    String status = ended != null ? ended : live == null ? USED : live.started() ? OPEN : PENDING;
                    BigDecimal amount = rs.getBigDecimal(3).stripTrailingZeros();
                    BigDecimal remaining = ended != null || live == null ? BigDecimal.ZERO : live.remaining().stripTrailingZeros();
                    BigDecimal endedAmount = rs.getBigDecimal(11);
                    return new GrantView(grantId, rs.getString(2), status, amount, remaining, rs.getString(4), rs.getInt(5),
                            instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7)), rs.getString(8), instant(rs.getTimestamp(9)),
                            CreditGrantsProjection.EXPIRED.equals(ended) ? endedAmount.stripTrailingZeros() : null, instant(rs.getTimestamp(12)));
                }, accountId);
        List<String> order = state == null ? List.of() : state.grants().open().stream().sorted(Grants.DRAW_ORDER).map(Grants.Grant::grantId).toList();
        return grants.stream().sorted(java.util.Comparator.comparingInt((GrantView g) -> {
            int i = order.indexOf(g.grantId());
            return i < 0 ? Integer.MAX_VALUE : i;
        })).toList();
    }

    /** A grant the account holds open, as it has it now (just after it was granted, say): the view of the grants may lag. */
    public GrantView live(String accountId, String grantId, String reason) {
        AccountState state = states.catchUp(accountId, Long.MAX_VALUE).map(AccountStates.Caught::state).orElseThrow();
        Grants.Grant grant = state.grants().find(grantId);
        if (grant == null) {
            // Made, and drawn to nothing at once (it paid what the account owed): as the view has it, or as made.
            return of(accountId).stream().filter(g -> g.grantId().equals(grantId)).findFirst().orElseGet(() -> new GrantView(grantId, null,
                    USED, null, BigDecimal.ZERO, state.currency(), 0, null, null, reason, null, null, null));
        }
        return new GrantView(grant.grantId(), grant.kind().wire(), grant.started() ? OPEN : PENDING, grant.amount().stripTrailingZeros(),
                grant.remaining().stripTrailingZeros(), state.currency(), grant.priority(), grant.effectiveAt(), grant.expiresAt(), reason,
                null, null, null);
    }

    public static GrantView voided(CreditVoided voided) {
        return new GrantView(voided.grantId(), voided.kind().wire(), CreditGrantsProjection.VOIDED, voided.amount().amount().stripTrailingZeros(),
                BigDecimal.ZERO, voided.amount().currency(), 0, null, null, voided.reason(), null, null, voided.voidedAt());
    }

    /** Accounts with a grant whose effective time or expiry has come, or a commitment whose term has ended. */
    List<String> accountsDue(Instant now, int limit) {
        return jdbc.queryForList("""
                SELECT account_id FROM (
                    SELECT account_id, due_at AS due FROM credit_grants WHERE due_at <= ?
                    UNION ALL
                    SELECT account_id, ends_at FROM commitments WHERE ended_at IS NULL AND ends_at <= ?) d
                 GROUP BY account_id ORDER BY min(due) LIMIT ?""", String.class, Timestamp.from(now), Timestamp.from(now), limit);
    }

    /**
     * After the account looked at its due grants: those it no longer holds open (drawn to nothing before their expiry,
     * which no event tells) are due no more. One it holds open stays due until its own event moves it.
     */
    void settled(String accountId, Instant now) {
        AccountState state = states.catchUp(accountId, Long.MAX_VALUE).map(AccountStates.Caught::state).orElse(null);
        if (state == null) {
            return;
        }
        String[] open = state.grants().open().stream().map(Grants.Grant::grantId).toArray(String[]::new);
        jdbc.update("UPDATE credit_grants SET due_at = NULL WHERE account_id = ? AND due_at <= ? AND grant_id <> ALL(?::varchar[])",
                accountId, Timestamp.from(now), open);
    }

    /** What usage drew from each kind of grant, for charges made in [{@code from}, {@code to}): paid consumption apart from promotional. */
    public Map<String, BigDecimal> drawnByKind(String accountId, Instant from, Instant to) {
        Map<String, BigDecimal> byKind = new java.util.TreeMap<>();
        jdbc.query("""
                SELECT g.kind, sum(d.amount) FROM credit_draws d
                  JOIN credit_grants g ON g.account_id = d.account_id AND g.grant_id = d.grant_id
                 WHERE d.account_id = ? AND d.charged_at >= ? AND d.charged_at < ? GROUP BY g.kind""",
                rs -> {
                    byKind.put(rs.getString(1), rs.getBigDecimal(2).stripTrailingZeros());
                }, accountId, Timestamp.from(from), Timestamp.from(to));
        return byKind;
    }

    private static Instant instant(Timestamp at) {
        return at == null ? null : at.toInstant();
    }
}
