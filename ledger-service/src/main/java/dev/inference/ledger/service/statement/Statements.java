package dev.inference.ledger.service.statement;

import dev.inference.ledger.kernel.account.BalanceMovement;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.service.account.entries.EntriesProjection;

/**
 * A prepaid account's monthly statement, from its ledger entries as recorded in the month (UTC): the
 * balance it opened and closed with, and what moved it. Nothing is due: the usage was paid from the
 * balance. Opening + top-ups + recharges + credit granted − usage + usage reversed − credit expired (or voided) = closing,
 * exactly, since
 * each entry carries its change.
 */
@Component
public class Statements {

    public record Statement(String accountId, String period, String currency, BigDecimal openingBalance, BigDecimal topUps,
                            BigDecimal recharges, BigDecimal credits, BigDecimal usage, BigDecimal usageReversed, BigDecimal creditsExpired, long usageRecords,
                            BigDecimal closingBalance, BigDecimal due) {
    }

    private final JdbcTemplate jdbc;

    public Statements(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Statement> of(String accountId, YearMonth period) {
        List<String> currency = jdbc.queryForList("SELECT currency FROM account_balances WHERE account_id = ?", String.class, accountId);
        if (currency.isEmpty()) {
            return Optional.empty();
        }
        Instant start = period.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = period.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        BigDecimal opening = balanceBefore(accountId, start);
        return Optional.of(jdbc.queryForObject("""
                SELECT COALESCE(sum(balance_change) FILTER (WHERE entry_type = ?), 0),
                       COALESCE(sum(balance_change) FILTER (WHERE entry_type = ?), 0),
                       COALESCE(sum(balance_change) FILTER (WHERE entry_type = ?), 0),
                       COALESCE(-sum(balance_change) FILTER (WHERE entry_type = ?), 0),
                       COALESCE(sum(balance_change) FILTER (WHERE entry_type = ?), 0),
                       COALESCE(-sum(balance_change) FILTER (WHERE entry_type IN (?, ?)), 0),
                       COALESCE(sum(usage_records), 0)
                  FROM ledger_entries WHERE account_id = ? AND recorded_at >= ? AND recorded_at < ?""",
                (rs, n) -> new Statement(accountId, period.toString(), currency.get(0), opening, rs.getBigDecimal(1), rs.getBigDecimal(2),
                        rs.getBigDecimal(3), rs.getBigDecimal(4), rs.getBigDecimal(5), rs.getBigDecimal(6), rs.getLong(7), balanceBefore(accountId, end), BigDecimal.ZERO),
                BalanceMovement.TOP_UP, BalanceMovement.RECHARGE, BalanceMovement.GRANT, EntriesProjection.USAGE, EntriesProjection.USAGE_REVERSED, BalanceMovement.GRANT_EXPIRED,
                BalanceMovement.GRANT_VOIDED, accountId, Timestamp.from(start),
                Timestamp.from(end)));
    }

    private BigDecimal balanceBefore(String accountId, Instant instant) {
        return jdbc.queryForList("""
                SELECT balance_after FROM ledger_entries WHERE account_id = ? AND recorded_at < ?
                 ORDER BY sequence DESC LIMIT 1""", BigDecimal.class, accountId, Timestamp.from(instant)).stream().findFirst()
                .orElse(BigDecimal.ZERO);
    }
}
