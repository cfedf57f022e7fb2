package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;

/**
 * The simulated provider books the payment but its answer is lost (the processor "down"): the worker
 * must ask again with the same idempotency key, and the money is taken once and credited once.
 */
class UnknownPaymentOutcomeEndToEndTest extends ServiceStory {

    @DynamicPropertySource
    static void payments(DynamicPropertyRegistry registry) {
        registry.add("ledger.payments.simulated.failures-per-account", () -> "1");
        registry.add("ledger.recharge.first-retry-after", () -> "1s");
        registry.add("ledger.recharge.poll-interval", () -> "200ms");
    }

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void a_recharge_whose_answer_was_lost_is_asked_again_with_the_same_key_and_paid_once() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-lost"), new BigDecimal("50.00"));

        var saved = api.put("/api/v1/accounts/acct-lost/auto-recharge", ADMIN,
                "{\"threshold\":\"90.00\",\"amount\":\"100.00\",\"enabled\":true}");
        assertThat(saved.status()).as(String.valueOf(saved.body())).isEqualTo(200);

        ledger.awaitBalance("acct-lost", new BigDecimal("150.00"), Duration.ofSeconds(30));
        assertThat(jdbc.queryForList("SELECT idempotency_key FROM simulated_payments WHERE account_id = 'acct-lost'", String.class))
                .containsExactly("acct-lost-recharge-1/attempt-1");
        assertThat(jdbc.queryForObject("SELECT answers_lost FROM simulated_payments WHERE account_id = 'acct-lost'", Integer.class))
                .isEqualTo(1);
        assertThat(ledger.paymentsTaken("acct-lost")).isEqualTo(1);
        assertThat(ledger.eventTypes("acct-lost")).contains("RechargeOutcomeUnknown").doesNotContain("RechargeAttemptFailed")
                .filteredOn("RechargeSucceeded"::equals).hasSize(1);
    }
}
