package dev.inference.ledger.accounts;

import static dev.inference.ledger.accounts.AccountEvents.ID;
import static dev.inference.ledger.accounts.AccountEvents.NOW;
import static dev.inference.ledger.accounts.AccountEvents.opened;
import static dev.inference.ledger.accounts.AccountEvents.usd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.inference.ledger.accounts.AccountCommand.AddCommitment;
import dev.inference.ledger.accounts.AccountCommand.ChargeUsage;
import dev.inference.ledger.accounts.AccountCommand.SetPriceOverride;
import dev.inference.ledger.accounts.AccountCommand.UsageToCharge;
import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.CommitmentEnded;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceUsed;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.account.ItemPrice;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.Charge;
import dev.inference.ledger.kernel.pricing.ChargeLine;
import dev.inference.ledger.kernel.pricing.VolumeTiers;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;

/** An account's own prices, given-when-then: volume tiers, price overrides, commitments and their true-up. */
class PriceTermsTest {

    private static final Instant END = NOW.plus(Duration.ofDays(30));

    /** A token charge as the catalog rates it: input at 2.00 / 1M up to 1M tokens of the month, then 1.00. */
    private static Charge listed(long input) {
        BigDecimal quantity = BigDecimal.valueOf(input);
        Money cost = usd(quantity.multiply(BigDecimal.valueOf(2)).movePointLeft(6).toPlainString());
        return new Charge("tokens", "m", "p", 1, List.of(new ChargeLine("input", quantity, new BigDecimal("2"), "1M tokens", cost)), cost,
                List.of(new VolumeTiers.Step(new BigDecimal("1000000"), List.of(BigDecimal.ONE))), Charge.CATALOG);
    }

    private static UsageToCharge usage(String id, long input, Instant occurredAt) {
        return new UsageToCharge(id, occurredAt, "gw-1", Attribution.NONE, listed(input), null);
    }

    private static List<AccountEvent> charge(AccountState state, Instant now, UsageToCharge... usage) {
        return AccountRules.charge(state, new ChargeUsage(ID, List.of(usage)), UsageTiers.defaults(), RechargePolicy.defaults(),
                UsageReview.defaults(), now);
    }

    private static UsageBatchCharged batch(List<AccountEvent> events) {
        return events.stream().filter(UsageBatchCharged.class::isInstance).map(UsageBatchCharged.class::cast).findFirst().orElseThrow();
    }

    private static AccountState given(BillingMode mode, AccountEvent... events) {
        return AccountState.folded(opened(mode), events);
    }

    private static AccountState after(AccountState state, List<AccountEvent> events) {
        return state.evolveAll(events);
    }

    @Test
    void the_months_volume_carries_from_batch_to_batch_and_starts_again_next_month() {
        AccountState state = given(BillingMode.POSTPAID);
        // 800,000 tokens at 2.00 = 1.60; then 400,000: 200,000 at 2.00 + 200,000 at 1.00 = 0.60
        List<AccountEvent> first = charge(state, NOW, usage("u-1", 800_000, NOW));
        state = after(state, first);
        UsageBatchCharged second = batch(charge(state, NOW, usage("u-2", 400_000, NOW)));

        assertThat(batch(first).total()).isEqualByComparingTo("1.6");
        assertThat(second.total()).isEqualByComparingTo("0.6");
        assertThat(second.prices().get(0).components()).extracting(c -> c.tier()).containsExactly(1, 2);
        state = after(state, List.of(second));
        assertThat(state.terms().volumeOf("m", "p", NOW)).isEqualByComparingTo("1200000");

        // The first of the next month: 100,000 tokens at the first price again
        Instant nextMonth = Instant.parse("2026-12-01T00:00:00Z");
        assertThat(batch(charge(state, nextMonth, usage("u-3", 100_000, nextMonth))).total()).isEqualByComparingTo("0.2");
    }

    @Test
    void the_accounts_own_price_holds_for_records_that_occur_from_its_time_and_replaces_the_tiers() {
        Instant from = NOW.minus(Duration.ofHours(1));
        List<AccountEvent> set = PriceTermRules.setOverride(given(BillingMode.POSTPAID),
                new SetPriceOverride(ID, new ItemPrice("m", null, new BigDecimal("1.5"), null, new BigDecimal("3"), null), from, "negotiated"),
                NOW);
        AccountState state = given(BillingMode.POSTPAID, set.toArray(AccountEvent[]::new));

        // Before its time: the catalog's 2.00. From it: 1.50, whatever the volume; 1.2M tokens = 1.80 flat.
        UsageBatchCharged charged = batch(charge(state, NOW, usage("u-1", 1_000_000, from.minusSeconds(1)), usage("u-2", 1_200_000, from)));
        assertThat(charged.records()).extracting(r -> r.cost()).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("2"), new BigDecimal("1.8"));
        assertThat(charged.prices().get(charged.records().get(1).price()).terms()).isEqualTo(PriceUsed.OVERRIDE);
        assertThat(charged.prices().get(charged.records().get(1).price()).components()).extracting(c -> c.tier()).containsOnlyNulls();

        // The same price again changes nothing; another at the same time is refused
        assertThat(PriceTermRules.setOverride(state, new SetPriceOverride(ID, new ItemPrice("m", null, new BigDecimal("1.50"), null,
                new BigDecimal("3.0"), null), from, null), NOW)).isEmpty();
        assertThatThrownBy(() -> PriceTermRules.setOverride(state, new SetPriceOverride(ID, new ItemPrice("m", null, BigDecimal.ONE, null,
                BigDecimal.ONE, null), from, null), NOW)).hasMessageContaining("later time");
    }

    private static AddCommitment commitment(String amount, boolean trueUp) {
        return new AddCommitment(ID, "c-2026", usd(amount), NOW, END, new BigDecimal("20"), List.of(), new BigDecimal("110"), trueUp,
                "annual contract");
    }

    @Test
    void a_commitment_prices_usage_at_its_discount_until_used_then_at_its_overage_rate() {
        AccountState state = given(BillingMode.POSTPAID);
        state = after(state, PriceTermRules.addCommitment(state, commitment("2", false), NOW));

        // 1,000,000 tokens: 2.00 list, 1.60 at 20% off. Consumed 1.60 of 2.00.
        // The next record starts within the commitment: 500,000 tokens, tier 2 (1.00), 0.40 at 20% off; consumed 2.00.
        // The third is overage: 500,000 at 1.00 × 110% = 0.55.
        List<AccountEvent> first = charge(state, NOW, usage("u-1", 1_000_000, NOW), usage("u-2", 500_000, NOW), usage("u-3", 500_000, NOW));
        UsageBatchCharged charged = batch(first);
        assertThat(charged.records()).extracting(r -> r.cost()).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("1.6"), new BigDecimal("0.4"), new BigDecimal("0.55"));
        assertThat(charged.records()).extracting(r -> charged.prices().get(r.price()).terms())
                .containsExactly("commitment:c-2026", "commitment:c-2026", "overage:c-2026");
        state = after(state, first);
        assertThat(state.terms().commitment("c-2026").consumed()).isEqualByComparingTo("2");
        assertThat(state.unbilled()).isEqualTo(usd("2.55"));
    }

    @Test
    void the_commitments_own_price_for_a_model_comes_before_its_discount() {
        AccountState state = given(BillingMode.PREPAID);
        AddCommitment withPrice = new AddCommitment(ID, "c-1", usd("100"), NOW, END, new BigDecimal("20"),
                List.of(new ItemPrice("m", "p", new BigDecimal("0.5"), null, new BigDecimal("1"), null)), null, false, null);
        state = after(state, PriceTermRules.addCommitment(state, withPrice, NOW));

        assertThat(batch(charge(state, NOW, usage("u-1", 2_000_000, NOW))).total()).isEqualByComparingTo("1");
    }

    @Test
    void at_the_terms_end_what_was_not_used_is_trued_up_on_the_next_invoice() {
        AccountState state = given(BillingMode.POSTPAID);
        state = after(state, PriceTermRules.addCommitment(state, commitment("10", true), NOW));
        state = after(state, charge(state, NOW, usage("u-1", 1_000_000, NOW))); // 1.60 consumed

        List<AccountEvent> due = AccountRules.due(state, RechargePolicy.defaults(), END);
        assertThat(due).singleElement().isInstanceOfSatisfying(CommitmentEnded.class, ended -> {
            assertThat(ended.consumed()).isEqualTo(usd("1.6"));
            assertThat(ended.trueUp()).isEqualTo(usd("8.4"));
            assertThat(ended.unbilledAfter()).isEqualTo(usd("10"));
            assertThat(ended.trueUpLine().period()).isEqualTo("2026-12");
            assertThat(ended.trueUpLine().amount()).isEqualByComparingTo("8.4");
        });
        AccountState ended = after(state, due);
        assertThat(ended.billing().unbilled().values()).anySatisfy(line -> assertThat(line.component()).isEqualTo("true-up"));
        // After its end, usage is priced as before it: 1M tokens of December at 2.00
        assertThat(batch(charge(ended, END, usage("u-2", 1_000_000, END))).total()).isEqualByComparingTo("2");
        assertThat(AccountRules.due(ended, RechargePolicy.defaults(), END)).isEmpty();
    }

    @Test
    void a_reversed_record_gives_back_what_it_consumed_of_its_commitment() {
        AccountState state = given(BillingMode.POSTPAID);
        state = after(state, PriceTermRules.addCommitment(state, commitment("10", true), NOW));
        UsageBatchCharged charged = batch(charge(state, NOW, usage("u-1", 1_000_000, NOW)));
        state = after(state, List.of(charged));
        var record = charged.records().get(0);
        List<AccountEvent> reversal = CorrectionRules.reverse(state, new AccountCommand.ReverseUsage(ID, "u-1", "wrong count", "staff",
                new AccountCommand.ChargedUsage(record, charged.prices().get(0), List.of(), List.of(), null)), RechargePolicy.defaults(), NOW);

        assertThat(after(state, reversal).terms().commitment("c-2026").consumed()).isEqualByComparingTo("0");
    }

    @Test
    void commitments_never_overlap_a_true_up_needs_an_invoice_and_the_same_terms_again_change_nothing() {
        AccountState postpaid = given(BillingMode.POSTPAID);
        AccountState committed = after(postpaid, PriceTermRules.addCommitment(postpaid, commitment("10", true), NOW));

        assertThat(PriceTermRules.addCommitment(committed, commitment("10", true), NOW)).isEmpty();
        assertThatThrownBy(() -> PriceTermRules.addCommitment(committed, commitment("11", true), NOW))
                .hasFieldOrPropertyWithValue("code", "commitment-exists");
        assertThatThrownBy(() -> PriceTermRules.addCommitment(committed, new AddCommitment(ID, "c-2", usd("5"), END.minusSeconds(1),
                END.plus(Duration.ofDays(30)), null, null, null, false, null), NOW)).hasFieldOrPropertyWithValue("code", "commitment-overlaps");
        AccountState prepaid = given(BillingMode.PREPAID);
        assertThatThrownBy(() -> PriceTermRules.addCommitment(prepaid, commitment("10", true), NOW))
                .hasFieldOrPropertyWithValue("code", "true-up-needs-postpaid");
        List<AddCommitment> bad = new ArrayList<>();
        bad.add(new AddCommitment(ID, "c-3", usd("10"), NOW, NOW, null, null, null, false, null));
        bad.add(new AddCommitment(ID, "c-3", usd("10"), NOW, END, new BigDecimal("100.5"), null, null, false, null));
        bad.add(new AddCommitment(ID, "c-3", usd("10"), NOW, END, null, null, new BigDecimal("1000.01"), false, null));
        bad.add(new AddCommitment(ID, "c-3", usd("0"), NOW, END, null, null, null, false, null));
        bad.add(new AddCommitment(ID, "c 3", usd("10"), NOW, END, null, null, null, false, null));
        bad.add(new AddCommitment(ID, "c-3", usd("10"), NOW, END, null, List.of(new ItemPrice("m", null, BigDecimal.ONE, null, null, null)),
                null, false, null));
        for (AddCommitment command : bad) {
            assertThatThrownBy(() -> PriceTermRules.addCommitment(prepaid, command, NOW)).as(command.toString())
                    .hasFieldOrPropertyWithValue("code", "invalid-commitment");
        }
    }

    @Test
    void a_record_reversed_after_its_commitment_ended_adds_to_the_true_up_what_it_no_longer_consumes() {
        AccountState state = given(BillingMode.POSTPAID);
        state = after(state, PriceTermRules.addCommitment(state, commitment("10", true), NOW));
        UsageBatchCharged charged = batch(charge(state, NOW, usage("u-1", 1_000_000, NOW))); // 1.60 consumed
        state = after(state, List.of(charged));
        state = after(state, AccountRules.due(state, RechargePolicy.defaults(), END)); // true-up 8.40: unbilled 10.00
        var reversal = (AccountEvent.UsageReversed) CorrectionRules.reverse(state, new AccountCommand.ReverseUsage(ID, "u-1", "wrong count",
                "staff", new AccountCommand.ChargedUsage(charged.records().get(0), charged.prices().get(0), List.of(), List.of(), null)),
                RechargePolicy.defaults(), END).get(0);

        // −1.60 for the record, +1.60 more true-up: the customer still pays the commitment's 10.00.
        assertThat(reversal.creditLines()).extracting(l -> l.amount().stripTrailingZeros())
                .containsExactlyInAnyOrder(new BigDecimal("-1.6"), new BigDecimal("1.6"));
        assertThat(reversal.unbilledAfter()).isEqualTo(usd("10"));
    }

    @Test
    void a_record_that_would_cost_more_than_a_record_may_at_the_accounts_price_is_refused_not_thrown() {
        AccountState state = given(BillingMode.POSTPAID, PriceTermRules.setOverride(given(BillingMode.POSTPAID), new SetPriceOverride(ID,
                new ItemPrice("m", null, new BigDecimal("99999999999999"), null, BigDecimal.ONE, null), null, null), NOW)
                .toArray(AccountEvent[]::new));
        List<AccountEvent> events = charge(state, NOW, usage("u-1", 1_000_000_000_000L, NOW), usage("u-2", 10, NOW));

        assertThat(events).filteredOn(AccountEvent.UsageRefused.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((AccountEvent.UsageRefused) e).usageEventId()).isEqualTo("u-1"));
        // u-2 costs 0.000999… at that price × 10 tokens: above the review ceiling, so it waits for review, as any such record does.
        assertThat(events).filteredOn(AccountEvent.UsageHeldForReview.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((AccountEvent.UsageHeldForReview) e).usageEventId()).isEqualTo("u-2"));
    }

    @Test
    void setting_the_same_price_from_now_again_is_a_repeat_not_a_new_override() {
        SetPriceOverride fromNow = new SetPriceOverride(ID, new ItemPrice("m", null, BigDecimal.ONE, null, BigDecimal.ONE, null), null, null);
        AccountState state = given(BillingMode.PREPAID);
        state = after(state, PriceTermRules.setOverride(state, fromNow, NOW));

        assertThat(PriceTermRules.setOverride(state, fromNow, NOW.plusSeconds(5))).isEmpty();
        assertThat(PriceTermRules.setOverride(state, new SetPriceOverride(ID, new ItemPrice("m", null, new BigDecimal("2"), null, BigDecimal.ONE,
                null), null, null), NOW.plusSeconds(5))).hasSize(1);
    }

    @Test
    void a_record_reversed_in_the_month_it_was_charged_leaves_the_months_volume() {
        AccountState state = given(BillingMode.POSTPAID);
        UsageBatchCharged first = batch(charge(state, NOW, usage("u-1", 800_000, NOW)));
        state = after(state, List.of(first));
        // u-1 was wrong: reversed, its 800,000 tokens leave the month, and the next 800,000 are charged at the first price again.
        state = after(state, CorrectionRules.reverse(state, new AccountCommand.ReverseUsage(ID, "u-1", "wrong count", "staff",
                new AccountCommand.ChargedUsage(first.records().get(0), first.prices().get(0), List.of(), List.of(), null, first.chargedAt())),
                RechargePolicy.defaults(), NOW));
        assertThat(state.terms().volumeOf("m", "p", NOW)).isEqualByComparingTo("0");
        assertThat(batch(charge(state, NOW, usage("u-2", 800_000, NOW))).total()).isEqualByComparingTo("1.6");
    }
}
