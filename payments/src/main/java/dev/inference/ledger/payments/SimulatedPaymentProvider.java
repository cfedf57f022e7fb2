package dev.inference.ledger.payments;

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
 * it declines the cards of {@code declined-accounts} and every card whose id says {@code declined}
 * (as a provider's test cards do); and the first {@code failures-per-account}
 * answers to every account are lost as if the processor were down (the payment itself booked): an
 * unknown outcome, to exercise asking again with the same key.
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
        log.info("payments: the simulated provider (no money moves): answers in {}, declines {}, loses the first {} answers per account",
                delay, this.declinedAccounts, failuresPerAccount);
    }

    @Override
    public Outcome pay(Request request) {
        Outcome booked = find(request.idempotencyKey());
        if (booked == null) {
            sleep();
            boolean declined = declinedAccounts.contains(request.accountId())
                    || request.paymentMethodId() != null && request.paymentMethodId().contains("declined");
            Outcome outcome = declined ? Outcome.declined("card-declined")
                    : Outcome.succeeded("sim_" + UUID.randomUUID());
            jdbc.update("""
                    INSERT INTO simulated_payments (idempotency_key, account_id, amount, currency, succeeded, reference, reason, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                    request.idempotencyKey(), request.accountId(), request.amount().amount(), request.amount().currency(),
                    outcome.answer() == Answer.SUCCEEDED, outcome.reference(), outcome.reason(), Timestamp.from(clock.instant()));
            // Two callers racing with one key: the first answer written is the answer.
            booked = find(request.idempotencyKey());
        }
        // The processor "down": the answer is lost on its way back, though the payment is booked (the
        // money taken), as after a real timeout. Asked again with the same key, the book answers.
        if (answersLost(request.accountId()) < failuresPerAccount) {
            jdbc.update("UPDATE simulated_payments SET answers_lost = answers_lost + 1 WHERE idempotency_key = ?", request.idempotencyKey());
            return Outcome.unknown("processor-unavailable");
        }
        return booked;
    }

    /**
     * Refunds are booked in the same table, as negative amounts: the same key answers as it first did. A refund of no payment
     * this provider made (an unknown reference) is declined, as a real provider would.
     */
    @Override
    public Outcome refund(Refund refund) {
        Outcome booked = find(refund.idempotencyKey());
        if (booked != null) {
            return booked;
        }
        sleep();
        Integer paid = jdbc.queryForObject("SELECT count(*) FROM simulated_payments WHERE reference = ? AND succeeded AND amount > 0",
                Integer.class, refund.paymentReference());
        Outcome outcome = paid == null || paid == 0 ? Outcome.declined("no-such-payment") : Outcome.succeeded("sim_refund_" + UUID.randomUUID());
        jdbc.update("""
                INSERT INTO simulated_payments (idempotency_key, account_id, amount, currency, succeeded, reference, reason, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                refund.idempotencyKey(), refund.accountId(), refund.amount().amount().negate(), refund.amount().currency(),
                outcome.answer() == Answer.SUCCEEDED, outcome.reference(), outcome.reason(), Timestamp.from(clock.instant()));
        return find(refund.idempotencyKey());
    }

    private Outcome find(String key) {
        List<Outcome> rows = jdbc.query("SELECT succeeded, reference, reason, amount FROM simulated_payments WHERE idempotency_key = ?",
                (rs, n) -> rs.getBoolean(1) ? Outcome.succeeded(rs.getString(2), rs.getBigDecimal(4).abs()) : Outcome.declined(rs.getString(3)),
                key);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private int answersLost(String accountId) {
        Integer n = jdbc.queryForObject("SELECT coalesce(sum(answers_lost), 0) FROM simulated_payments WHERE account_id = ?",
                Integer.class, accountId);
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
