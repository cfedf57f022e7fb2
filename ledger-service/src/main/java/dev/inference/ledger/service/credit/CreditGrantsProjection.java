package dev.inference.ledger.service.credit;

import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.CreditExpired;
import dev.inference.ledger.kernel.account.AccountEvent.CreditGranted;
import dev.inference.ledger.kernel.account.AccountEvent.CreditStarted;
import dev.inference.ledger.kernel.account.AccountEvent.CreditVoided;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeSucceeded;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.GrantDraw;
import dev.inference.ledger.kernel.account.GrantKind;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.processing.AccountViews;
import dev.inference.ledger.processing.ProcessingBatch;

/**
 * The credit grants of every account, when each is next due (to start counting, or to expire), how each ended, and what
 * each usage batch drew from which grant. Every write is keyed, so a replayed event changes nothing; a batch's draws are
 * written once per processing batch.
 */
@Component
@ProcessingGroup(AccountViews.GROUP)
public class CreditGrantsProjection {

    static final String EXPIRED = "expired";
    static final String VOIDED = "voided";

    private final JdbcTemplate jdbc;

    public CreditGrantsProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(TopUpCredited event) {
        purchased(event.accountId(), event.grantId(), event.amount(), event.creditedAt());
    }

    @EventHandler
    void on(RechargeSucceeded event) {
        purchased(event.accountId(), event.grantId(), event.amount(), event.succeededAt());
    }

    private void purchased(String accountId, String grantId, Money amount, Instant at) {
        insert(accountId, grantId, GrantKind.PURCHASED, amount, dev.inference.ledger.accounts.CreditRules.DEFAULT_PRIORITY, at, null, null,
                at, null);
    }

    @EventHandler
    void on(CreditGranted event) {
        insert(event.accountId(), event.grantId(), event.kind(), event.amount(), event.priority(), event.effectiveAt(), event.expiresAt(),
                event.reason(), event.grantedAt(), event.effectiveNow() ? event.expiresAt() : event.effectiveAt());
    }

    private void insert(String accountId, String grantId, GrantKind kind, Money amount, int priority, Instant effectiveAt, Instant expiresAt,
                        String reason, Instant grantedAt, Instant dueAt) {
        jdbc.update("""
                INSERT INTO credit_grants (account_id, grant_id, kind, amount, currency, priority, effective_at, expires_at, reason,
                                           granted_at, due_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                accountId, grantId, kind.wire(), amount.amount(), amount.currency(), priority, Timestamp.from(effectiveAt), at(expiresAt),
                reason, Timestamp.from(grantedAt), at(dueAt));
    }

    /** A reversal's credit with nowhere to go back to is a grant of its own; the others return to grants already here. */
    @EventHandler
    void on(UsageReversed event) {
        for (var back : event.returned()) {
            insert(event.accountId(), back.grantId(), back.kind(), new Money(back.amount(), event.cost().currency()), back.priority(),
                    back.effectiveAt(), back.expiresAt(), event.reason(), event.reversedAt(), null);
            // A grant drawn to nothing that opens again is due at its expiry again.
            jdbc.update("UPDATE credit_grants SET due_at = expires_at WHERE account_id = ? AND grant_id = ? AND ended IS NULL",
                    event.accountId(), back.grantId());
        }
    }

    @EventHandler
    void on(CreditStarted event) {
        jdbc.update("UPDATE credit_grants SET due_at = expires_at WHERE account_id = ? AND grant_id = ? AND ended IS NULL",
                event.accountId(), event.grantId());
    }

    @EventHandler
    void on(CreditExpired event) {
        end(event.accountId(), event.grantId(), EXPIRED, event.amount(), event.expiredAt());
    }

    @EventHandler
    void on(CreditVoided event) {
        end(event.accountId(), event.grantId(), VOIDED, event.amount(), event.voidedAt());
    }

    private void end(String accountId, String grantId, String how, Money amount, Instant at) {
        jdbc.update("""
                UPDATE credit_grants SET due_at = NULL, ended = ?, ended_amount = ?, ended_at = ?
                 WHERE account_id = ? AND grant_id = ? AND ended IS NULL""",
                how, amount.amount(), Timestamp.from(at), accountId, grantId);
    }

    @EventHandler
    void on(UsageBatchCharged event, @SequenceNumber long sequence) {
        if (event.draws().isEmpty()) {
            return;
        }
        List<Object[]> rows = ProcessingBatch.pending("credit-draws", ArrayList::new, this::write);
        for (GrantDraw draw : event.draws()) {
            rows.add(new Object[] {event.accountId(), sequence, draw.grantId(), draw.amount(), Timestamp.from(event.chargedAt())});
        }
    }

    private void write(List<Object[]> rows) {
        jdbc.batchUpdate("""
                INSERT INTO credit_draws (account_id, sequence, grant_id, amount, charged_at)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""", rows);
    }

    private static Timestamp at(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
