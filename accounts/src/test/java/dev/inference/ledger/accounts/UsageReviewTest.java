package dev.inference.ledger.accounts;

import static dev.inference.ledger.accounts.AccountEvents.ID;
import static dev.inference.ledger.accounts.AccountEvents.NOW;
import static dev.inference.ledger.accounts.AccountEvents.charge;
import static dev.inference.ledger.accounts.AccountEvents.charged;
import static dev.inference.ledger.accounts.AccountEvents.credited;
import static dev.inference.ledger.accounts.AccountEvents.opened;
import static dev.inference.ledger.accounts.AccountEvents.usage;
import static dev.inference.ledger.accounts.AccountEvents.usd;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.BalanceExhausted;
import dev.inference.ledger.kernel.account.AccountEvent.BillingLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.HeldUsageApproved;
import dev.inference.ledger.kernel.account.AccountEvent.HeldUsageRejected;
import dev.inference.ledger.kernel.account.AccountEvent.TierPromoted;
import dev.inference.ledger.kernel.account.AccountEvent.UsageHeldForReview;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.accounts.AccountCommand.ApproveHeldUsage;
import dev.inference.ledger.accounts.AccountCommand.ChargeUsage;
import dev.inference.ledger.accounts.AccountCommand.RejectHeldUsage;

/** One usage record above the review ceiling (here 1,000) is held, not charged, until an admin decides, given-when-then. */
class UsageReviewTest {

    private static final UsageHeldForReview HELD = new UsageHeldForReview(ID, "u-big", NOW, "gw-1", Attribution.NONE, charge("77740002.76"),
            null, usd("1000"), NOW);

    private AggregateTestFixture<Account> fixture;

    @BeforeEach
    void setUp() {
        fixture = AccountEvents.fixture(NOW, RechargePolicy.defaults(), new UsageReview(new BigDecimal("1000")));
    }

    @Test
    void a_record_costing_more_than_the_ceiling_is_held_not_charged_and_its_batch_goes_on() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "50", "50"))
                .when(new ChargeUsage(ID, List.of(usage("u-1", "5"), usage("u-big", "77740002.76"), usage("u-2", "1000"))))
                .expectEvents(AccountEvents.paidBy(AccountEvents.batch(BillingMode.PREPAID, "50", "-955", "0", "1005", AccountEvents.record("u-1", "5"),
                                AccountEvents.record("u-2", "1000")), "top-up:t-1", "50"),
                        HELD,
                        new BalanceExhausted(ID, usd("-955"), NOW, 1),
                        new AccountSuspended(ID, "balance-exhausted", usd("-955"), NOW, 1));
    }

    @Test
    void an_approved_record_is_charged_as_it_was_held_with_what_its_charge_triggers() {
        fixture.given(opened(BillingMode.POSTPAID), HELD)
                .when(new ApproveHeldUsage(ID, "u-big"))
                .expectEvents(new HeldUsageApproved(ID, "u-big", usd("77740002.76"), NOW),
                        charged("u-big", "77740002.76", BillingMode.POSTPAID, "0", "77740002.76", "77740002.76"),
                        new BillingLimitReached(ID, 1, usd("20"), usd("77740002.76"), NOW, 0))
                .expectState(account -> assertThat(account.state().heldUsage()).isEmpty());
    }

    @Test
    void an_unknown_record_cannot_be_approved() {
        fixture.given(opened(BillingMode.POSTPAID), HELD)
                .when(new ApproveHeldUsage(ID, "u-other"))
                .expectException(AccountRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void a_rejected_record_is_never_charged_and_cannot_be_approved_after() {
        fixture.given(opened(BillingMode.PREPAID), HELD)
                .when(new RejectHeldUsage(ID, "u-big", "a counter overflowed at the gateway"))
                .expectEvents(new HeldUsageRejected(ID, "u-big", usd("77740002.76"), "a counter overflowed at the gateway", NOW));
        fixture.given(opened(BillingMode.PREPAID), HELD, new HeldUsageRejected(ID, "u-big", usd("77740002.76"), "bug", NOW))
                .when(new ApproveHeldUsage(ID, "u-big"))
                .expectException(AccountRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void past_a_thousand_records_waiting_for_review_the_next_is_refused_not_held() {
        List<Object> given = new java.util.ArrayList<>(List.of(opened(BillingMode.PREPAID)));
        for (int i = 0; i < UsageReview.MAX_HELD_PER_ACCOUNT; i++) {
            given.add(new UsageHeldForReview(ID, "u-held-" + i, NOW, "gw-1", Attribution.NONE, charge("5000"), null, usd("1000"), NOW));
        }
        fixture.given(given)
                .when(new ChargeUsage(ID, List.of(usage("u-one-more", "5000"))))
                .expectEventsMatching(org.axonframework.test.matchers.Matchers.exactSequenceOf(
                        org.axonframework.test.matchers.Matchers.messageWithPayload(org.hamcrest.Matchers.allOf(
                                org.hamcrest.Matchers.instanceOf(dev.inference.ledger.kernel.account.AccountEvent.UsageRefused.class),
                                org.hamcrest.Matchers.hasToString(org.hamcrest.Matchers.containsString("review-queue-full")))),
                        org.axonframework.test.matchers.Matchers.andNoMore()));
    }

    @Test
    void a_record_at_the_ceiling_is_charged() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "5000", "5000"))
                .when(new ChargeUsage(ID, List.of(usage("u-1", "1000"))))
                .expectEvents(AccountEvents.paidBy(charged("u-1", "1000", BillingMode.PREPAID, "4000", "0", "1000"), "top-up:t-1", "1000"),
                        new TierPromoted(ID, 1, 3, usd("500"), usd("1000"), NOW, 0));
    }
}
