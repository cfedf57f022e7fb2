package dev.inference.ledger.service.recharge;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The default payment provider: no money moves, but it behaves as a real one does. It keeps its own
 * book in PostgreSQL (table {@code simulated_payments}), so the same idempotency key gets the first
 * answer even after the ledger crashed between asking and recording; it takes {@code delay} to answer;
 * it declines the cards of {@code declined-accounts}; and the first {@code failures-per-account}
 * payments of every account fail as if the processor were down, to exercise retries.
 */
@Component
@ConditionalOnProperty(name = "ledger.payments.provider", havingValue = "simulated", matchIfMissing = true)
public class SimulatedPaymentProvider implements PaymentProvider {

    private static final Logger log = LoggerFactory.getLogger(SimulatedPaymentProvider.class);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration delay;
    private final Set<String> declinedAccounts;
    private final int failuresPerAccount;

    public SimulatedPaymentProvider(JdbcTemplate jdbc, Clock clock,
                                    @Value("${ledger.payments.simulated.delay}") Duration delay,
                                    @Value("${ledger.payments.simulated.declined-accounts}") String declinedAccounts,
                                    @Value("${ledger.payments.simulated.failures-per-account}") int failuresPerAccount) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.delay = delay;
        this.declinedAccounts = Arrays.stream(declinedAccounts.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        this.failuresPerAccount = failuresPerAccount;
        log.info("payments: the simulated provider (no money moves): answers in {}, declines {}, fails the first {} per account",
                delay, this.declinedAccounts, failuresPerAccount);
    }

    @Override
    public Outcome pay(Request request) {
        Outcome known = find(request.idempotencyKey());
        if (known != null) {
            return known;
        }
        sleep();
        Outcome outcome;
        if (declinedAccounts.contains(request.accountId())) {
            outcome = new Outcome(false, null, "card-declined");
        } else if (paymentsOf(request.accountId()) < failuresPerAccount) {
            outcome = new Outcome(false, null, "processor-unavailable");
        } else {
            outcome = new Outcome(true, "sim_" + UUID.randomUUID(), null);
        }
        jdbc.update("""
                INSERT INTO simulated_payments (idempotency_key, account_id, amount, currency, succeeded, reference, reason, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                request.idempotencyKey(), request.accountId(), request.amount().amount(), request.amount().currency(),
                outcome.succeeded(), outcome.reference(), outcome.reason(), Timestamp.from(clock.instant()));
        // Two callers racing with one key: the first answer written is the answer.
        return find(request.idempotencyKey());
    }

    private Outcome find(String key) {
        List<Outcome> rows = jdbc.query("SELECT succeeded, reference, reason FROM simulated_payments WHERE idempotency_key = ?",
                (rs, n) -> new Outcome(rs.getBoolean(1), rs.getString(2), rs.getString(3)), key);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private int paymentsOf(String accountId) {
        Integer n = jdbc.queryForObject("SELECT count(*) FROM simulated_payments WHERE account_id = ?", Integer.class, accountId);
        return n == null ? 0 : n;
    }

    private void sleep() {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the payment provider", e);
        }
    }
}
