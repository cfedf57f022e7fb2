package dev.inference.ledger.service.recharge;

import java.sql.Timestamp;
import java.util.Optional;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.AutoRechargeConfigured;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.processing.AccountViews;

/** Each account's auto-recharge settings as last saved, for staff to read back. */
@Component
@ProcessingGroup(AccountViews.GROUP)
public class AutoRechargeSettings {

    public record Settings(String accountId, boolean enabled, Money threshold, Money amount) {
    }

    private final JdbcTemplate jdbc;

    public AutoRechargeSettings(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(AutoRechargeConfigured event) {
        jdbc.update("""
                INSERT INTO auto_recharge_settings (account_id, enabled, threshold, amount, currency, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (account_id) DO UPDATE SET enabled = excluded.enabled, threshold = excluded.threshold,
                    amount = excluded.amount, currency = excluded.currency, updated_at = excluded.updated_at
                 WHERE auto_recharge_settings.updated_at <= excluded.updated_at""",
                event.accountId(), event.enabled(), event.threshold().amount(), event.amount().amount(), event.amount().currency(),
                Timestamp.from(event.configuredAt()));
    }

    public Optional<Settings> find(String accountId) {
        return jdbc.query("SELECT enabled, threshold, amount, currency FROM auto_recharge_settings WHERE account_id = ?",
                (rs, n) -> new Settings(accountId, rs.getBoolean(1), new Money(rs.getBigDecimal(2), rs.getString(4)),
                        new Money(rs.getBigDecimal(3), rs.getString(4))), accountId).stream().findFirst();
    }
}
