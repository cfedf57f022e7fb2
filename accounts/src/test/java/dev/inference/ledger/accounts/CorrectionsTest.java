package dev.inference.ledger.accounts;

import static dev.inference.ledger.accounts.AccountEvents.ID;
import static dev.inference.ledger.accounts.AccountEvents.NOW;
import static dev.inference.ledger.accounts.AccountEvents.PRICE;
import static dev.inference.ledger.accounts.AccountEvents.charged;
import static dev.inference.ledger.accounts.AccountEvents.credited;
import static dev.inference.ledger.accounts.AccountEvents.opened;
import static dev.inference.ledger.accounts.AccountEvents.paidBy;
import static dev.inference.ledger.accounts.AccountEvents.record;
import static dev.inference.ledger.accounts.AccountEvents.usd;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.account.AccountEvent.AccountReinstated;
import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.BalanceExhausted;
import dev.inference.ledger.kernel.account.AccountEvent.CreditGranted;
import dev.inference.ledger.kernel.account.AccountEvent.GrantReturn;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledLine;
import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.account.GrantDraw;
import dev.inference.ledger.kernel.account.GrantKind;
import dev.inference.ledger.accounts.AccountCommand.ChargedUsage;
import dev.inference.ledger.accounts.AccountCommand.GrantTerms;
import dev.inference.ledger.accounts.AccountCommand.ReverseUsage;

/** Reversing a charged usage record, given-when-then: its cost comes back once, to what paid it. */
class CorrectionsTest {

    private static final Instant EXPIRY = NOW.plus(Duration.ofDays(8));
    private static final GrantTerms PROMO = new GrantTerms("promo-1", GrantKind.PROMOTIONAL, 100, NOW, EXPIRY);
    private static final GrantTerms TOP_UP = new GrantTerms("top-up:t-1", GrantKind.PURCHASED, 100, NOW, null);
    private static final CreditGranted PROMO_GRANTED = new CreditGranted(ID, "promo-1", GrantKind.PROMOTIONAL, usd("25"), 100, NOW, EXPIRY,
            null, usd("125"), NOW);

    private final AggregateTestFixture<Account> fixture = AccountEvents.fixture();

    private static ChargedUsage usage(String cost, List<GrantDraw> paidBy, String invoiceId, GrantTerms... terms) {
        return new ChargedUsage(record("u-1", cost), PRICE, paidBy, List.of(terms), invoiceId);
    }

    private static GrantDraw draw(String grantId, String amount) {
        return new GrantDraw(grantId, usd(amount).amount());
    }

    @Test
    void each_grant_gets_back_what_it_paid_and_a_grant_drawn_to_nothing_opens_again() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "100", "100"), PROMO_GRANTED,
                        paidBy(charged("u-1", "30", BillingMode.PREPAID, "95", "0", "30"), "promo-1", "25", "top-up:t-1", "5"))
                .when(new ReverseUsage(ID, "u-1", "the gateway counted a retry twice", "staff",
                        usage("30", List.of(draw("promo-1", "25"), draw("top-up:t-1", "5")), null, PROMO, TOP_UP)))
                .expectEvents(new UsageReversed(ID, "u-1", "the gateway counted a retry twice", "staff", BillingMode.PREPAID, usd("30"), record("u-1", "30"), PRICE,
                        List.of(new GrantReturn("promo-1", GrantKind.PROMOTIONAL, 100, NOW, EXPIRY, usd("25").amount()),
                                new GrantReturn("top-up:t-1", GrantKind.PURCHASED, 100, NOW, null, usd("5").amount())),
                        usd("0"), List.of(), usd("125"), usd("0"), usd("0"), NOW));
    }

    @Test
    void a_grant_opened_again_by_a_reversal_was_used_and_cannot_be_voided() {
        UsageReversed reversed = new UsageReversed(ID, "u-1", "counted twice", "staff", BillingMode.PREPAID, usd("25"), record("u-1", "25"), PRICE,
                List.of(new GrantReturn("promo-1", GrantKind.PROMOTIONAL, 100, NOW, EXPIRY, usd("25").amount())), usd("0"), List.of(), usd("125"),
                usd("0"), usd("0"), NOW);
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "100", "100"), PROMO_GRANTED,
                        paidBy(charged("u-1", "25", BillingMode.PREPAID, "100", "0", "25"), "promo-1", "25"), reversed)
                .when(new dev.inference.ledger.accounts.AccountCommand.VoidCredit(ID, "promo-1", "by mistake"))
                .expectException(AccountRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void what_a_grant_that_expired_since_paid_expires_on_its_way_back() {
        AggregateTestFixture<Account> later = AccountEvents.fixture(EXPIRY.plusSeconds(1), RechargePolicy.defaults(), UsageReview.defaults());
        later.given(opened(BillingMode.PREPAID), credited("t-1", "100", "100"), PROMO_GRANTED,
                        paidBy(charged("u-1", "10", BillingMode.PREPAID, "115", "0", "10"), "promo-1", "10"),
                        new dev.inference.ledger.kernel.account.AccountEvent.CreditExpired(ID, "promo-1", GrantKind.PROMOTIONAL, usd("15"),
                                usd("100"), EXPIRY))
                .when(new ReverseUsage(ID, "u-1", "wrong model", "staff", usage("10", List.of(draw("promo-1", "10")), null, PROMO)))
                .expectEvents(new UsageReversed(ID, "u-1", "wrong model", "staff", BillingMode.PREPAID, usd("10"), record("u-1", "10"), PRICE, List.of(), usd("10"),
                        List.of(), usd("100"), usd("0"), usd("0"), EXPIRY.plusSeconds(1), null, usd("10"), null));
    }

    @Test
    void a_reversal_pays_what_is_owed_first_and_reinstates_a_suspended_account() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "5", "5"),
                        paidBy(charged("u-1", "8", BillingMode.PREPAID, "-3", "0", "8"), "top-up:t-1", "5"),
                        new BalanceExhausted(ID, usd("-3"), NOW), new AccountSuspended(ID, "balance-exhausted", usd("-3"), NOW))
                .when(new ReverseUsage(ID, "u-1", "test traffic", "gateway", usage("8", List.of(draw("top-up:t-1", "5")), null, TOP_UP)))
                .expectEvents(new UsageReversed(ID, "u-1", "test traffic", "gateway", BillingMode.PREPAID, usd("8"), record("u-1", "8"), PRICE,
                                List.of(new GrantReturn("top-up:t-1", GrantKind.PURCHASED, 100, NOW, null, usd("5").amount())), usd("0"),
                                List.of(), usd("5"), usd("0"), usd("0"), NOW),
                        new AccountReinstated(ID, usd("5"), NOW));
    }

    @Test
    void usage_that_went_below_zero_and_was_paid_since_comes_back_as_a_grant_of_its_own() {
        fixture.given(opened(BillingMode.PREPAID), charged("u-1", "8", BillingMode.PREPAID, "-8", "0", "8"), credited("t-1", "20", "12"))
                .when(new ReverseUsage(ID, "u-1", "test traffic", "staff", usage("8", List.of(), null)))
                .expectEvents(new UsageReversed(ID, "u-1", "test traffic", "staff", BillingMode.PREPAID, usd("8"), record("u-1", "8"), PRICE,
                        List.of(new GrantReturn("reversal:u-1", GrantKind.PURCHASED, 100, NOW, null, usd("8").amount())), usd("0"),
                        List.of(), usd("20"), usd("0"), usd("0"), NOW));
    }

    @Test
    void the_month_spend_of_a_budget_the_record_counted_in_falls_and_a_scope_it_blocked_is_unblocked() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "100", "100"),
                        new dev.inference.ledger.kernel.account.AccountEvent.BudgetSet(ID, "account", ID, "month", usd("10"), List.of(), NOW),
                        paidBy(charged("u-1", "12", BillingMode.PREPAID, "88", "0", "12"), "top-up:t-1", "12"),
                        new dev.inference.ledger.kernel.account.AccountEvent.BudgetBlocked(ID, "account", ID, "2026-11", usd("12"), usd("10"), NOW))
                .when(new ReverseUsage(ID, "u-1", "a loop in the client", "staff", usage("12", List.of(draw("top-up:t-1", "12")), null, TOP_UP)))
                .expectEvents(new UsageReversed(ID, "u-1", "a loop in the client", "staff", BillingMode.PREPAID, usd("12"), record("u-1", "12"),
                                PRICE, List.of(new GrantReturn("top-up:t-1", GrantKind.PURCHASED, 100, NOW, null, usd("12").amount())), usd("0"),
                                List.of(), usd("100"), usd("0"), usd("0"), NOW),
                        new dev.inference.ledger.kernel.account.AccountEvent.BudgetUnblocked(ID, "account", ID, "2026-11", usd("0"), usd("10"), NOW));
    }

    @Test
    void a_record_is_reversed_once() {
        UsageReversed once = new UsageReversed(ID, "u-1", "twice counted", "staff", BillingMode.PREPAID, usd("10"), record("u-1", "10"), PRICE,
                List.of(new GrantReturn("top-up:t-1", GrantKind.PURCHASED, 100, NOW, null, usd("10").amount())), usd("0"), List.of(),
                usd("100"), usd("0"), usd("0"), NOW);
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "100", "100"),
                        paidBy(charged("u-1", "10", BillingMode.PREPAID, "90", "0", "10"), "top-up:t-1", "10"), once)
                .when(new ReverseUsage(ID, "u-1", "again", "staff", usage("10", List.of(draw("top-up:t-1", "10")), null, TOP_UP)))
                .expectException(AccountRuleViolation.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("reversed once"))
                .expectNoEvents();
    }

    @Test
    void a_postpaid_record_not_yet_invoiced_becomes_a_credit_line_on_the_next_invoice() {
        UnbilledLine credit = new UnbilledLine("2026-11", "tokens", "deepseek-ai/DeepSeek-V3", "deepinfra", 1, "input reversed",
                BigDecimal.ONE, "1M tokens", new BigDecimal("-1"), usd("-12").amount(), 1, NOW, NOW);
        fixture.given(opened(BillingMode.POSTPAID), charged("u-1", "12", BillingMode.POSTPAID, "0", "12", "12"))
                .when(new ReverseUsage(ID, "u-1", "duplicate", "staff", usage("12", List.of(), null)))
                .expectEvents(new UsageReversed(ID, "u-1", "duplicate", "staff", BillingMode.POSTPAID, usd("12"), record("u-1", "12"), PRICE, List.of(), usd("0"),
                        List.of(credit), usd("0"), usd("0"), usd("0"), NOW));
        AccountState after = AccountState.folded(opened(BillingMode.POSTPAID), charged("u-1", "12", BillingMode.POSTPAID, "0", "12", "12"),
                new UsageReversed(ID, "u-1", "duplicate", "staff", BillingMode.POSTPAID, usd("12"), record("u-1", "12"), PRICE, List.of(), usd("0"), List.of(credit),
                        usd("0"), usd("0"), usd("0"), NOW));
        // The next invoice takes the charge's line and its credit line: they sum to nothing.
        org.assertj.core.api.Assertions.assertThat(BillingRules.unbilled(after)).extracting(UnbilledLine::amount)
                .map(BigDecimal::stripTrailingZeros).containsExactlyInAnyOrder(new BigDecimal("12"), new BigDecimal("-12"));
    }

    @Test
    void a_record_already_invoiced_is_corrected_on_its_invoice_and_a_reversal_says_why() {
        // 12.004: a credit note of 12.00 on its invoice, refunded; the 0.004 below a cent is a credit line of the next invoice.
        var usage = new ChargedUsage(record("u-1", "12.004"), PRICE, List.of(), List.of(), "inv-1");
        AccountState state = AccountState.folded(opened(BillingMode.POSTPAID), charged("u-1", "12.004", BillingMode.POSTPAID, "0", "0", "12.004"));
        UsageReversed reversed = (UsageReversed) CorrectionRules.reverse(state, new ReverseUsage(ID, "u-1", "duplicate", "staff", usage,
                "refund"), RechargePolicy.defaults(), NOW).get(0);
        org.assertj.core.api.Assertions.assertThat(reversed.invoiceCredit())
                .isEqualTo(new dev.inference.ledger.kernel.account.AccountEvent.InvoiceCredit("inv-1", usd("12.00"), "refund"));
        org.assertj.core.api.Assertions.assertThat(reversed.creditLines()).singleElement()
                .satisfies(line -> org.assertj.core.api.Assertions.assertThat(line.amount()).isEqualByComparingTo("-0.004"));
        org.assertj.core.api.Assertions.assertThat(reversed.unbilledAfter()).isEqualTo(usd("-0.004"));
        org.assertj.core.api.Assertions.assertThat(reversed.lifetimeSpendAfter()).isEqualTo(usd("0"));
        fixture.given(opened(BillingMode.POSTPAID), charged("u-1", "12", BillingMode.POSTPAID, "0", "0", "12"))
                .when(new ReverseUsage(ID, "u-1", "duplicate", "staff", usage("12", List.of(), "inv-1"), "cash"))
                .expectException(AccountRuleViolation.class)
                .expectNoEvents();
        fixture.given(opened(BillingMode.POSTPAID), charged("u-1", "12", BillingMode.POSTPAID, "0", "12", "12"))
                .when(new ReverseUsage(ID, "u-1", " ", "staff", usage("12", List.of(), null)))
                .expectException(AccountRuleViolation.class)
                .expectNoEvents();
    }
}
