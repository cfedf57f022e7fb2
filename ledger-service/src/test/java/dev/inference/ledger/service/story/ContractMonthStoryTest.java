package dev.inference.ledger.service.story;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.inference.ledger.accounts.AccountCommand;
import dev.inference.ledger.accounts.AccountCommand.ChargedUsage;
import dev.inference.ledger.accounts.AccountCommand.GrantTerms;
import dev.inference.ledger.accounts.AccountRules;
import dev.inference.ledger.accounts.AccountState;
import dev.inference.ledger.accounts.BillingRules;
import dev.inference.ledger.accounts.CorrectionRules;
import dev.inference.ledger.accounts.CreditRules;
import dev.inference.ledger.accounts.PriceTermRules;
import dev.inference.ledger.accounts.RechargePolicy;
import dev.inference.ledger.accounts.UsageReview;
import dev.inference.ledger.accounts.UsageTiers;
import dev.inference.ledger.invoicing.InvoiceCommand;
import dev.inference.ledger.invoicing.InvoiceCommand.PaymentAnswer;
import dev.inference.ledger.invoicing.InvoiceRules;
import dev.inference.ledger.invoicing.InvoiceState;
import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.BillingLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.CommitmentEnded;
import dev.inference.ledger.kernel.account.AccountEvent.CreditExpired;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledClosed;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.account.GrantKind;
import dev.inference.ledger.kernel.invoice.InvoiceEvent;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceCredited;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceIssued;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceRefunded;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.PriceCatalog;
import dev.inference.ledger.kernel.pricing.Rated;
import dev.inference.ledger.kernel.pricing.Rating;
import dev.inference.ledger.kernel.pricing.TokenPrice;
import dev.inference.ledger.kernel.usage.UsageKind;
import dev.inference.ledger.kernel.usage.UsageRecord;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.kernel.usage.UsageRecord.TokenCounts;

/**
 * December 2026 for two customers, on a clock that moves, through the rules alone (the same functions the aggregates call),
 * every figure worked by hand in the comments. The catalog sells model m's input tokens at 2.00 per 1M up to 1M tokens of an
 * account's month, and at 1.00 after (volume tiers).
 * <ul>
 *   <li>Ada (prepaid): a purchased top-up of 100, a promotional grant of 20 that expires on the 15th, a commitment of 3.00
 *   at 20% off; her volume crosses the tier; the commitment runs out and she pays overage; a wrong charge is reversed.</li>
 *   <li>Ben (postpaid): a commitment of 30.00 at 10% off with a true-up; his usage crosses his billing limit and is invoiced
 *   and paid; a charge on the paid invoice is reversed and refunded through a credit note; at the term's end the unused
 *   commitment is trued up onto January's invoice. Over the month he pays exactly his commitment.</li>
 * </ul>
 */
class ContractMonthStoryTest {

    private static final PriceCatalog CATALOG = new PriceCatalog.Builder()
            .tokens("m", "p", TokenPrice.of("2", null, "4"))
            .tokenTier("m", "p", new BigDecimal("1000000"), TokenPrice.of("1", null, "2"))
            .build(1, Instant.parse("2026-01-01T00:00:00Z"), "USD");
    private static final Instant DECEMBER = Instant.parse("2026-12-01T00:00:00Z");
    private static final Instant JANUARY = Instant.parse("2027-01-01T00:00:00Z");

    private static Instant day(int day, int hour) {
        return Instant.parse(String.format("2026-12-%02dT%02d:00:00Z", day, hour));
    }

    private static Money usd(String amount) {
        return Money.of(amount, "USD");
    }

    /** One account's events, folded as they are recorded. */
    private static final class Story {
        AccountState state;
        final List<AccountEvent> events = new ArrayList<>();

        Story(String id, BillingMode mode) {
            record(List.of(AccountRules.open(new AccountCommand.OpenAccount(id, id, mode, "USD"), DECEMBER)));
        }

        List<AccountEvent> record(List<AccountEvent> recorded) {
            for (AccountEvent event : recorded) {
                state = state == null ? AccountState.opened((AccountEvent.AccountOpened) event) : state.evolve(event);
                events.add(event);
            }
            return recorded;
        }

        UsageBatchCharged use(String eventId, long inputTokens, Instant at) {
            UsageRecord usage = new UsageRecord(eventId, UsageKind.TOKENS, state.accountId(), at, "gw-1", Attribution.NONE, "m", "p",
                    new TokenCounts(inputTokens, 0, 0), null, null, null, null, null, null, null);
            var charge = ((Rated.Priced) Rating.rate(usage, CATALOG)).charge();
            List<AccountEvent> charged = record(AccountRules.charge(state, new AccountCommand.ChargeUsage(state.accountId(),
                    List.of(new AccountCommand.UsageToCharge(eventId, at, "gw-1", Attribution.NONE, charge, null))), UsageTiers.defaults(),
                    RechargePolicy.defaults(), UsageReview.defaults(), at));
            return charged.stream().filter(UsageBatchCharged.class::isInstance).map(UsageBatchCharged.class::cast).findFirst().orElseThrow();
        }

        <E extends AccountEvent> E find(Class<E> type) {
            return events.stream().filter(type::isInstance).map(type::cast).reduce((a, b) -> b).orElseThrow();
        }

        BigDecimal balance() {
            return state.balance().amount();
        }

        BigDecimal unbilled() {
            return state.unbilled().amount();
        }
    }

    @Test
    void ada_prepaid_draws_her_promotion_first_crosses_the_tier_uses_up_her_commitment_and_a_wrong_charge_comes_back() {
        Story ada = new Story("ada", BillingMode.PREPAID);
        ada.record(AccountRules.topUp(ada.state, new AccountCommand.TopUp("ada", "t-1", usd("100")), UsageTiers.defaults(),
                RechargePolicy.defaults(), day(1, 9)));
        Instant promoEnds = day(15, 0);
        ada.record(CreditRules.grant(ada.state, new AccountCommand.GrantCredit("ada", "welcome", GrantKind.PROMOTIONAL, usd("20"), null,
                null, promoEnds, "welcome offer"), UsageTiers.defaults(), RechargePolicy.defaults(), day(1, 9)));
        ada.record(PriceTermRules.addCommitment(ada.state, new AccountCommand.AddCommitment("ada", "c-ada", usd("3.00"), day(1, 9), JANUARY,
                new BigDecimal("20"), List.of(), null, false, "December deal"), day(1, 9)));
        assertThat(ada.balance()).isEqualByComparingTo("120");

        // 3 Dec: 600,000 tokens, tier 1: 0.6 × 2.00 = 1.20, at 20% off 0.96. The promotion expires first, so it pays.
        UsageBatchCharged first = ada.use("a-1", 600_000, day(3, 10));
        assertThat(first.total()).isEqualByComparingTo("0.96");
        assertThat(first.draws()).singleElement().satisfies(d -> assertThat(d.grantId()).isEqualTo("welcome"));
        assertThat(ada.balance()).isEqualByComparingTo("119.04");

        // 10 Dec: 800,000 tokens with 600,000 before: 400,000 at 2.00 (0.80) and 400,000 at 1.00 (0.40), 1.20; at 20% off 0.96.
        UsageBatchCharged second = ada.use("a-2", 800_000, day(10, 10));
        assertThat(second.total()).isEqualByComparingTo("0.96");
        assertThat(second.prices().get(0).components()).extracting(c -> c.tier()).containsExactly(1, 2);
        assertThat(ada.balance()).isEqualByComparingTo("118.08");

        // 15 Dec: the promotion's rest, 20 − 0.96 − 0.96 = 18.08, expires; the top-up's 100 is left.
        ada.record(AccountRules.due(ada.state, RechargePolicy.defaults(), promoEnds));
        assertThat(ada.find(CreditExpired.class).amount()).isEqualTo(usd("18.08"));
        assertThat(ada.balance()).isEqualByComparingTo("100");

        // 20 Dec: 2,000,000 tokens, all past the tier: 2.00; at 20% off 1.60. 1.92 consumed before: it starts within the
        // commitment, so it is charged at its rates whole, and the commitment has consumed 3.52 of 3.00.
        assertThat(ada.use("a-3", 2_000_000, day(20, 10)).total()).isEqualByComparingTo("1.6");
        assertThat(ada.balance()).isEqualByComparingTo("98.4");

        // 21 Dec: 1,000,000 tokens past the commitment: overage at 100% of 1.00 = 1.00, from the top-up.
        UsageBatchCharged overage = ada.use("a-4", 1_000_000, day(21, 10));
        assertThat(overage.total()).isEqualByComparingTo("1");
        assertThat(overage.prices().get(0).terms()).isEqualTo("overage:c-ada");
        assertThat(ada.balance()).isEqualByComparingTo("97.4");

        // 22 Dec: a-4 was sent by a test harness: reversed, its 1.00 back to the top-up that paid it.
        var record = overage.records().get(0);
        ada.record(CorrectionRules.reverse(ada.state, new AccountCommand.ReverseUsage("ada", "a-4", "test traffic", "staff",
                new ChargedUsage(record, overage.prices().get(0), overage.draws(), List.of(new GrantTerms("top-up:t-1", GrantKind.PURCHASED,
                        CreditRules.DEFAULT_PRIORITY, day(1, 9), null)), null)), RechargePolicy.defaults(), day(22, 10)));
        assertThat(ada.balance()).isEqualByComparingTo("98.4");
        // She spent 0.96 + 0.96 + 1.60 = 3.52; the promotion gave 1.92 of it, the top-up 1.60; 18.08 expired unused.
        assertThat(ada.state.lifetimeSpend().amount()).isEqualByComparingTo("3.52");
        assertThat(ada.state.grants().find("top-up:t-1").remaining()).isEqualByComparingTo("98.4");

        // 1 Jan: the term ends; a prepaid commitment has no true-up.
        ada.record(AccountRules.due(ada.state, RechargePolicy.defaults(), JANUARY));
        assertThat(ada.find(CommitmentEnded.class).consumed()).isEqualTo(usd("3.52"));
        assertThat(ada.find(CommitmentEnded.class).trueUp()).isEqualTo(usd("0"));
    }

    @Test
    void ben_postpaid_is_invoiced_refunded_a_wrong_charge_and_trued_up_to_exactly_his_commitment() {
        Story ben = new Story("ben", BillingMode.POSTPAID);
        ben.record(List.of(BillingRules.attach(ben.state, new AccountCommand.AttachPaymentMethod("ben", "pm_visa", "visa"), day(1, 9))));
        ben.record(PriceTermRules.addCommitment(ben.state, new AccountCommand.AddCommitment("ben", "c-ben", usd("30.00"), day(1, 9), JANUARY,
                new BigDecimal("10"), List.of(), null, true, "annual deal, December pilot"), day(1, 9)));

        // 2 Dec: 12,000,000 tokens: 1M at 2.00 + 11M at 1.00 = 13.00, at 10% off 11.70.
        assertThat(ben.use("b-1", 12_000_000, day(2, 10)).total()).isEqualByComparingTo("11.7");
        // 3 Dec: 10,000,000 tokens, all at 1.00: 10.00, at 10% off 9.00. Unbilled 20.70 passes tier 1's billing limit of 20.
        assertThat(ben.use("b-2", 10_000_000, day(3, 10)).total()).isEqualByComparingTo("9");
        assertThat(ben.unbilled()).isEqualByComparingTo("20.7");
        assertThat(ben.find(BillingLimitReached.class)).isNotNull();

        // The threshold invoice takes the 20.70 (lines at the contract's rates) and the card pays it.
        InvoiceState invoice = invoice(ben, "ben/threshold/1", "INV-2026-000001", UnbilledClosed.THRESHOLD, null, day(3, 10));
        assertThat(invoice.total()).isEqualTo(usd("20.70"));
        invoice = apply(invoice, InvoiceRules.paymentOutcome(invoice, new InvoiceCommand.RecordPaymentOutcome("ben/threshold/1", 1, 1,
                PaymentAnswer.SUCCEEDED, "pay-1", null), new dev.inference.ledger.invoicing.PaymentSchedule(3, java.time.Duration.ofMinutes(1)),
                day(3, 10)));
        ben.record(BillingRules.paid(ben.state, new AccountCommand.RecordInvoicePaid("ben", "ben/threshold/1", "INV-2026-000001",
                usd("20.70")), UsageTiers.defaults(), RechargePolicy.defaults(), day(3, 10)));

        // 8 Dec: b-2 was the gateway counting a batch twice. It is on the paid invoice: reversed, refunded by a credit note of 9.00;
        // the commitment has consumed 11.70 again.
        var b2 = ben.events.stream().filter(UsageBatchCharged.class::isInstance).map(UsageBatchCharged.class::cast)
                .filter(b -> b.records().get(0).eventId().equals("b-2")).findFirst().orElseThrow();
        UsageReversed reversed = (UsageReversed) ben.record(CorrectionRules.reverse(ben.state, new AccountCommand.ReverseUsage("ben", "b-2",
                "counted twice by the gateway", "staff", new ChargedUsage(b2.records().get(0), b2.prices().get(0), List.of(), List.of(),
                "ben/threshold/1"), InvoiceEvent.REFUND), RechargePolicy.defaults(), day(8, 10))).get(0);
        assertThat(reversed.invoiceCredit().amount()).isEqualTo(usd("9.00"));
        assertThat(ben.state.terms().commitments().get(0).consumed()).isEqualByComparingTo("11.7");
        invoice = apply(invoice, InvoiceRules.credit(invoice, new InvoiceCommand.CreditInvoice("ben/threshold/1", "reversal:b-2",
                reversed.invoiceCredit().amount(), InvoiceEvent.REFUND, "counted twice", "b-2", true), () -> "CN-2026-000001", day(8, 10)));
        assertThat(invoice.credited()).isEqualByComparingTo("9");
        List<InvoiceEvent> refund = InvoiceRules.refundOutcome(invoice, new InvoiceCommand.RecordRefundOutcome("ben/threshold/1",
                "CN-2026-000001", usd("9.00"), PaymentAnswer.SUCCEEDED, "re-1", null), day(8, 11));
        assertThat(refund).singleElement().isInstanceOf(InvoiceRefunded.class);
        invoice = apply(invoice, refund);
        assertThat(InvoiceRules.refundOutcome(invoice, new InvoiceCommand.RecordRefundOutcome("ben/threshold/1", "CN-2026-000001", usd("9.00"),
                PaymentAnswer.SUCCEEDED, "re-1", null), day(8, 12))).as("refunded once").isEmpty();

        // 1 Jan: the term ends with 11.70 of 30.00 consumed: a true-up of 18.30, on December's invoice of the monthly run.
        ben.record(AccountRules.due(ben.state, RechargePolicy.defaults(), JANUARY));
        assertThat(ben.find(CommitmentEnded.class).trueUp()).isEqualTo(usd("18.30"));
        assertThat(ben.unbilled()).isEqualByComparingTo("18.3");
        InvoiceState december = invoice(ben, "ben/monthly/2026-12", "INV-2027-000001", UnbilledClosed.MONTHLY, JANUARY, JANUARY.plusSeconds(30));
        assertThat(december.total()).isEqualTo(usd("18.30"));

        // Paid over the month: 20.70 − 9.00 refunded + 18.30 = 30.00, his commitment exactly.
        assertThat(invoice.total().amount().subtract(invoice.credited()).add(december.total().amount())).isEqualByComparingTo("30");
    }

    /** The account closes its unbilled lines onto an invoice, which is issued with them (as the invoice issuer does). */
    private static InvoiceState invoice(Story story, String invoiceId, String number, String kind, Instant cutoff, Instant now) {
        List<AccountEvent> closed = story.record(BillingRules.close(story.state, new AccountCommand.CloseUnbilled(story.state.accountId(),
                invoiceId, kind, cutoff), UsageTiers.defaults(), RechargePolicy.defaults(), now));
        UnbilledClosed taken = (UnbilledClosed) closed.get(0);
        InvoiceIssued issued = (InvoiceIssued) InvoiceRules.issue(new InvoiceCommand.IssueInvoice(invoiceId, number, story.state.accountId(), kind,
                "USD", DECEMBER, now, taken.lines(), BigDecimal.ZERO), now).get(0);
        return new InvoiceState(invoiceId, number, issued.accountId(), issued.totalMoney(), false, false, false, 1, 1, BigDecimal.ZERO,
                java.util.Map.of(), java.util.Set.of(), false, false);
    }

    private static InvoiceState apply(InvoiceState state, List<InvoiceEvent> events) {
        InvoiceState next = state;
        for (InvoiceEvent event : events) {
            next = event.fold(next);
        }
        return next;
    }
}
