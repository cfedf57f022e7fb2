package dev.inference.ledger.invoicing;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.inference.ledger.invoicing.InvoiceCommand.IssueInvoice;
import dev.inference.ledger.invoicing.InvoiceCommand.PaymentAnswer;
import dev.inference.ledger.invoicing.InvoiceCommand.RecordPaymentOutcome;
import dev.inference.ledger.invoicing.InvoiceCommand.RetryPayment;
import dev.inference.ledger.invoicing.InvoiceCommand.VoidInvoice;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledLine;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceIssued;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceLine;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaid;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentAttemptFailed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentFailed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentRetried;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceVoided;
import dev.inference.ledger.kernel.money.Money;

class InvoiceTest {

    private static final Instant NOW = Instant.parse("2026-12-01T00:00:05Z");
    private static final Instant START = Instant.parse("2026-11-03T10:00:00Z");
    private static final Instant END = Instant.parse("2026-12-01T00:00:00Z");
    private static final String ID = "acct-42/monthly/2026-11";
    private static final String NUMBER = "INV-2026-000007";

    private AggregateTestFixture<Invoice> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Invoice.class);
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
        fixture.registerInjectableResource(new PaymentSchedule(3, Duration.ofMinutes(1)));
        fixture.registerInjectableResource(new NumberedFromOne());
    }

    /** The credit notes' series of one scenario, from its first number: each scenario records one credit note at most. */
    private static final class NumberedFromOne implements InvoiceBook {
        @Override
        public String nextNumber(String series, int year) {
            return series + "-" + year + "-000001";
        }

        @Override
        public BigDecimal carriedFor(String accountId) {
            return BigDecimal.ZERO;
        }

        @Override
        public void carry(String accountId, BigDecimal carriedOut) {
        }

        @Override
        public BigDecimal carriedNow(String accountId) {
            return BigDecimal.ZERO;
        }
    }

    private static UnbilledLine charge(String amount) {
        return new UnbilledLine("2026-11", "tokens", "deepseek-ai/DeepSeek-V3", "deepinfra", 1, "output", new BigDecimal("0.89"),
                "1M tokens", new BigDecimal("1000000"), new BigDecimal(amount), 4, START, START);
    }

    private static InvoiceIssued issued(String exact, String total, String carriedOut) {
        return new InvoiceIssued(ID, NUMBER, "acct-42", "monthly", "USD", START, END,
                List.of(new InvoiceLine("tokens", "deepseek-ai/DeepSeek-V3", "deepinfra", "output", "1M tokens", new BigDecimal("0.89"),
                        new BigDecimal("1000000"), new BigDecimal(exact), new BigDecimal(total), 4, START, START)),
                new BigDecimal(exact), BigDecimal.ZERO, new BigDecimal(total), new BigDecimal(carriedOut), NOW);
    }

    private static IssueInvoice issue(String amount) {
        return new IssueInvoice(ID, NUMBER, "acct-42", "monthly", "USD", START, END, List.of(charge(amount)), BigDecimal.ZERO);
    }

    @Test
    void an_invoice_is_issued_with_its_lines_rounded_and_the_remainder_carried() {
        fixture.givenNoPriorActivity()
                .when(issue("25.004999"))
                .expectEvents(issued("25.004999", "25.00", "0.004999"));
    }

    @Test
    void an_invoice_of_nothing_is_settled_at_once_without_a_payment() {
        fixture.givenNoPriorActivity()
                .when(issue("0.004"))
                .expectEvents(issued("0.004", "0.00", "0.004"),
                        new InvoicePaid(ID, NUMBER, "acct-42", Money.of("0", "USD"), InvoiceRules.NOTHING_DUE, NOW));
    }

    @Test
    void a_declined_payment_is_retried_with_backoff_and_fails_after_the_last_attempt() {
        fixture.given(issued("25", "25.00", "0"))
                .when(new RecordPaymentOutcome(ID, 1, 1, PaymentAnswer.DECLINED, null, "card-declined"))
                .expectEvents(new InvoicePaymentAttemptFailed(ID, NUMBER, "acct-42", 1, "card-declined", NOW.plusSeconds(60), NOW));
        fixture.given(issued("25", "25.00", "0"),
                        new InvoicePaymentAttemptFailed(ID, NUMBER, "acct-42", 1, "card-declined", NOW, NOW),
                        new InvoicePaymentAttemptFailed(ID, NUMBER, "acct-42", 2, "card-declined", NOW, NOW))
                .when(new RecordPaymentOutcome(ID, 1, 3, PaymentAnswer.UNKNOWN, null, "timeout"))
                .expectEvents(new InvoicePaymentFailed(ID, NUMBER, "acct-42", Money.of("25", "USD"), 3, "outcome-unknown: timeout", NOW));
    }

    @Test
    void an_answer_for_an_attempt_already_recorded_changes_nothing() {
        fixture.given(issued("25", "25.00", "0"), new InvoicePaymentAttemptFailed(ID, NUMBER, "acct-42", 1, "card-declined", NOW, NOW))
                .when(new RecordPaymentOutcome(ID, 1, 1, PaymentAnswer.SUCCEEDED, "pay-1", null))
                .expectNoEvents();
    }

    @Test
    void a_failed_invoice_asked_again_starts_a_new_round_and_a_paid_one_cannot_be() {
        fixture.given(issued("25", "25.00", "0"), new InvoicePaymentFailed(ID, NUMBER, "acct-42", Money.of("25", "USD"), 3, "declined", NOW))
                .when(new RetryPayment(ID, "staff"))
                .expectEvents(new InvoicePaymentRetried(ID, NUMBER, "acct-42", "staff", NOW));
        fixture.given(issued("25", "25.00", "0"), new InvoicePaymentFailed(ID, NUMBER, "acct-42", Money.of("25", "USD"), 3, "declined", NOW),
                        new InvoicePaymentRetried(ID, NUMBER, "acct-42", "staff", NOW))
                .when(new RecordPaymentOutcome(ID, 2, 1, PaymentAnswer.SUCCEEDED, "pay-9", null))
                .expectEvents(new InvoicePaid(ID, NUMBER, "acct-42", Money.of("25", "USD"), "pay-9", NOW));
        fixture.given(issued("25", "25.00", "0"), new InvoicePaid(ID, NUMBER, "acct-42", Money.of("25", "USD"), "pay-1", NOW))
                .when(new RetryPayment(ID, "staff"))
                .expectException(InvoiceRuleViolation.class);
    }

    @Test
    void an_unpaid_invoice_is_voided_by_a_credit_note_and_a_paid_one_is_not() {
        fixture.given(issued("25", "25.00", "0"), new InvoicePaymentFailed(ID, NUMBER, "acct-42", Money.of("25", "USD"), 3, "declined", NOW))
                .when(new VoidInvoice(ID, "CN-2026-000001", "billing error"))
                .expectEvents(new InvoiceVoided(ID, NUMBER, "acct-42", "CN-2026-000001", Money.of("25", "USD"), "billing error", NOW));
        fixture.given(issued("25", "25.00", "0"), new InvoicePaid(ID, NUMBER, "acct-42", Money.of("25", "USD"), "pay-1", NOW))
                .when(new VoidInvoice(ID, "CN-2026-000001", "billing error"))
                .expectException(InvoiceRuleViolation.class);
    }

    @Test
    void money_taken_for_a_voided_invoice_is_still_recorded() {
        fixture.given(issued("25", "25.00", "0"), new InvoiceVoided(ID, NUMBER, "acct-42", "CN-2026-000001", Money.of("25", "USD"), "x", NOW))
                .when(new RecordPaymentOutcome(ID, 1, 1, PaymentAnswer.SUCCEEDED, "pay-1", null))
                .expectEvents(new InvoicePaid(ID, NUMBER, "acct-42", Money.of("25", "USD"), "pay-1", NOW));
        fixture.given(issued("25", "25.00", "0"), new InvoiceVoided(ID, NUMBER, "acct-42", "CN-2026-000001", Money.of("25", "USD"), "x", NOW))
                .when(new RecordPaymentOutcome(ID, 1, 1, PaymentAnswer.DECLINED, null, "declined"))
                .expectNoEvents();
    }

    private static InvoiceCommand.CreditInvoice credit(String key, String amount, String settlement) {
        return new InvoiceCommand.CreditInvoice(ID, key, Money.of(amount, "USD"), settlement, "billed twice", null, false);
    }

    private static dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceCredited credited(String key, String amount, String total,
                                                                                           String settlement) {
        return new dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceCredited(ID, NUMBER, "acct-42", key, "CN-2026-000001",
                Money.of(amount, "USD"), Money.of(total, "USD"), settlement, "billed twice", null, NOW);
    }

    @Test
    void an_unpaid_invoice_credited_in_part_asks_for_less_and_credited_in_full_asks_for_nothing() {
        fixture.given(issued("0.890000000000", "0.89", "0"))
                .when(credit("k", "0.30", null))
                .expectEvents(credited("k", "0.30", "0.30", "due"));
        fixture.given(issued("0.890000000000", "0.89", "0"), credited("k", "0.30", "0.30", "due"))
                .when(credit("kk", "0.59", null))
                .expectEvents(credited("kk", "0.59", "0.89", "due"),
                        new InvoicePaid(ID, NUMBER, "acct-42", Money.of("0.00", "USD"), InvoiceRules.NOTHING_DUE, NOW));
        // The card is then charged what is left: 0.59
        fixture.given(issued("0.890000000000", "0.89", "0"), credited("k", "0.30", "0.30", "due"))
                .when(new RecordPaymentOutcome(ID, 1, 1, PaymentAnswer.SUCCEEDED, "pay-1", null))
                .expectEvents(new InvoicePaid(ID, NUMBER, "acct-42", Money.of("0.59", "USD"), "pay-1", NOW));
    }

    @Test
    void a_paid_invoice_credited_is_refunded_or_credited_once_and_never_beyond_its_total() {
        InvoicePaid paid = new InvoicePaid(ID, NUMBER, "acct-42", Money.of("0.89", "USD"), "pay-1", NOW);
        fixture.given(issued("0.890000000000", "0.89", "0"), paid)
                .when(credit("k", "0.89", "refund"))
                .expectEvents(credited("k", "0.89", "0.89", "refund"));
        fixture.given(issued("0.890000000000", "0.89", "0"), paid)
                .when(credit("k", "0.10", null))
                .expectEvents(credited("k", "0.10", "0.10", "credit"));
        fixture.given(issued("0.890000000000", "0.89", "0"), paid, credited("k", "0.89", "0.89", "refund"))
                .when(credit("k", "0.89", "refund"))
                .expectNoEvents();
        fixture.given(issued("0.890000000000", "0.89", "0"), paid, credited("k", "0.50", "0.50", "credit"))
                .when(credit("kk", "0.40", "credit"))
                .expectException(InvoiceRuleViolation.class)
                .expectNoEvents();
        fixture.given(issued("0.890000000000", "0.89", "0"), paid)
                .when(credit("k", "0.001", "refund"))
                .expectException(InvoiceRuleViolation.class);
        fixture.given(issued("0.890000000000", "0.89", "0"))
                .when(credit("k", "0.10", "refund"))
                .expectException(InvoiceRuleViolation.class);
    }

    @Test
    void a_refund_is_recorded_once_whatever_the_provider_answers_after() {
        InvoicePaid paid = new InvoicePaid(ID, NUMBER, "acct-42", Money.of("0.89", "USD"), "pay-1", NOW);
        var refunded = new dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceRefunded(ID, NUMBER, "acct-42", "CN-2026-000001",
                Money.of("0.89", "USD"), "re-1", NOW);
        var answer = new InvoiceCommand.RecordRefundOutcome(ID, "CN-2026-000001", Money.of("0.89", "USD"), PaymentAnswer.SUCCEEDED, "re-1", null);
        fixture.given(issued("0.890000000000", "0.89", "0"), paid, credited("k", "0.89", "0.89", "refund"))
                .when(new InvoiceCommand.RecordRefundOutcome(ID, "CN-2026-000001", Money.of("0.89", "USD"), PaymentAnswer.UNKNOWN, null, "timeout"))
                .expectNoEvents();
        fixture.given(issued("0.890000000000", "0.89", "0"), paid, credited("k", "0.89", "0.89", "refund"))
                .when(answer)
                .expectEvents(refunded);
        fixture.given(issued("0.890000000000", "0.89", "0"), paid, credited("k", "0.89", "0.89", "refund"), refunded)
                .when(answer)
                .expectNoEvents();
    }

    @Test
    void a_process_credit_takes_what_is_left_and_nothing_from_a_voided_invoice() {
        var upTo = new InvoiceCommand.CreditInvoice(ID, "reversal:u-1", Money.of("0.95", "USD"), null, "reversed", "u-1", true);
        fixture.given(issued("0.890000000000", "0.89", "0"), new InvoiceVoided(ID, NUMBER, "acct-42", "CN-2026-000001", Money.of("0.89", "USD"),
                        "voided", NOW))
                .when(upTo)
                .expectNoEvents();
        fixture.given(issued("0.890000000000", "0.89", "0"), credited("k", "0.50", "0.50", "due"))
                .when(upTo)
                .expectEvents(new dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceCredited(ID, NUMBER, "acct-42", "reversal:u-1",
                                "CN-2026-000001", Money.of("0.39", "USD"), Money.of("0.89", "USD"), "due", "reversed", "u-1", NOW),
                        new InvoicePaid(ID, NUMBER, "acct-42", Money.of("0.00", "USD"), InvoiceRules.NOTHING_DUE, NOW));
    }

    @Test
    void money_taken_beyond_what_a_credit_note_left_due_is_credited_back_once() {
        // 0.30 credited while an attempt asked for 0.89: the provider took 0.89; 0.59 was due, 0.30 is owed back.
        fixture.given(issued("0.890000000000", "0.89", "0"), credited("k", "0.30", "0.30", "due"))
                .when(new RecordPaymentOutcome(ID, 1, 1, PaymentAnswer.SUCCEEDED, "pay-1", null, new BigDecimal("0.89")))
                .expectEvents(new InvoicePaid(ID, NUMBER, "acct-42", Money.of("0.59", "USD"), "pay-1", NOW),
                        new dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceOverpaid(ID, NUMBER, "acct-42", Money.of("0.30", "USD"),
                                "pay-1", NOW));
        // Credited in full while the attempt was in flight: all it took is owed back, once.
        var overpaid = new dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceOverpaid(ID, NUMBER, "acct-42", Money.of("0.89", "USD"),
                "pay-1", NOW);
        fixture.given(issued("0.890000000000", "0.89", "0"), credited("k", "0.89", "0.89", "due"),
                        new InvoicePaid(ID, NUMBER, "acct-42", Money.of("0.00", "USD"), InvoiceRules.NOTHING_DUE, NOW))
                .when(new RecordPaymentOutcome(ID, 1, 1, PaymentAnswer.SUCCEEDED, "pay-1", null, new BigDecimal("0.89")))
                .expectEvents(overpaid);
        fixture.given(issued("0.890000000000", "0.89", "0"), credited("k", "0.89", "0.89", "due"),
                        new InvoicePaid(ID, NUMBER, "acct-42", Money.of("0.00", "USD"), InvoiceRules.NOTHING_DUE, NOW), overpaid)
                .when(new RecordPaymentOutcome(ID, 1, 1, PaymentAnswer.SUCCEEDED, "pay-1", null, new BigDecimal("0.89")))
                .expectNoEvents();
    }

    @Test
    void a_partly_credited_invoice_is_voided_for_what_is_left() {
        fixture.given(issued("0.890000000000", "0.89", "0"), credited("k", "0.30", "0.30", "due"))
                .when(new VoidInvoice(ID, "CN-2026-000002", "cancelled"))
                .expectEvents(new InvoiceVoided(ID, NUMBER, "acct-42", "CN-2026-000002", Money.of("0.59", "USD"), "cancelled", NOW));
    }
}
