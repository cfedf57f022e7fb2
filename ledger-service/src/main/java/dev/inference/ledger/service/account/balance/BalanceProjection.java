package dev.inference.ledger.service.account.balance;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.account.AccountEvent.UsageCharged;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;

/**
 * Balances for reading. Each row remembers the last event sequence applied, so a redelivered event
 * (after a crash or a token reset) changes nothing.
 */
@Component
@ProcessingGroup(BalanceProjection.GROUP)
public class BalanceProjection {

    public static final String GROUP = "balances";
    static final int FIRST_TIER = 1;
    static final String ACTIVE = "active";

    private final JdbcTemplate jdbc;

    public BalanceProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(AccountOpened event, @SequenceNumber long sequence) {
        jdbc.update("""
                INSERT INTO account_balances (account_id, name, billing_mode, currency, balance, unbilled, lifetime_spend,
                                              tier, status, as_of, last_sequence)
                VALUES (?, ?, ?, ?, 0, 0, 0, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                event.accountId(), event.name(), event.billingMode().wire(), event.currency(), FIRST_TIER, ACTIVE,
                Timestamp.from(event.openedAt()), sequence);
    }

    @EventHandler
    void on(TopUpCredited event, @SequenceNumber long sequence) {
        move(event.accountId(), sequence, event.balanceAfter(), null, Money.zero(event.amount().currency()), event.creditedAt());
    }

    @EventHandler
    void on(UsageCharged event, @SequenceNumber long sequence) {
        move(event.accountId(), sequence, event.balanceAfter(), event.unbilledAfter(), event.charge().cost(), event.chargedAt());
    }

    private void move(String accountId, long sequence, Money balance, Money unbilled, Money spent, java.time.Instant at) {
        jdbc.update("""
                UPDATE account_balances
                   SET balance = ?, unbilled = COALESCE(?, unbilled), lifetime_spend = lifetime_spend + ?,
                       as_of = ?, last_sequence = ?
                 WHERE account_id = ? AND last_sequence < ?""",
                balance.amount(), unbilled == null ? null : unbilled.amount(), spent.amount(), Timestamp.from(at),
                sequence, accountId, sequence);
    }

    public Optional<AccountBalance> find(String accountId) {
        List<AccountBalance> rows = jdbc.query("SELECT * FROM account_balances WHERE account_id = ?", BalanceProjection::row, accountId);
        return rows.stream().findFirst();
    }

    private static AccountBalance row(ResultSet rs, int n) throws SQLException {
        String currency = rs.getString("currency");
        return new AccountBalance(rs.getString("account_id"), rs.getString("name"),
                BillingMode.fromWire(rs.getString("billing_mode")), currency,
                new Money(rs.getBigDecimal("balance"), currency), new Money(rs.getBigDecimal("unbilled"), currency),
                new Money(rs.getBigDecimal("lifetime_spend"), currency), rs.getInt("tier"), rs.getString("status"),
                rs.getTimestamp("as_of").toInstant());
    }
}
