package dev.inference.ledger.service.account.registry;

import java.sql.Timestamp;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;
import dev.inference.ledger.kernel.account.BillingMode;

/**
 * Which accounts exist. It runs in a subscribing processor, inside the transaction that opens the
 * account, so the ingest can refuse usage for an unknown account without waiting for projections.
 */
@Component
@ProcessingGroup(AccountRegistry.GROUP)
public class AccountRegistry {

    public static final String GROUP = "account-registry";

    private final JdbcTemplate jdbc;

    public AccountRegistry(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(AccountOpened event) {
        jdbc.update("INSERT INTO accounts (account_id, currency, opened_at, billing_mode) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                event.accountId(), event.currency(), Timestamp.from(event.openedAt()), event.billingMode().wire());
    }

    /**
     * Every postpaid account, as committed with its opening (no projection lag): what a monthly run invoices.
     */
    public List<String> postpaid() {
        return jdbc.queryForList("SELECT account_id FROM accounts WHERE billing_mode = ? ORDER BY account_id", String.class,
                BillingMode.POSTPAID.wire());
    }

    public boolean exists(String accountId) {
        return !existing(Set.of(accountId)).isEmpty();
    }

    /** The ones among {@code accountIds} that are open accounts. */
    public Set<String> existing(Collection<String> accountIds) {
        return new HashSet<>(jdbc.queryForList("SELECT account_id FROM accounts WHERE account_id = ANY (?)",
                String.class, (Object) accountIds.toArray(String[]::new)));
    }
}
