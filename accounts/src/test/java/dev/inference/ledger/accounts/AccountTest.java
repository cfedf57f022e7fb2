package dev.inference.ledger.accounts;

import static dev.inference.ledger.accounts.AccountEvents.ID;
import static dev.inference.ledger.accounts.AccountEvents.NOW;
import static dev.inference.ledger.accounts.AccountEvents.batch;
import static dev.inference.ledger.accounts.AccountEvents.charge;
import static dev.inference.ledger.accounts.AccountEvents.charged;
import static dev.inference.ledger.accounts.AccountEvents.credited;
import static dev.inference.ledger.accounts.AccountEvents.opened;
import static dev.inference.ledger.accounts.AccountEvents.paidBy;
import static dev.inference.ledger.accounts.AccountEvents.record;
import static dev.inference.ledger.accounts.AccountEvents.usage;
import static dev.inference.ledger.accounts.AccountEvents.usd;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.axonframework.test.matchers.Matchers.messageWithPayload;
import static org.hamcrest.Matchers.instanceOf;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.account.AccountEvent.AccountReinstated;
import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.BalanceExhausted;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.account.AccountEvent.ApiKeyIssued;
import dev.inference.ledger.kernel.account.AccountEvent.BillingLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetAlertRaised;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetBlocked;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetSet;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetUnblocked;
import dev.inference.ledger.kernel.account.AccountEvent.MemberAdded;
import dev.inference.ledger.kernel.account.AccountEvent.ProjectAdded;
import dev.inference.ledger.kernel.account.AccountEvent.TierPromoted;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpHeld;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpRejected;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.account.AccountEvent.UsageRefused;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.usage.Interval;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.accounts.AccountCommand.AddMember;
import dev.inference.ledger.accounts.AccountCommand.AddProject;
import dev.inference.ledger.accounts.AccountCommand.ApproveTopUp;
import dev.inference.ledger.accounts.AccountCommand.ChargeUsage;
import dev.inference.ledger.accounts.AccountCommand.IssueApiKey;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.accounts.AccountCommand.RejectTopUp;
import dev.inference.ledger.accounts.AccountCommand.SetBudget;
import dev.inference.ledger.accounts.AccountCommand.TopUp;
import dev.inference.ledger.accounts.AccountCommand.UsageToCharge;

class AccountTest {


    private AggregateTestFixture<Account> fixture;

    @BeforeEach
    void setUp() {
        fixture = AccountEvents.fixture();
    }

    @Test
    void opening_an_account_records_who_and_how_it_pays() {
        fixture.givenNoPriorActivity()
                .when(new OpenAccount(ID, "Acme", BillingMode.PREPAID, "USD"))
                .expectEvents(opened(BillingMode.PREPAID));
    }

    @Test
    void an_account_in_another_currency_is_refused() {
        fixture.givenNoPriorActivity()
                .when(new OpenAccount(ID, "Acme", BillingMode.PREPAID, "EUR"))
                .expectException(AccountRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void a_top_up_adds_to_the_balance() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "50", "50"))
                .when(new TopUp(ID, "t-2", usd("25.5")))
                .expectEvents(credited("t-2", "25.5", "75.5"));
    }

    @Test
    void a_top_up_below_the_minimum_of_10_is_refused() {
        fixture.given(opened(BillingMode.PREPAID))
                .when(new TopUp(ID, "t-1", usd("9.99")))
                .expectException(AccountRuleViolation.class)
                .expectExceptionMessage("a top-up is at least 10 USD")
                .expectNoEvents();
    }

    @Test
    void a_top_up_above_5000_is_held_for_review_and_credits_nothing_yet() {
        fixture.given(opened(BillingMode.PREPAID))
                .when(new TopUp(ID, "t-big", usd("5000.01")))
                .expectResultMessagePayload(TopUpOutcome.HELD_FOR_REVIEW)
                .expectEvents(new TopUpHeld(ID, "t-big", usd("5000.01"), NOW));
    }

    @Test
    void an_approved_top_up_is_credited_and_a_rejected_one_is_not() {
        fixture.given(opened(BillingMode.PREPAID), new TopUpHeld(ID, "t-big", usd("6000"), NOW))
                .when(new ApproveTopUp(ID, "t-big"))
                .expectEvents(credited("t-big", "6000", "6000"));
        fixture.given(opened(BillingMode.PREPAID), new TopUpHeld(ID, "t-big", usd("6000"), NOW))
                .when(new RejectTopUp(ID, "t-big", "card declined by the bank"))
                .expectEvents(new TopUpRejected(ID, "t-big", usd("6000"), "card declined by the bank", NOW));
    }

    @Test
    void only_a_held_top_up_can_be_approved_and_only_once() {
        fixture.given(opened(BillingMode.PREPAID), new TopUpHeld(ID, "t-big", usd("6000"), NOW), credited("t-big", "6000", "6000"))
                .when(new ApproveTopUp(ID, "t-big"))
                .expectException(AccountRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void a_prepaid_balance_charged_to_zero_suspends_the_account_and_a_top_up_reinstates_it() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "10", "10"))
                .when(new ChargeUsage(ID, List.of(usage("u-1", "10"))))
                .expectEvents(paidBy(charged("u-1", "10", BillingMode.PREPAID, "0", "0", "10"), "top-up:t-1", "10"), new BalanceExhausted(ID, usd("0"), NOW, 0),
                        new AccountSuspended(ID, "balance-exhausted", usd("0"), NOW, 0));
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "10", "10"), charged("u-1", "10", BillingMode.PREPAID, "0", "0", "10"),
                        new BalanceExhausted(ID, usd("0"), NOW), new AccountSuspended(ID, "balance-exhausted", usd("0"), NOW))
                .when(new TopUp(ID, "t-2", usd("25")))
                .expectEvents(credited("t-2", "25", "25"), new AccountReinstated(ID, usd("25"), NOW));
    }

    @Test
    void paid_spend_crossing_100_promotes_to_tier_2_once_and_never_back() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "500", "500"), charged("u-1", "99", BillingMode.PREPAID, "401", "0", "99"))
                .when(new ChargeUsage(ID, List.of(usage("u-2", "1"))))
                .expectEvents(paidBy(charged("u-2", "1", BillingMode.PREPAID, "400", "0", "100"), "top-up:t-1", "1"),
                        new TierPromoted(ID, 1, 2, usd("100"), usd("100"), NOW, 0));
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "500", "500"), charged("u-1", "100", BillingMode.PREPAID, "400", "0", "100"),
                        new TierPromoted(ID, 1, 2, usd("100"), usd("100"), NOW))
                .when(new ChargeUsage(ID, List.of(usage("u-2", "1"))))
                .expectEvents(paidBy(charged("u-2", "1", BillingMode.PREPAID, "399", "0", "101"), "top-up:t-1", "1"));
    }

    @Test
    void a_batch_is_one_event_and_its_consequences_say_after_which_record_they_happened() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "500", "500"))
                .when(new ChargeUsage(ID, List.of(usage("u-1", "60"), usage("u-2", "50"), usage("u-3", "1"))))
                .expectEvents(paidBy(batch(BillingMode.PREPAID, "500", "389", "0", "111", record("u-1", "60"), record("u-2", "50"),
                                record("u-3", "1")), "top-up:t-1", "111"),
                        // paid spend reached 100 with the second record (index 1)
                        new TierPromoted(ID, 1, 2, usd("100"), usd("111"), NOW, 1));
    }

    @Test
    void one_charge_carries_at_most_a_thousand_records() {
        var usage = java.util.stream.IntStream.range(0, 1001).mapToObj(i -> usage("u-" + i, "0.01")).toList();
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "500", "500"))
                .when(new ChargeUsage(ID, usage))
                .expectException(IllegalArgumentException.class)
                .expectNoEvents();
    }

    @Test
    void a_large_charge_promotes_straight_to_the_highest_tier_reached() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "3000", "3000"))
                .when(new ChargeUsage(ID, List.of(usage("u-1", "2500"))))
                .expectEvents(paidBy(charged("u-1", "2500", BillingMode.PREPAID, "500", "0", "2500"), "top-up:t-1", "2500"),
                        new TierPromoted(ID, 1, 4, usd("2000"), usd("2500"), NOW, 0));
    }

    @Test
    void usage_beyond_a_prepaid_balance_is_owed_not_paid_and_promotes_nothing() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "10", "10"))
                .when(new ChargeUsage(ID, List.of(usage("u-1", "500"))))
                .expectEvents(paidBy(charged("u-1", "500", BillingMode.PREPAID, "-490", "0", "500"), "top-up:t-1", "10"),
                        new BalanceExhausted(ID, usd("-490"), NOW, 0),
                        new AccountSuspended(ID, "balance-exhausted", usd("-490"), NOW, 0));
    }

    @Test
    void a_top_up_that_pays_for_usage_already_spent_is_paid_spend_and_promotes() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "10", "10"), charged("u-1", "500", BillingMode.PREPAID, "-490", "0", "500"),
                        new BalanceExhausted(ID, usd("-490"), NOW, 0), new AccountSuspended(ID, "balance-exhausted", usd("-490"), NOW, 0))
                .when(new TopUp(ID, "t-2", usd("600")))
                .expectEvents(new TopUpCredited(ID, "t-2", usd("600"), usd("110"), NOW),
                        new AccountReinstated(ID, usd("110"), NOW),
                        new TierPromoted(ID, 1, 3, usd("500"), usd("500"), NOW));
    }

    @Test
    void postpaid_unbilled_usage_reaching_the_tier_limit_signals_it_once() {
        fixture.given(opened(BillingMode.POSTPAID), charged("u-1", "19", BillingMode.POSTPAID, "0", "19", "19"))
                .when(new ChargeUsage(ID, List.of(usage("u-2", "1"))))
                .expectEvents(charged("u-2", "1", BillingMode.POSTPAID, "0", "20", "20"),
                        new BillingLimitReached(ID, 1, usd("20"), usd("20"), NOW, 0));
        fixture.given(opened(BillingMode.POSTPAID), charged("u-1", "20", BillingMode.POSTPAID, "0", "20", "20"),
                        new BillingLimitReached(ID, 1, usd("20"), usd("20"), NOW))
                .when(new ChargeUsage(ID, List.of(usage("u-2", "1"))))
                .expectEvents(charged("u-2", "1", BillingMode.POSTPAID, "0", "21", "21"));
    }

    @Test
    void usage_of_a_prepaid_account_draws_the_balance_down_by_the_exact_cost() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "10", "10"))
                .when(new ChargeUsage(ID, List.of(usage("u-1", "0.001425"), usage("u-2", "0.00000315"))))
                .expectEvents(paidBy(batch(BillingMode.PREPAID, "10", "9.99857185", "0", "0.00142815",
                        record("u-1", "0.001425"), record("u-2", "0.00000315")), "top-up:t-1", "0.00142815"));
    }

    @Test
    void usage_that_happened_is_charged_even_below_zero() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "0.001", "0.001"))
                .when(new ChargeUsage(ID, List.of(usage("u-1", "0.5"))))
                .expectEvents(paidBy(charged("u-1", "0.5", BillingMode.PREPAID, "-0.499", "0", "0.5"), "top-up:t-1", "0.001"),
                        new BalanceExhausted(ID, usd("-0.499"), NOW, 0), new AccountSuspended(ID, "balance-exhausted", usd("-0.499"), NOW, 0));
    }

    @Test
    void usage_of_a_postpaid_account_accrues_as_unbilled() {
        fixture.given(opened(BillingMode.POSTPAID))
                .when(new ChargeUsage(ID, List.of(usage("u-1", "1.25"), usage("u-2", "0.75"))))
                .expectEvents(batch(BillingMode.POSTPAID, "0", "0", "2.00", "2.00", record("u-1", "1.25"), record("u-2", "0.75")));
    }

    @Test
    void compute_time_overlapping_time_already_charged_for_the_same_endpoint_and_replica_is_refused() {
        Interval first = interval("r1", "10:00:00", "10:10:00");
        Interval overlapping = interval("r1", "10:09:00", "10:11:00");
        fixture.given(opened(BillingMode.POSTPAID), chargedFor("c-1", first, "1"))
                .when(new ChargeUsage(ID, List.of(compute("c-2", overlapping))))
                .expectEvents(new UsageRefused(ID, "c-2", "overlap", "endpoint chat-prod, replica r1: "
                        + overlapping.start() + " to " + overlapping.end() + " overlaps " + first.start() + " to " + first.end()
                        + ", already charged", NOW));
    }

    @Test
    void adjacent_intervals_and_other_replicas_of_the_same_endpoint_are_charged() {
        fixture.given(opened(BillingMode.POSTPAID), chargedFor("c-1", interval("r1", "10:00:00", "10:10:00"), "1"))
                .when(new ChargeUsage(ID, List.of(compute("c-2", interval("r1", "10:10:00", "10:20:00")),
                        compute("c-3", interval("r2", "10:00:00", "10:10:00")))))
                .expectEventsMatching(exactSequenceOf(messageWithPayload(instanceOf(UsageBatchCharged.class))));
    }

    @Test
    void two_overlapping_intervals_in_one_batch_charge_the_first_and_refuse_the_second() {
        fixture.given(opened(BillingMode.POSTPAID))
                .when(new ChargeUsage(ID, List.of(compute("c-1", interval("r1", "10:00:00", "10:10:00")),
                        compute("c-2", interval("r1", "10:05:00", "10:06:00")))))
                .expectEventsMatching(exactSequenceOf(
                        messageWithPayload(instanceOf(UsageBatchCharged.class)),
                        messageWithPayload(instanceOf(UsageRefused.class))));
    }

    @Test
    void a_budget_alerts_once_at_each_soft_threshold_and_blocks_its_scope_at_the_hard_cap() {
        BudgetSet budget = new BudgetSet(ID, "apiKey", "key-1", "month", usd("1"), List.of(new BigDecimal("0.5")), NOW);
        fixture.given(opened(BillingMode.POSTPAID), budget)
                .when(new ChargeUsage(ID, List.of(usageBy("u-1", "0.6", "key-1"))))
                .expectEvents(chargedBy("u-1", "0.6", "key-1", "0.6"),
                        new BudgetAlertRaised(ID, "apiKey", "key-1", "2026-11", new BigDecimal("0.5"), usd("0.6"), usd("1"), NOW, 0));
        fixture.given(opened(BillingMode.POSTPAID), budget, chargedBy("u-1", "0.6", "key-1", "0.6"),
                        new BudgetAlertRaised(ID, "apiKey", "key-1", "2026-11", new BigDecimal("0.5"), usd("0.6"), usd("1"), NOW))
                .when(new ChargeUsage(ID, List.of(usageBy("u-2", "0.4", "key-1"), usageBy("u-3", "5", "key-2"))))
                .expectEvents(batch(BillingMode.POSTPAID, "0", "0", "6.0", "6.0", recordBy("u-2", "0.4", "key-1"),
                                recordBy("u-3", "5", "key-2")),
                        new BudgetBlocked(ID, "apiKey", "key-1", "2026-11", usd("1"), usd("1"), NOW, 0));
    }

    @Test
    void raising_the_cap_above_the_spend_unblocks_the_scope() {
        fixture.given(opened(BillingMode.POSTPAID), new BudgetSet(ID, "apiKey", "key-1", "month", usd("1"), List.of(), NOW),
                        chargedBy("u-1", "1", "key-1", "1"), new BudgetBlocked(ID, "apiKey", "key-1", "2026-11", usd("1"), usd("1"), NOW))
                .when(new SetBudget(ID, "apiKey", "key-1", "month", usd("2"), List.of()))
                .expectEvents(new BudgetSet(ID, "apiKey", "key-1", "month", usd("2"), List.of(), NOW),
                        new BudgetUnblocked(ID, "apiKey", "key-1", "2026-11", usd("1"), usd("2"), NOW));
    }

    /** Found by AccountSimulationTest: the scope stayed open until its next charge. */
    @Test
    void lowering_the_cap_to_what_the_scope_already_spent_blocks_it_at_once() {
        fixture.given(opened(BillingMode.POSTPAID), new BudgetSet(ID, "apiKey", "key-1", "month", usd("5"), List.of(), NOW),
                        chargedBy("u-1", "1", "key-1", "1"))
                .when(new SetBudget(ID, "apiKey", "key-1", "month", usd("1"), List.of()))
                .expectEvents(new BudgetSet(ID, "apiKey", "key-1", "month", usd("1"), List.of(), NOW),
                        new BudgetBlocked(ID, "apiKey", "key-1", "2026-11", usd("1"), usd("1"), NOW));
    }

    @Test
    void a_budget_with_a_fraction_outside_0_to_1_or_another_period_is_refused() {
        fixture.given(opened(BillingMode.POSTPAID))
                .when(new SetBudget(ID, "project", "p-1", "month", usd("10"), List.of(new BigDecimal("1.5"))))
                .expectException(AccountRuleViolation.class);
        fixture.given(opened(BillingMode.POSTPAID))
                .when(new SetBudget(ID, "project", "p-1", "month", usd("10"), List.of(new BigDecimal("1E-300000000"))))
                .expectException(AccountRuleViolation.class);
        fixture.given(opened(BillingMode.POSTPAID))
                .when(new SetBudget(ID, "project", "p-1", "week", usd("10"), List.of()))
                .expectException(AccountRuleViolation.class);
    }

    @Test
    void an_organisation_has_projects_members_with_roles_and_api_keys_of_its_own() {
        fixture.given(opened(BillingMode.PREPAID), new ProjectAdded(ID, "proj-a", "Assistant", NOW),
                        new MemberAdded(ID, "user-3", "developer", NOW))
                .when(new IssueApiKey(ID, "key-1", "proj-a", "user-3"))
                .expectEvents(new ApiKeyIssued(ID, "key-1", "proj-a", "user-3", NOW));
    }

    @Test
    void an_api_key_of_a_project_or_member_the_account_does_not_have_is_refused() {
        fixture.given(opened(BillingMode.PREPAID))
                .when(new IssueApiKey(ID, "key-1", "proj-x", null))
                .expectException(AccountRuleViolation.class)
                .expectExceptionMessage("no project 'proj-x' belongs to the account");
    }

    @Test
    void a_member_needs_a_known_role_and_a_project_id_is_used_once() {
        fixture.given(opened(BillingMode.PREPAID))
                .when(new AddMember(ID, "user-3", "janitor"))
                .expectException(AccountRuleViolation.class);
        fixture.given(opened(BillingMode.PREPAID), new ProjectAdded(ID, "proj-a", "Assistant", NOW))
                .when(new AddProject(ID, "proj-a", "Again"))
                .expectException(AccountRuleViolation.class)
                .expectNoEvents();
    }

    private static UsageToCharge usageBy(String eventId, String cost, String apiKey) {
        return new UsageToCharge(eventId, NOW, "gw-1", new Attribution(apiKey, null, null, null), charge(cost), null);
    }

    private static UsageBatchCharged chargedBy(String eventId, String cost, String apiKey, String unbilledAfter) {
        return batch(BillingMode.POSTPAID, "0", "0", unbilledAfter, unbilledAfter, recordBy(eventId, cost, apiKey));
    }

    private static ChargedRecord recordBy(String eventId, String cost, String apiKey) {
        return record(eventId, cost, new Attribution(apiKey, null, null, null), NOW, "gw-1", null);
    }

    private static Interval interval(String replica, String from, String to) {
        return new Interval("chat-prod", replica, Instant.parse("2026-11-22T" + from + "Z"), Instant.parse("2026-11-22T" + to + "Z"));
    }

    private static UsageToCharge compute(String eventId, Interval interval) {
        return new UsageToCharge(eventId, interval.start(), "cluster-1", Attribution.NONE, charge("1"), interval);
    }

    private static UsageBatchCharged chargedFor(String eventId, Interval interval, String unbilledAfter) {
        return batch(BillingMode.POSTPAID, "0", "0", unbilledAfter, unbilledAfter,
                record(eventId, "1", Attribution.NONE, interval.start(), "cluster-1", interval));
    }
}
