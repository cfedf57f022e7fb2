package dev.inference.ledger.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.CreditExpired;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.account.GrantDraw;
import dev.inference.ledger.kernel.account.GrantKind;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.Charge;
import dev.inference.ledger.kernel.pricing.ChargeLine;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.accounts.AccountCommand.ChargeUsage;
import dev.inference.ledger.accounts.AccountCommand.ChargedUsage;
import dev.inference.ledger.accounts.AccountCommand.GrantCredit;
import dev.inference.ledger.accounts.AccountCommand.GrantTerms;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.accounts.AccountCommand.ReverseUsage;
import dev.inference.ledger.accounts.AccountCommand.TopUp;
import dev.inference.ledger.accounts.AccountCommand.UsageToCharge;

/**
 * A prepaid customer's November, on a clock that moves, every figure worked by hand: a top-up of 100 (a purchased grant
 * that never expires) and a promotion of 20 that expires on the 15th; usage on the 3rd, 10th and 20th; the charge of the
 * 10th reversed on the 12th (the promotion still open: it gets its part back) and the charge of the 3rd reversed on the
 * 21st (the promotion expired since: its part expires on the way back).
 */
class PrepaidMonthStoryTest {

    private static final String ID = "acct-story";
    private static final Instant EXPIRY = Instant.parse("2026-11-15T00:00:00Z");

    private final UsageTiers tiers = UsageTiers.defaults();
    private final RechargePolicy policy = RechargePolicy.defaults();
    private AccountState state;
    private final List<AccountEvent> log = new ArrayList<>();

    private static Instant day(int d) {
        return Instant.parse(String.format("2026-11-%02dT12:00:00Z", d));
    }

    private static Money usd(String amount) {
        return Money.of(amount, "USD");
    }

    private void apply(List<AccountEvent> events) {
        for (AccountEvent event : events) {
            state = state == null ? AccountState.opened((AccountEvent.AccountOpened) event) : state.evolve(event);
            log.add(event);
        }
    }

    private UsageBatchCharged charge(String eventId, String cost, Instant at) {
        Charge charge = new Charge("tokens", "deepseek-ai/DeepSeek-V3", "deepinfra", 1,
                List.of(new ChargeLine("input", BigDecimal.ONE, BigDecimal.ONE, "1M tokens", usd(cost))), usd(cost));
        List<AccountEvent> events = AccountRules.charge(state, new ChargeUsage(ID, List.of(new UsageToCharge(eventId, at, "gw", Attribution.NONE,
                charge, null))), tiers, policy, UsageReview.defaults(), at);
        apply(events);
        return events.stream().filter(UsageBatchCharged.class::isInstance).map(UsageBatchCharged.class::cast).findFirst().orElseThrow();
    }

    private UsageReversed reverse(UsageBatchCharged batch, Instant at) {
        var record = batch.records().get(0);
        List<GrantDraw> paidBy = batch.drawsByRecord().get(0);
        List<GrantTerms> terms = paidBy.stream().map(d -> d.grantId().equals("promo")
                ? new GrantTerms("promo", GrantKind.PROMOTIONAL, 100, day(1), EXPIRY)
                : new GrantTerms(d.grantId(), GrantKind.PURCHASED, 100, day(1), null)).toList();
        List<AccountEvent> events = CorrectionRules.reverse(state, new ReverseUsage(ID, record.eventId(), "reported twice by the gateway", "staff",
                new ChargedUsage(record, batch.prices().get(0), paidBy, terms, null)), policy, at);
        apply(events);
        return (UsageReversed) events.get(0);
    }

    private String balance() {
        return state.balance().amount().stripTrailingZeros().toPlainString();
    }

    private String left(String grantId) {
        Grants.Grant grant = state.grants().find(grantId);
        return grant == null ? "closed" : grant.remaining().stripTrailingZeros().toPlainString();
    }

    @Test
    void a_month_of_grants_usage_an_expiry_and_two_reversals_adds_up_to_the_cent() {
        apply(List.of(AccountRules.open(new OpenAccount(ID, "Story", BillingMode.PREPAID, "USD"), day(1))));
        apply(AccountRules.topUp(state, new TopUp(ID, "t-1", usd("100")), tiers, policy, day(1)));
        apply(CreditRules.grant(state, new GrantCredit(ID, "promo", GrantKind.PROMOTIONAL, usd("20"), null, null, EXPIRY, "welcome"),
                tiers, policy, day(1)));
        assertThat(balance()).as("100 + 20").isEqualTo("120");

        // The 3rd: 12.50, all from the promotion (it expires; the top-up never does). 20 − 12.50 = 7.50 left of it.
        UsageBatchCharged third = charge("u-3", "12.50", day(3));
        assertThat(third.draws()).containsExactly(new GrantDraw("promo", new BigDecimal("12.500000000000")));
        assertThat(balance()).as("120 − 12.50").isEqualTo("107.5");
        assertThat(left("promo")).isEqualTo("7.5");

        // The 10th: 10.00 = the promotion's last 7.50 + 2.50 of the top-up.
        UsageBatchCharged tenth = charge("u-10", "10", day(10));
        assertThat(tenth.drawsByRecord().get(0)).containsExactly(new GrantDraw("promo", new BigDecimal("7.500000000000")),
                new GrantDraw("top-up:t-1", new BigDecimal("2.500000000000")));
        assertThat(balance()).as("107.50 − 10").isEqualTo("97.5");
        assertThat(left("promo")).as("drawn to nothing").isEqualTo("closed");

        // The 12th: the 10th's charge was wrong. The promotion, still open, gets its 7.50 back; the top-up its 2.50.
        UsageReversed twelfth = reverse(tenth, day(12));
        assertThat(twelfth.expiredOnReturn().amount()).isZero();
        assertThat(balance()).as("97.50 + 10").isEqualTo("107.5");
        assertThat(left("promo")).isEqualTo("7.5");
        assertThat(left("top-up:t-1")).isEqualTo("100");

        // The 15th, 00:00: what is left of the promotion, 7.50, expires as an entry.
        List<AccountEvent> due = CreditRules.due(state, policy, EXPIRY);
        apply(due);
        assertThat(due.get(0)).isEqualTo(new CreditExpired(ID, "promo", GrantKind.PROMOTIONAL, usd("7.5"), usd("100"), EXPIRY));
        assertThat(balance()).as("107.50 − 7.50").isEqualTo("100");

        // The 20th: 30.00 from the top-up, the only grant left.
        UsageBatchCharged twentieth = charge("u-20", "30", day(20));
        assertThat(twentieth.draws()).containsExactly(new GrantDraw("top-up:t-1", new BigDecimal("30.000000000000")));
        assertThat(balance()).as("100 − 30").isEqualTo("70");

        // The 21st: the 3rd's charge was wrong too. The promotion that paid it expired on the 15th: had the record never been
        // charged, those 12.50 would have expired with the rest. They expire on their way back; the balance stays 70.
        UsageReversed twentyFirst = reverse(third, day(21));
        assertThat(twentyFirst.expiredOnReturn()).isEqualTo(usd("12.5"));
        assertThat(twentyFirst.returned()).isEmpty();
        assertThat(balance()).isEqualTo("70");

        // The month: 100 + 20 − 12.50 − 10 + 10 − 7.50 − 30 + 12.50 − 12.50 (expired on return) = 70; lifetime spend
        // 12.50 + 10 + 30 − 10 − 12.50 = 30; nothing reversed twice.
        assertThat(state.lifetimeSpend().amount()).isEqualByComparingTo("30");
        assertThat(state.reversed()).containsExactlyInAnyOrder("u-3", "u-10");
        assertThat(log).filteredOn(UsageReversed.class::isInstance).hasSize(2);
    }
}
