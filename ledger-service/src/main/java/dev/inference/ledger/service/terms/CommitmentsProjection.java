package dev.inference.ledger.service.terms;

import java.sql.Timestamp;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.CommitmentAdded;
import dev.inference.ledger.kernel.account.AccountEvent.CommitmentEnded;
import dev.inference.ledger.processing.AccountViews;

/** When each commitment's term ends, for the clock that closes it; keyed, so a replayed event changes nothing. */
@Component
@ProcessingGroup(AccountViews.GROUP)
public class CommitmentsProjection {

    private final JdbcTemplate jdbc;

    public CommitmentsProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(CommitmentAdded event) {
        jdbc.update("""
                INSERT INTO commitments (account_id, commitment_id, amount, currency, starts_at, ends_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                event.accountId(), event.commitmentId(), event.amount().amount(), event.amount().currency(),
                Timestamp.from(event.startsAt()), Timestamp.from(event.endsAt()));
    }

    @EventHandler
    void on(CommitmentEnded event) {
        jdbc.update("UPDATE commitments SET ended_at = ?, true_up = ? WHERE account_id = ? AND commitment_id = ?",
                Timestamp.from(event.endedAt()), event.trueUp().amount(), event.accountId(), event.commitmentId());
    }
}
