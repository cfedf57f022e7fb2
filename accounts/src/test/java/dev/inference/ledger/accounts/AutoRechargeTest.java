package dev.inference.ledger.accounts;

import static dev.inference.ledger.accounts.AccountEvents.ID;
import static dev.inference.ledger.accounts.AccountEvents.NOW;
import static dev.inference.ledger.accounts.AccountEvents.batch;
import static dev.inference.ledger.accounts.AccountEvents.charged;
import static dev.inference.ledger.accounts.AccountEvents.credited;
import static dev.inference.ledger.accounts.AccountEvents.opened;
import static dev.inference.ledger.accounts.AccountEvents.paidBy;
import static dev.inference.ledger.accounts.AccountEvents.record;
import static dev.inference.ledger.accounts.AccountEvents.usage;
import static dev.inference.ledger.accounts.AccountEvents.usd;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.account.AccountEvent.AccountReinstated;
import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.AutoRechargeConfigured;
import dev.inference.ledger.kernel.account.AccountEvent.AutoRechargeLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.BalanceExhausted;
import dev.inference.ledger.kernel.account.AccountEvent.BalanceLow;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeAttemptFailed;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeFailed;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeRequested;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeSucceeded;
import dev.inference.ledger.kernel.account.AccountEvent.TierPromoted;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.BillingMode;
import static dev.inference.ledger.accounts.AccountCommand.PaymentAnswer.DECLINED;
import static dev.inference.ledger.accounts.AccountCommand.PaymentAnswer.SUCCEEDED;
import static dev.inference.ledger.accounts.AccountCommand.PaymentAnswer.UNKNOWN;

import dev.inference.ledger.kernel.account.AccountEvent.RechargeOutcomeUnknown;
import dev.inference.ledger.accounts.AccountCommand.ChargeUsage;
import dev.inference.ledger.accounts.AccountCommand.ConfigureAutoRecharge;
import dev.inference.ledger.accounts.AccountCommand.RecordRechargeOutcome;
import dev.inference.ledger.accounts.AccountCommand.TopUp;

/** Auto-recharge, the low-balance warning and suspension, given-when-then. Threshold 20, amount 100, three attempts. */
class AutoRechargeTest {

    private static final String FIRST = ID + "-recharge-1";
    private static final AutoRechargeConfigured ENABLED = new AutoRechargeConfigured(ID, true, usd("20"), usd("100"), NOW);

    private AggregateTestFixture<Account> fixture;

    @BeforeEach
    void setUp() {
        fixture = fixture(new RechargePolicy(3, Duration.ofSeconds(30)));
    }

    private static AggregateTestFixture<Account> fixture(RechargePolicy policy) {
        return AccountEvents.fixture(NOW, policy, UsageReview.defaults());
    }

    /** Recharged once today for 100, spent to 15, warned, and the daily limit already told. */
    private static Object[] limitToldToday() {
        return new Object[] {opened(BillingMode.PREPAID), credited("t-1", "50", "50"), ENABLED,
                new RechargeRequested(ID, FIRST, usd("100"), usd("15"), NOW),
                new RechargeSucceeded(ID, FIRST, usd("100"), "pay_1", usd("115"), NOW),
                charged("u-1", "100", BillingMode.PREPAID, "15", "0", "100"), new TierPromoted(ID, 1, 2, usd("100"), usd("100"), NOW),
                new BalanceLow(ID, usd("15"), usd("20"), NOW, 0),
                new AutoRechargeLimitReached(ID, "2026-11-22", 1, usd("100"), usd("15"), NOW)};
    }

    @Test
    void a_charge_taking_the_balance_below_the_threshold_warns_and_requests_one_recharge() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "50", "50"), ENABLED)
                .when(new ChargeUsage(ID, List.of(usage("u-1", "35"))))
                .expectEvents(paidBy(charged("u-1", "35", BillingMode.PREPAID, "15", "0", "35"), "top-up:t-1", "35"),
                        new BalanceLow(ID, usd("15"), usd("20"), NOW, 0),
                        new RechargeRequested(ID, FIRST, usd("100"), usd("15"), NOW, 0));
    }

    @Test
    void settings_whose_refill_cannot_lift_a_spent_balance_above_the_threshold_are_refused() {
        fixture.given(opened(BillingMode.PREPAID))
                .when(new ConfigureAutoRecharge(ID, true, usd("1000"), usd("10")))
                .expectException(AccountRuleViolation.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("amount must be more than threshold"))
                .expectNoEvents();
        fixture.given(opened(BillingMode.PREPAID))
                .when(new ConfigureAutoRecharge(ID, true, usd("100"), usd("100")))
                .expectException(AccountRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void a_recharge_due_past_the_daily_limit_is_not_asked_the_limit_is_told_once_and_the_spent_account_suspended() {
        AggregateTestFixture<Account> limited = fixture(new RechargePolicy(3, Duration.ofSeconds(30), 2, new java.math.BigDecimal("10000")));
        limited.given(opened(BillingMode.PREPAID), credited("t-1", "50", "50"), ENABLED,
                        new RechargeRequested(ID, FIRST, usd("100"), usd("15"), NOW),
                        new RechargeSucceeded(ID, FIRST, usd("100"), "pay_1", usd("115"), NOW),
                        new RechargeRequested(ID, ID + "-recharge-2", usd("100"), usd("10"), NOW),
                        new RechargeSucceeded(ID, ID + "-recharge-2", usd("100"), "pay_2", usd("110"), NOW))
                .when(new ChargeUsage(ID, List.of(usage("u-1", "115"))))
                .expectEvents(paidBy(charged("u-1", "115", BillingMode.PREPAID, "-5", "0", "115"), "top-up:t-1", "50", "recharge:" + FIRST, "65"),
                        new TierPromoted(ID, 1, 2, usd("100"), usd("110"), NOW, 0),
                        new BalanceLow(ID, usd("-5"), usd("20"), NOW, 0),
                        new AutoRechargeLimitReached(ID, "2026-11-22", 2, usd("200"), usd("-5"), NOW),
                        new BalanceExhausted(ID, usd("-5"), NOW, 0),
                        new AccountSuspended(ID, "balance-exhausted", usd("-5"), NOW, 0));
    }

    @Test
    void a_recharge_that_would_pass_the_days_amount_is_not_asked_and_the_limit_is_told_once_a_day() {
        AggregateTestFixture<Account> limited = fixture(new RechargePolicy(3, Duration.ofSeconds(30), 10, new java.math.BigDecimal("150")));
        limited.given(limitToldToday())
                .when(new ChargeUsage(ID, List.of(usage("u-2", "1"))))
                .expectEvents(paidBy(charged("u-2", "1", BillingMode.PREPAID, "14", "0", "101"), "recharge:" + FIRST, "1"));
    }

    @Test
    void the_next_day_a_recharge_is_asked_again() {
        java.time.Instant tomorrow = NOW.plus(Duration.ofDays(1));
        AggregateTestFixture<Account> nextDay = AccountEvents.fixture(tomorrow, new RechargePolicy(3, Duration.ofSeconds(30), 1,
                new java.math.BigDecimal("10000")), UsageReview.defaults());
        nextDay.given(limitToldToday())
                .when(new ChargeUsage(ID, List.of(usage("u-2", "1"))))
                .expectEvents(paidBy(new UsageBatchCharged(ID, BillingMode.PREPAID, "USD", List.of(AccountEvents.PRICE), List.of(record("u-2", "1")),
                                usd("15").amount(), usd("14").amount(), usd("0").amount(), usd("101").amount(), tomorrow), "recharge:" + FIRST, "1"),
                        new RechargeRequested(ID, ID + "-recharge-2", usd("100"), usd("14"), tomorrow, 0));
    }

    @Test
    void no_second_recharge_is_requested_while_one_is_in_flight() {
        fixture.given(inFlightAt15())
                .when(new ChargeUsage(ID, List.of(usage("u-2", "5"), usage("u-3", "1"))))
                .expectEvents(paidBy(batch(BillingMode.PREPAID, "15", "9", "0", "41", record("u-2", "5"), record("u-3", "1")), "top-up:t-1", "6"));
    }

    @Test
    void a_balance_spent_while_a_recharge_is_in_flight_is_exhausted_but_the_account_is_not_suspended() {
        fixture.given(inFlightAt15())
                .when(new ChargeUsage(ID, List.of(usage("u-2", "20"))))
                .expectEvents(paidBy(charged("u-2", "20", BillingMode.PREPAID, "-5", "0", "55"), "top-up:t-1", "15"), new BalanceExhausted(ID, usd("-5"), NOW, 0));
    }

    @Test
    void a_recharge_that_succeeds_is_credited_once_however_often_its_answer_arrives() {
        fixture.given(inFlightAt15())
                .when(new RecordRechargeOutcome(ID, FIRST, 1, 0, SUCCEEDED, "pay_1", null))
                .expectEvents(new RechargeSucceeded(ID, FIRST, usd("100"), "pay_1", usd("115"), NOW));
        fixture.given(inFlightAt15(new RechargeSucceeded(ID, FIRST, usd("100"), "pay_1", usd("115"), NOW)))
                .when(new RecordRechargeOutcome(ID, FIRST, 1, 0, SUCCEEDED, "pay_1", null))
                .expectNoEvents();
    }

    @Test
    void after_a_recharge_the_next_fall_below_the_threshold_warns_and_recharges_again() {
        fixture.given(inFlightAt15(new RechargeSucceeded(ID, FIRST, usd("100"), "pay_1", usd("115"), NOW)))
                .when(new ChargeUsage(ID, List.of(usage("u-2", "100"))))
                .expectEvents(paidBy(charged("u-2", "100", BillingMode.PREPAID, "15", "0", "135"), "top-up:t-1", "15", "recharge:" + FIRST, "85"),
                        new TierPromoted(ID, 1, 2, usd("100"), usd("135"), NOW, 0),
                        new BalanceLow(ID, usd("15"), usd("20"), NOW, 0),
                        new RechargeRequested(ID, ID + "-recharge-2", usd("100"), usd("15"), NOW, 0));
    }

    @Test
    void a_failed_attempt_is_retried_later_each_time_and_the_last_failure_is_final() {
        fixture.given(inFlightAt15())
                .when(new RecordRechargeOutcome(ID, FIRST, 1, 0, DECLINED, null, "card-declined"))
                .expectEvents(new RechargeAttemptFailed(ID, FIRST, 1, "card-declined", NOW.plusSeconds(30), NOW));
        fixture.given(inFlightAt15(new RechargeAttemptFailed(ID, FIRST, 1, "card-declined", NOW.plusSeconds(30), NOW)))
                .when(new RecordRechargeOutcome(ID, FIRST, 2, 0, DECLINED, null, "card-declined"))
                .expectEvents(new RechargeAttemptFailed(ID, FIRST, 2, "card-declined", NOW.plusSeconds(60), NOW));
        fixture.given(inFlightAt15(new RechargeAttemptFailed(ID, FIRST, 1, "card-declined", NOW.plusSeconds(30), NOW),
                        new RechargeAttemptFailed(ID, FIRST, 2, "card-declined", NOW.plusSeconds(60), NOW)))
                .when(new RecordRechargeOutcome(ID, FIRST, 3, 0, DECLINED, null, "card-declined"))
                .expectEvents(new RechargeFailed(ID, FIRST, 3, "card-declined", usd("15"), NOW));
    }

    private static final RechargeOutcomeUnknown UNANSWERED_ONCE = new RechargeOutcomeUnknown(ID, FIRST, 1, 1, "processor-unavailable",
            NOW.plusSeconds(30), NOW);

    @Test
    void an_unknown_outcome_asks_the_same_attempt_again_later_and_its_answer_then_counts() {
        fixture.given(inFlightAt15())
                .when(new RecordRechargeOutcome(ID, FIRST, 1, 0, UNKNOWN, null, "processor-unavailable"))
                .expectEvents(UNANSWERED_ONCE);
        fixture.given(inFlightAt15(UNANSWERED_ONCE))
                .when(new RecordRechargeOutcome(ID, FIRST, 1, 1, SUCCEEDED, "pay_1", null))
                .expectEvents(new RechargeSucceeded(ID, FIRST, usd("100"), "pay_1", usd("115"), NOW));
    }

    @Test
    void an_unknown_outcome_recorded_twice_changes_nothing() {
        fixture.given(inFlightAt15(UNANSWERED_ONCE))
                .when(new RecordRechargeOutcome(ID, FIRST, 1, 0, UNKNOWN, null, "processor-unavailable"))
                .expectNoEvents();
    }

    @Test
    void unknown_outcomes_are_asked_again_a_bounded_number_of_times_then_the_recharge_fails_without_a_new_attempt() {
        fixture.given(inFlightAt15(UNANSWERED_ONCE))
                .when(new RecordRechargeOutcome(ID, FIRST, 1, 1, UNKNOWN, null, "processor-unavailable"))
                .expectEvents(new RechargeOutcomeUnknown(ID, FIRST, 1, 2, "processor-unavailable", NOW.plusSeconds(60), NOW));
        fixture.given(inFlightAt15(UNANSWERED_ONCE,
                        new RechargeOutcomeUnknown(ID, FIRST, 1, 2, "processor-unavailable", NOW.plusSeconds(60), NOW)))
                .when(new RecordRechargeOutcome(ID, FIRST, 1, 2, UNKNOWN, null, "processor-unavailable"))
                .expectEvents(new RechargeFailed(ID, FIRST, 1, "outcome-unknown: processor-unavailable", usd("15"), NOW));
    }

    @Test
    void only_a_definite_decline_moves_on_to_a_new_attempt_with_its_own_asks() {
        RechargeAttemptFailed declined = new RechargeAttemptFailed(ID, FIRST, 1, "card-declined", NOW.plusSeconds(30), NOW);
        fixture.given(inFlightAt15(UNANSWERED_ONCE))
                .when(new RecordRechargeOutcome(ID, FIRST, 1, 1, DECLINED, null, "card-declined"))
                .expectEvents(declined);
        fixture.given(inFlightAt15(UNANSWERED_ONCE, declined))
                .when(new RecordRechargeOutcome(ID, FIRST, 2, 0, UNKNOWN, null, "processor-unavailable"))
                .expectEvents(new RechargeOutcomeUnknown(ID, FIRST, 2, 1, "processor-unavailable", NOW.plusSeconds(30), NOW));
    }

    @Test
    void a_recharge_failing_for_good_on_a_spent_balance_suspends_the_account() {
        fixture.given(spentWithRechargeInFlight())
                .when(new RecordRechargeOutcome(ID, FIRST, 1, 0, DECLINED, null, "card-declined"))
                .expectEvents(new RechargeAttemptFailed(ID, FIRST, 1, "card-declined", NOW.plusSeconds(30), NOW));
        AggregateTestFixture<Account> oneAttempt = fixture(new RechargePolicy(1, Duration.ofSeconds(30)));
        oneAttempt.given(spentWithRechargeInFlight())
                .when(new RecordRechargeOutcome(ID, FIRST, 1, 0, DECLINED, null, "card-declined"))
                .expectEvents(new RechargeFailed(ID, FIRST, 1, "card-declined", usd("-5"), NOW),
                        new AccountSuspended(ID, "balance-exhausted", usd("-5"), NOW));
    }

    @Test
    void after_a_failed_recharge_auto_recharge_rests_until_the_account_is_topped_up() {
        List<Object> failed = List.of(opened(BillingMode.PREPAID), credited("t-1", "50", "50"), ENABLED,
                charged("u-1", "35", BillingMode.PREPAID, "15", "0", "35"), new BalanceLow(ID, usd("15"), usd("20"), NOW),
                new RechargeRequested(ID, FIRST, usd("100"), usd("15"), NOW),
                new RechargeFailed(ID, FIRST, 3, "card-declined", usd("15"), NOW));
        fixture.given(failed)
                .when(new ChargeUsage(ID, List.of(usage("u-2", "1"))))
                .expectEvents(paidBy(charged("u-2", "1", BillingMode.PREPAID, "14", "0", "36"), "top-up:t-1", "1"));
        fixture.given(with(failed, credited("t-2", "10", "24")))
                .when(new ChargeUsage(ID, List.of(usage("u-2", "5"))))
                .expectEvents(paidBy(charged("u-2", "5", BillingMode.PREPAID, "19", "0", "40"), "top-up:t-1", "5"),
                        new BalanceLow(ID, usd("19"), usd("20"), NOW, 0),
                        new RechargeRequested(ID, ID + "-recharge-2", usd("100"), usd("19"), NOW, 0));
    }

    @Test
    void enabling_auto_recharge_on_a_suspended_account_recharges_it_and_the_recharge_reinstates_it() {
        List<Object> suspended = List.of(opened(BillingMode.PREPAID), credited("t-1", "10", "10"),
                charged("u-1", "15", BillingMode.PREPAID, "-5", "0", "15"), new BalanceExhausted(ID, usd("-5"), NOW),
                new AccountSuspended(ID, "balance-exhausted", usd("-5"), NOW));
        fixture.given(suspended)
                .when(new ConfigureAutoRecharge(ID, true, usd("20"), usd("100")))
                .expectEvents(ENABLED, new BalanceLow(ID, usd("-5"), usd("20"), NOW),
                        new RechargeRequested(ID, FIRST, usd("100"), usd("-5"), NOW));
        fixture.given(with(suspended, ENABLED, new BalanceLow(ID, usd("-5"), usd("20"), NOW),
                        new RechargeRequested(ID, FIRST, usd("100"), usd("-5"), NOW)))
                .when(new RecordRechargeOutcome(ID, FIRST, 1, 0, SUCCEEDED, "pay_1", null))
                .expectEvents(new RechargeSucceeded(ID, FIRST, usd("100"), "pay_1", usd("95"), NOW),
                        new AccountReinstated(ID, usd("95"), NOW));
    }

    @Test
    void a_disabled_auto_recharge_still_warns_of_a_low_balance_once_each_time_it_falls_below() {
        var warnOnly = new AutoRechargeConfigured(ID, false, usd("20"), usd("100"), NOW);
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "50", "50"), warnOnly)
                .when(new ChargeUsage(ID, List.of(usage("u-1", "35"), usage("u-2", "1"))))
                .expectEvents(paidBy(batch(BillingMode.PREPAID, "50", "14", "0", "36", record("u-1", "35"), record("u-2", "1")), "top-up:t-1", "36"),
                        // the balance went below 20 with the first record
                        new BalanceLow(ID, usd("14"), usd("20"), NOW, 0));
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "50", "50"), warnOnly,
                        charged("u-1", "35", BillingMode.PREPAID, "15", "0", "35"), new BalanceLow(ID, usd("15"), usd("20"), NOW),
                        credited("t-2", "10", "25"))
                .when(new ChargeUsage(ID, List.of(usage("u-2", "10"))))
                .expectEvents(paidBy(charged("u-2", "10", BillingMode.PREPAID, "15", "0", "45"), "top-up:t-1", "10"), new BalanceLow(ID, usd("15"), usd("20"), NOW, 0));
    }

    @Test
    void with_a_threshold_of_zero_a_charge_that_spends_the_balance_exactly_recharges_instead_of_suspending() {
        var atZero = new AutoRechargeConfigured(ID, true, usd("0"), usd("100"), NOW);
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "10", "10"), atZero)
                .when(new ChargeUsage(ID, List.of(usage("u-1", "10"))))
                .expectEvents(paidBy(charged("u-1", "10", BillingMode.PREPAID, "0", "0", "10"), "top-up:t-1", "10"),
                        new RechargeRequested(ID, FIRST, usd("100"), usd("0"), NOW, 0), new BalanceExhausted(ID, usd("0"), NOW, 0));
    }

    @Test
    void a_top_up_that_leaves_a_failed_account_below_the_threshold_recharges_again() {
        List<Object> suspended = with(spentWithRechargeInFlight(), new RechargeFailed(ID, FIRST, 3, "card-declined", usd("-5"), NOW),
                new AccountSuspended(ID, "balance-exhausted", usd("-5"), NOW));
        fixture.given(suspended)
                .when(new TopUp(ID, "t-2", usd("10")))
                .expectEvents(credited("t-2", "10", "5"), new AccountReinstated(ID, usd("5"), NOW),
                        new RechargeRequested(ID, ID + "-recharge-2", usd("100"), usd("5"), NOW));
    }

    @Test
    void auto_recharge_is_refused_for_a_postpaid_account_and_outside_the_top_up_limits() {
        fixture.given(opened(BillingMode.POSTPAID))
                .when(new ConfigureAutoRecharge(ID, true, usd("20"), usd("100")))
                .expectException(AccountRuleViolation.class);
        fixture.given(opened(BillingMode.PREPAID))
                .when(new ConfigureAutoRecharge(ID, true, usd("20"), usd("9.99")))
                .expectException(AccountRuleViolation.class);
        fixture.given(opened(BillingMode.PREPAID))
                .when(new ConfigureAutoRecharge(ID, true, usd("20"), usd("5000.01")))
                .expectException(AccountRuleViolation.class);
        fixture.given(opened(BillingMode.PREPAID))
                .when(new ConfigureAutoRecharge(ID, true, usd("-1"), usd("100")))
                .expectException(AccountRuleViolation.class);
    }

    @Test
    void top_ups_credit_a_balance_a_recharge_is_on_its_way_to_without_cancelling_it() {
        fixture.given(inFlightAt15())
                .when(new TopUp(ID, "t-2", usd("10")))
                .expectEvents(credited("t-2", "10", "25"));
        fixture.given(inFlightAt15(credited("t-2", "10", "25")))
                .when(new RecordRechargeOutcome(ID, FIRST, 1, 0, SUCCEEDED, "pay_1", null))
                .expectEvents(new RechargeSucceeded(ID, FIRST, usd("100"), "pay_1", usd("125"), NOW));
    }

    private static List<Object> inFlightAt15(Object... then) {
        return with(List.of(opened(BillingMode.PREPAID), credited("t-1", "50", "50"), ENABLED,
                charged("u-1", "35", BillingMode.PREPAID, "15", "0", "35"), new BalanceLow(ID, usd("15"), usd("20"), NOW),
                new RechargeRequested(ID, FIRST, usd("100"), usd("15"), NOW)), then);
    }

    private static List<Object> with(List<Object> given, Object... then) {
        List<Object> all = new ArrayList<>(given);
        all.addAll(List.of(then));
        return all;
    }

    private static List<Object> spentWithRechargeInFlight() {
        return List.of(opened(BillingMode.PREPAID), credited("t-1", "10", "10"), ENABLED,
                charged("u-1", "15", BillingMode.PREPAID, "-5", "0", "15"), new BalanceLow(ID, usd("-5"), usd("20"), NOW),
                new RechargeRequested(ID, FIRST, usd("100"), usd("-5"), NOW), new BalanceExhausted(ID, usd("-5"), NOW));
    }

    @Test
    void a_customer_pays_a_top_up_by_card_as_a_recharge_asked_at_once_within_the_same_bounds() {
        // No auto-recharge needed: the recharge is asked, paid by the worker and credited as any recharge.
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "50", "50"))
                .when(new AccountCommand.PayTopUp(ID, usd("40")))
                .expectEvents(new RechargeRequested(ID, FIRST, usd("40"), usd("50"), NOW));
        // One payment on its way at a time.
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "50", "50"), new RechargeRequested(ID, FIRST, usd("40"), usd("50"), NOW))
                .when(new AccountCommand.PayTopUp(ID, usd("40")))
                .expectException(AccountRuleViolation.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("on its way"));
        // Below the minimum top-up, above what needs review, or a postpaid account: refused.
        fixture.given(opened(BillingMode.PREPAID)).when(new AccountCommand.PayTopUp(ID, usd("5"))).expectException(AccountRuleViolation.class);
        fixture.given(opened(BillingMode.PREPAID)).when(new AccountCommand.PayTopUp(ID, usd("5000.01"))).expectException(AccountRuleViolation.class);
        fixture.given(opened(BillingMode.POSTPAID)).when(new AccountCommand.PayTopUp(ID, usd("40"))).expectException(AccountRuleViolation.class);
    }

    @Test
    void card_top_ups_count_in_the_days_recharge_limit() {
        RechargePolicy onePerDay = new RechargePolicy(4, java.time.Duration.ofSeconds(30), 1, new BigDecimal("10000"));
        AccountState state = AccountState.folded(opened(BillingMode.PREPAID), credited("t-1", "50", "50"),
                new RechargeRequested(ID, FIRST, usd("40"), usd("50"), NOW),
                new RechargeSucceeded(ID, FIRST, usd("40"), "pay-1", usd("90"), NOW));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FundingRules.payTopUp(state, new AccountCommand.PayTopUp(ID, usd("40")), onePerDay,
                NOW)).hasFieldOrPropertyWithValue("code", "daily-limit");
    }
}
