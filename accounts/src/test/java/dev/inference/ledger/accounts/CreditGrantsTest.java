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
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.account.AccountEvent.AccountReinstated;
import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.BalanceExhausted;
import dev.inference.ledger.kernel.account.AccountEvent.CreditExpired;
import dev.inference.ledger.kernel.account.AccountEvent.CreditGranted;
import dev.inference.ledger.kernel.account.AccountEvent.CreditStarted;
import dev.inference.ledger.kernel.account.AccountEvent.CreditVoided;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.account.GrantDraw;
import dev.inference.ledger.kernel.account.GrantKind;
import dev.inference.ledger.accounts.AccountCommand.ApplyDueCredits;
import dev.inference.ledger.accounts.AccountCommand.ChargeUsage;
import dev.inference.ledger.accounts.AccountCommand.GrantCredit;
import dev.inference.ledger.accounts.AccountCommand.VoidCredit;

/** Credit grants, given-when-then: what pays, in which order, and what happens at a grant's effective time and expiry. */
class CreditGrantsTest {

    private static final Instant MONTH_END = NOW.plus(Duration.ofDays(8));

    private final AggregateTestFixture<Account> fixture = AccountEvents.fixture();

    private static CreditGranted promo(String id, String amount, String balanceAfter, Instant expiresAt) {
        return new CreditGranted(ID, id, GrantKind.PROMOTIONAL, usd(amount), CreditRules.DEFAULT_PRIORITY, NOW, expiresAt, "launch promotion",
                usd(balanceAfter), NOW);
    }

    @Test
    void a_grant_counts_in_the_balance_at_once_when_it_is_effective_now() {
        fixture.given(opened(BillingMode.PREPAID))
                .when(new GrantCredit(ID, "promo-1", GrantKind.PROMOTIONAL, usd("25"), null, null, MONTH_END, "launch promotion"))
                .expectEvents(promo("promo-1", "25", "25", MONTH_END));
    }

    @Test
    void usage_draws_the_grant_that_expires_soonest_before_credit_that_never_expires() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "100", "100"), promo("promo-1", "25", "125", MONTH_END))
                .when(new ChargeUsage(ID, List.of(usage("u-1", "10"))))
                .expectEvents(paidBy(charged("u-1", "10", BillingMode.PREPAID, "115", "0", "10"), "promo-1", "10"));
    }

    @Test
    void a_lower_priority_number_is_drawn_first_whatever_the_expiry() {
        CreditGranted contract = new CreditGranted(ID, "contract-1", GrantKind.CONTRACTUAL, usd("50"), 5, NOW, null, null, usd("75"), NOW);
        fixture.given(opened(BillingMode.PREPAID), promo("promo-1", "25", "25", MONTH_END), contract)
                .when(new ChargeUsage(ID, List.of(usage("u-1", "10"))))
                .expectEvents(paidBy(charged("u-1", "10", BillingMode.PREPAID, "65", "0", "10"), "contract-1", "10"));
    }

    @Test
    void one_record_takes_what_is_left_of_one_grant_and_the_rest_from_the_next() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "100", "100"), promo("promo-1", "25", "125", MONTH_END))
                .when(new ChargeUsage(ID, List.of(usage("u-1", "20"), usage("u-2", "30"))))
                .expectEvents(paidBy(batch(BillingMode.PREPAID, "125", "75", "0", "50", record("u-1", "20"), record("u-2", "30")),
                        "promo-1", "25", "top-up:t-1", "25"));
        var batch = paidBy(batch(BillingMode.PREPAID, "125", "75", "0", "50", record("u-1", "20"), record("u-2", "30")),
                "promo-1", "25", "top-up:t-1", "25");
        // the second record is paid 5 by the promotion's rest and 25 by the top-up
        assertThat(batch.drawsByRecord()).containsExactly(
                List.of(new GrantDraw("promo-1", usd("20").amount())),
                List.of(new GrantDraw("promo-1", usd("5").amount()), new GrantDraw("top-up:t-1", usd("25").amount())));
    }

    @Test
    void usage_beyond_every_grant_takes_the_balance_below_zero_and_the_next_credit_pays_that_first() {
        fixture.given(opened(BillingMode.PREPAID), promo("promo-1", "5", "5", MONTH_END))
                .when(new ChargeUsage(ID, List.of(usage("u-1", "8"))))
                .expectEvents(paidBy(charged("u-1", "8", BillingMode.PREPAID, "-3", "0", "8"), "promo-1", "5"),
                        new BalanceExhausted(ID, usd("-3"), NOW, 0), new AccountSuspended(ID, "balance-exhausted", usd("-3"), NOW, 0));
        AccountState after = AccountState.folded(opened(BillingMode.PREPAID), promo("promo-1", "5", "5", MONTH_END),
                paidBy(charged("u-1", "8", BillingMode.PREPAID, "-3", "0", "8"), "promo-1", "5"), credited("t-1", "10", "7"));
        // the top-up of 10 paid the 3 owed: 7 of it is left to spend
        assertThat(after.grants().open()).extracting(Grants.Grant::grantId, g -> g.remaining().stripTrailingZeros().toPlainString())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("top-up:t-1", "7"));
    }

    @Test
    void at_its_expiry_what_is_left_of_a_grant_expires_as_an_entry_and_the_balance_says_so() {
        AggregateTestFixture<Account> later = AccountEvents.fixture(MONTH_END, RechargePolicy.defaults(), UsageReview.defaults());
        later.given(opened(BillingMode.PREPAID), credited("t-1", "100", "100"), promo("promo-1", "25", "125", MONTH_END),
                        paidBy(charged("u-1", "10", BillingMode.PREPAID, "115", "0", "10"), "promo-1", "10"))
                .when(new ApplyDueCredits(ID))
                .expectEvents(new CreditExpired(ID, "promo-1", GrantKind.PROMOTIONAL, usd("15"), usd("100"), MONTH_END));
        later.given(opened(BillingMode.PREPAID), credited("t-1", "100", "100"), promo("promo-1", "25", "125", MONTH_END),
                        new CreditExpired(ID, "promo-1", GrantKind.PROMOTIONAL, usd("25"), usd("100"), MONTH_END))
                .when(new ApplyDueCredits(ID))
                .expectNoEvents();
    }

    @Test
    void a_charge_after_a_grants_expiry_expires_it_first_and_never_draws_it() {
        AggregateTestFixture<Account> later = AccountEvents.fixture(MONTH_END.plusSeconds(1), RechargePolicy.defaults(), UsageReview.defaults());
        var chargedLater = new dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged(ID, BillingMode.PREPAID, "USD",
                List.of(AccountEvents.PRICE), List.of(record("u-1", "10")), usd("100").amount(), usd("90").amount(), usd("0").amount(),
                usd("10").amount(), MONTH_END.plusSeconds(1), List.of(new GrantDraw("top-up:t-1", usd("10").amount())));
        later.given(opened(BillingMode.PREPAID), credited("t-1", "100", "100"), promo("promo-1", "25", "125", MONTH_END))
                .when(new ChargeUsage(ID, List.of(usage("u-1", "10"))))
                .expectEvents(new CreditExpired(ID, "promo-1", GrantKind.PROMOTIONAL, usd("25"), usd("100"), MONTH_END.plusSeconds(1)),
                        chargedLater);
    }

    @Test
    void an_expiry_that_spends_the_balance_suspends_the_account() {
        AggregateTestFixture<Account> later = AccountEvents.fixture(MONTH_END, RechargePolicy.defaults(), UsageReview.defaults());
        later.given(opened(BillingMode.PREPAID), promo("promo-1", "25", "25", MONTH_END))
                .when(new ApplyDueCredits(ID))
                .expectEvents(new CreditExpired(ID, "promo-1", GrantKind.PROMOTIONAL, usd("25"), usd("0"), MONTH_END),
                        new BalanceExhausted(ID, usd("0"), MONTH_END), new AccountSuspended(ID, "balance-exhausted", usd("0"), MONTH_END));
    }

    @Test
    void a_grant_effective_later_counts_from_its_effective_time_and_reinstates_nothing_before() {
        Instant start = NOW.plus(Duration.ofDays(1));
        CreditGranted annual = new CreditGranted(ID, "annual-2027", GrantKind.CONTRACTUAL, usd("1200"), 50, start, start.plus(Duration.ofDays(365)),
                "annual commit", usd("10"), NOW);
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "10", "10"))
                .when(new GrantCredit(ID, "annual-2027", GrantKind.CONTRACTUAL, usd("1200"), 50, start, start.plus(Duration.ofDays(365)),
                        "annual commit"))
                .expectEvents(annual);
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "10", "10"), annual)
                .when(new ChargeUsage(ID, List.of(usage("u-1", "4"))))
                .expectEvents(paidBy(charged("u-1", "4", BillingMode.PREPAID, "6", "0", "4"), "top-up:t-1", "4"));
        AggregateTestFixture<Account> nextDay = AccountEvents.fixture(start, RechargePolicy.defaults(), UsageReview.defaults());
        nextDay.given(opened(BillingMode.PREPAID), credited("t-1", "10", "10"), annual)
                .when(new ApplyDueCredits(ID))
                .expectEvents(new CreditStarted(ID, "annual-2027", usd("1200"), usd("1210"), start));
    }

    @Test
    void a_grant_that_starts_later_reinstates_an_account_suspended_for_its_balance_when_it_starts() {
        Instant start = NOW.plus(Duration.ofDays(1));
        CreditGranted later = new CreditGranted(ID, "contract-1", GrantKind.CONTRACTUAL, usd("100"), 50, start, null, null, usd("-3"), NOW);
        AggregateTestFixture<Account> then = AccountEvents.fixture(start, RechargePolicy.defaults(), UsageReview.defaults());
        then.given(opened(BillingMode.PREPAID), charged("u-1", "3", BillingMode.PREPAID, "-3", "0", "3"), new BalanceExhausted(ID, usd("-3"), NOW),
                        new AccountSuspended(ID, "balance-exhausted", usd("-3"), NOW), later)
                .when(new ApplyDueCredits(ID))
                .expectEvents(new CreditStarted(ID, "contract-1", usd("100"), usd("97"), start), new AccountReinstated(ID, usd("97"), start));
    }

    @Test
    void approving_a_held_record_after_a_grants_expiry_expires_the_grant_first() {
        var held = new dev.inference.ledger.kernel.account.AccountEvent.UsageHeldForReview(ID, "u-big", NOW, "gw-1",
                dev.inference.ledger.kernel.usage.UsageRecord.Attribution.NONE, AccountEvents.charge("80"), null, usd("10000"), NOW);
        AccountState state = AccountState.folded(opened(BillingMode.PREPAID), promo("promo-1", "50", "50", MONTH_END), held);
        List<dev.inference.ledger.kernel.account.AccountEvent> events = AccountRules.approveUsage(state,
                new AccountCommand.ApproveHeldUsage(ID, "u-big"), UsageTiers.defaults(), RechargePolicy.defaults(), MONTH_END.plusSeconds(1));
        assertThat(events.get(0)).isEqualTo(new CreditExpired(ID, "promo-1", GrantKind.PROMOTIONAL, usd("50"), usd("0"), MONTH_END.plusSeconds(1)));
        var charged = events.stream().filter(dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.class::isInstance)
                .map(dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.class::cast).findFirst().orElseThrow();
        assertThat(charged.draws()).as("the expired promotion pays nothing").isEmpty();
        AccountState after = state;
        for (var event : events) {
            after = after.evolve(event);
        }
        assertThat(after.balance()).isEqualTo(usd("-80"));
        assertThat(after.grants().open()).isEmpty();
    }

    @Test
    void a_grant_to_an_account_suspended_for_its_balance_reinstates_it() {
        fixture.given(opened(BillingMode.PREPAID), charged("u-1", "3", BillingMode.PREPAID, "-3", "0", "3"),
                        new BalanceExhausted(ID, usd("-3"), NOW), new AccountSuspended(ID, "balance-exhausted", usd("-3"), NOW))
                .when(new GrantCredit(ID, "promo-1", GrantKind.PROMOTIONAL, usd("25"), null, null, MONTH_END, "launch promotion"))
                .expectEvents(promo("promo-1", "25", "22", MONTH_END), new AccountReinstated(ID, usd("22"), NOW));
    }

    @Test
    void granting_the_same_grant_again_changes_nothing_and_other_terms_under_its_id_are_refused() {
        fixture.given(opened(BillingMode.PREPAID), promo("promo-1", "25", "25", MONTH_END))
                .when(new GrantCredit(ID, "promo-1", GrantKind.PROMOTIONAL, usd("25"), null, null, MONTH_END, "launch promotion"))
                .expectNoEvents()
                .expectResultMessagePayload(false);
        fixture.given(opened(BillingMode.PREPAID), promo("promo-1", "25", "25", MONTH_END))
                .when(new GrantCredit(ID, "promo-1", GrantKind.PROMOTIONAL, usd("30"), null, null, MONTH_END, null))
                .expectException(AccountRuleViolation.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("made already"));
    }

    @Test
    void a_grant_outside_its_bounds_is_refused() {
        for (GrantCredit bad : List.of(
                new GrantCredit(ID, "g", GrantKind.PROMOTIONAL, usd("0"), null, null, null, null),
                new GrantCredit(ID, "g", GrantKind.PROMOTIONAL, usd("5"), 1001, null, null, null),
                new GrantCredit(ID, "g", GrantKind.PROMOTIONAL, usd("5"), null, null, NOW, null),
                new GrantCredit(ID, "g", GrantKind.PROMOTIONAL, usd("5"), null, null, NOW.plus(Duration.ofDays(4000)), null),
                new GrantCredit(ID, "top-up:t-9", GrantKind.PURCHASED, usd("5"), null, null, null, null),
                new GrantCredit(ID, "reversal:u-1", GrantKind.PROMOTIONAL, usd("5"), null, null, null, null),
                new GrantCredit(ID, "g", null, usd("5"), null, null, null, null))) {
            fixture.given(opened(BillingMode.PREPAID))
                    .when(bad)
                    .expectException(AccountRuleViolation.class)
                    .expectNoEvents();
        }
        fixture.given(opened(BillingMode.POSTPAID))
                .when(new GrantCredit(ID, "g", GrantKind.PROMOTIONAL, usd("5"), null, null, null, null))
                .expectException(AccountRuleViolation.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("postpaid"));
    }

    @Test
    void only_an_unused_grant_can_be_voided_and_never_a_top_up() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "100", "100"), promo("promo-1", "25", "125", MONTH_END))
                .when(new VoidCredit(ID, "promo-1", "granted to the wrong account"))
                .expectEvents(new CreditVoided(ID, "promo-1", GrantKind.PROMOTIONAL, usd("25"), true, "granted to the wrong account", usd("100"), NOW));
        fixture.given(opened(BillingMode.PREPAID), promo("promo-1", "25", "25", MONTH_END),
                        paidBy(charged("u-1", "1", BillingMode.PREPAID, "24", "0", "1"), "promo-1", "1"))
                .when(new VoidCredit(ID, "promo-1", null))
                .expectException(AccountRuleViolation.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("24 of 25 left"));
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "100", "100"))
                .when(new VoidCredit(ID, "top-up:t-1", null))
                .expectException(AccountRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void spend_that_a_promotional_grant_paid_promotes_no_tier_and_spend_a_top_up_paid_does() {
        // Tier 2 needs 100 paid. 150 of a promotion and 50 of a top-up: 120 spent, the promotion pays first (it expires soonest).
        AccountState state = AccountState.folded(opened(BillingMode.PREPAID), credited("t-1", "50", "50"),
                new CreditGranted(ID, "promo", GrantKind.PROMOTIONAL, usd("150"), 100, NOW, MONTH_END, null, usd("200"), NOW));
        List<dev.inference.ledger.kernel.account.AccountEvent> charged = AccountRules.charge(state, new ChargeUsage(ID, List.of(usage("u-1", "120"))),
                UsageTiers.defaults(), RechargePolicy.defaults(), UsageReview.defaults(), NOW);
        assertThat(charged).noneMatch(dev.inference.ledger.kernel.account.AccountEvent.TierPromoted.class::isInstance);
        state = state.evolveAll(charged);
        assertThat(state.paidSpend()).isEqualTo(usd("0"));

        // The next 80: 30 of the promotion, 50 of the top-up: 50 paid, still not 100. Then a top-up of 60 and 55 more: 105 paid.
        state = state.evolveAll(AccountRules.charge(state, new ChargeUsage(ID, List.of(usage("u-2", "80"))), UsageTiers.defaults(),
                RechargePolicy.defaults(), UsageReview.defaults(), NOW));
        assertThat(state.paidSpend()).isEqualTo(usd("50"));
        state = state.evolveAll(AccountRules.topUp(state, new AccountCommand.TopUp(ID, "t-2", usd("60")), UsageTiers.defaults(),
                RechargePolicy.defaults(), NOW));
        List<dev.inference.ledger.kernel.account.AccountEvent> promoted = AccountRules.charge(state, new ChargeUsage(ID, List.of(usage("u-3", "55"))),
                UsageTiers.defaults(), RechargePolicy.defaults(), UsageReview.defaults(), NOW);
        assertThat(promoted).filteredOn(dev.inference.ledger.kernel.account.AccountEvent.TierPromoted.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((dev.inference.ledger.kernel.account.AccountEvent.TierPromoted) e).paidSpend()).isEqualTo(usd("105")));
    }

    @Test
    void a_promotions_part_that_expires_on_its_way_back_is_no_longer_counted_as_free_spend() {
        // 30 charged, all paid by a promotion of 50; it expires, then the record is reversed: its part expires on the way back.
        AccountState state = AccountState.folded(opened(BillingMode.PREPAID),
                new CreditGranted(ID, "promo", GrantKind.PROMOTIONAL, usd("50"), 100, NOW, MONTH_END, null, usd("50"), NOW));
        var charged = AccountRules.charge(state, new ChargeUsage(ID, List.of(usage("u-1", "30"))), UsageTiers.defaults(),
                RechargePolicy.defaults(), UsageReview.defaults(), NOW);
        state = state.evolveAll(charged);
        assertThat(state.grants().freeSpent()).isEqualByComparingTo("30");
        state = state.evolveAll(AccountRules.due(state, RechargePolicy.defaults(), MONTH_END));
        var batch = (dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged) charged.get(0);
        state = state.evolveAll(CorrectionRules.reverse(state, new AccountCommand.ReverseUsage(ID, "u-1", "wrong", "staff",
                new AccountCommand.ChargedUsage(batch.records().get(0), batch.prices().get(0), batch.draws(), List.of(new AccountCommand.GrantTerms(
                        "promo", GrantKind.PROMOTIONAL, 100, NOW, MONTH_END)), null)), RechargePolicy.defaults(), MONTH_END));

        assertThat(state.grants().freeSpent()).isEqualByComparingTo("0");
        assertThat(state.paidSpend()).isEqualTo(usd("0"));
    }
}
