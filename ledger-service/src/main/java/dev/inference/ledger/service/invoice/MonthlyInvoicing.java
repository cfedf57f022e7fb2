package dev.inference.ledger.service.invoice;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.invoicing.InvoiceIssuer;
import dev.inference.ledger.service.config.OwnUnitOfWork;
import dev.inference.ledger.service.account.registry.AccountRegistry;
import dev.inference.ledger.service.runtime.PeriodicWorker;

/**
 * The monthly run: once the clock has passed the start of a month (UTC), every postpaid account is
 * invoiced for what occurred before it. Durable and once across instances: the run of a period is a row
 * in {@code billing_runs}, claimed for a lease by one instance and marked complete at the end; a run cut
 * short (a crash) is taken up again when its lease ends, and each account's invoice has a stable id that
 * the account closes once, so a repeated run issues nothing twice. The clock is the service's, which
 * tests move.
 */
@Component
@ConditionalOnProperty(name = "ledger.roles.invoicing", havingValue = "true", matchIfMissing = true)
public class MonthlyInvoicing extends PeriodicWorker {

    private static final Logger log = LoggerFactory.getLogger(MonthlyInvoicing.class);
    private static final int ATTEMPTS = 5;
    private static final int RENEW_EVERY = 20;

    private final JdbcTemplate jdbc;
    private final TransactionManager transactions;
    private final InvoiceIssuer issuer;
    private final AccountRegistry registry;
    private final Clock clock;
    private final Duration lease;
    private final String instance = "instance-" + UUID.randomUUID();

    public MonthlyInvoicing(JdbcTemplate jdbc, TransactionManager transactions, InvoiceIssuer issuer, AccountRegistry registry,
                            Clock clock,
                            @Value("${ledger.invoicing.poll-interval}") Duration pollInterval,
                            @Value("${ledger.invoicing.run-lease}") Duration lease) {
        super("monthly-invoicing", pollInterval);
        this.jdbc = jdbc;
        this.lease = lease;
        this.transactions = transactions;
        this.issuer = issuer;
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    protected void runOnce() {
        invoiceEndedMonth();
    }

    /** Runs the period that ended at the start of this month, if no instance has completed it; returns invoices issued. */
    public int invoiceEndedMonth() {
        Instant now = clock.instant();
        YearMonth period = YearMonth.from(now.atOffset(ZoneOffset.UTC)).minusMonths(1);
        Instant periodEnd = period.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        int claimed = jdbc.update("""
                INSERT INTO billing_runs (period, claimed_by, claimed_until) VALUES (?, ?, ?)
                ON CONFLICT (period) DO UPDATE SET claimed_by = excluded.claimed_by, claimed_until = excluded.claimed_until
                 WHERE billing_runs.completed_at IS NULL AND billing_runs.claimed_until < ?""",
                period.toString(), instance, Timestamp.from(now.plus(lease)), Timestamp.from(now));
        if (claimed == 0) {
            return 0;
        }
        List<String> accounts = registry.postpaid();
        int issued = 0;
        for (int i = 0; i < accounts.size(); i++) {
            if (i % RENEW_EVERY == RENEW_EVERY - 1 && !renew(period)) {
                log.warn("monthly invoicing of {}: the lease went to another instance after {} accounts; it carries on", period, i);
                return issued;
            }
            issued += issue(accounts.get(i), periodEnd) ? 1 : 0;
        }
        jdbc.update("UPDATE billing_runs SET completed_at = ?, accounts = ?, invoices = ? WHERE period = ? AND claimed_by = ?",
                Timestamp.from(clock.instant()), accounts.size(), issued, period.toString(), instance);
        log.info("monthly invoicing of {}: {} postpaid accounts, {} invoices issued", period, accounts.size(), issued);
        return issued;
    }

    /** Holds the run for another lease; false when this instance lost it (it was too slow, another took over). */
    private boolean renew(YearMonth period) {
        return jdbc.update("UPDATE billing_runs SET claimed_until = ? WHERE period = ? AND claimed_by = ? AND completed_at IS NULL",
                Timestamp.from(clock.instant().plus(lease)), period.toString(), instance) == 1;
    }

    private boolean issue(String accountId, Instant periodEnd) {
        for (int attempt = 1; ; attempt++) {
            try {
                return OwnUnitOfWork.call(transactions, () -> issuer.monthly(accountId, periodEnd)).isPresent();
            } catch (ConcurrencyException e) {
                // The account was charged elsewhere at that moment: ask it again as it now is.
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

}
