package dev.inference.ledger.invoicing.process;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.invoicing.InvoiceIssuer;
import dev.inference.ledger.processing.OwnUnitOfWork;
import dev.inference.ledger.invoicing.AccountBilling;

/**
 * The monthly run: once the clock has passed the start of a month (UTC), every postpaid account is
 * invoiced for what occurred before it. {@link MonthlyRunSchedule} asks for it on one instance at a time and hands a
 * run cut short (a crash) to another; each account's invoice has a stable id that the account closes once, so a run
 * taken up again issues nothing twice. A completed month is a row in {@code billing_runs}. The clock is the
 * service's, which tests move.
 */
@Component
@ConditionalOnProperty(name = "ledger.roles.invoicing", havingValue = "true", matchIfMissing = true)
public class MonthlyInvoicing {

    private static final Logger log = LoggerFactory.getLogger(MonthlyInvoicing.class);
    private static final int ATTEMPTS = 5;

    private final JdbcTemplate jdbc;
    private final TransactionManager transactions;
    private final InvoiceIssuer issuer;
    private final AccountBilling billing;
    private final Clock clock;

    public MonthlyInvoicing(JdbcTemplate jdbc, TransactionManager transactions, InvoiceIssuer issuer, AccountBilling billing,
                            Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.issuer = issuer;
        this.billing = billing;
        this.clock = clock;
    }

    /** Runs the period that ended at the start of this month, unless it was completed; returns the invoices issued. */
    public int invoiceEndedMonth() {
        Instant now = clock.instant();
        YearMonth period = YearMonth.from(now.atOffset(ZoneOffset.UTC)).minusMonths(1);
        Instant periodEnd = period.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        if (jdbc.queryForObject("SELECT count(*) FROM billing_runs WHERE period = ?", Integer.class, period.toString()) > 0) {
            return 0;
        }
        List<String> accounts = billing.postpaidAccounts();
        int issued = 0;
        for (String account : accounts) {
            issued += issue(account, periodEnd) ? 1 : 0;
        }
        jdbc.update("INSERT INTO billing_runs (period, accounts, invoices, completed_at) VALUES (?, ?, ?, ?) ON CONFLICT (period) DO NOTHING",
                period.toString(), accounts.size(), issued, Timestamp.from(clock.instant()));
        log.info("monthly invoicing of {}: {} postpaid accounts, {} invoices issued", period, accounts.size(), issued);
        return issued;
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
