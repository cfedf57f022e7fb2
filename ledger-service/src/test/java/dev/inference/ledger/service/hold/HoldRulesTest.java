package dev.inference.ledger.service.hold;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;
import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetSet;
import dev.inference.ledger.kernel.account.AccountEvent.PaymentMethodAttached;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceComponent;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceUsed;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.hold.HoldEvent;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldExpired;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldPlaced;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldReleased;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldSettled;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.accounts.AccountState;
import dev.inference.ledger.accounts.UsageTiers;
import dev.inference.ledger.service.hold.HoldRules.Ending;
import dev.inference.ledger.service.hold.HoldRules.Granted;
import dev.inference.ledger.service.hold.HoldRules.OpenHold;
import dev.inference.ledger.service.hold.HoldRules.Placement;
import dev.inference.ledger.service.hold.HoldRules.Refused;

/** Given an account and its open holds, when a hold is asked, settled, released or runs out, then… */
class HoldRulesTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final String ID = "acct-1";
    private static final UsageTiers TIERS = UsageTiers.defaults();
    private static final Attribution KEY = new Attribution("key-1", "proj-1", "mem-1", null);

    private final List<OpenHold> open = new ArrayList<>();
    private AccountState account;

    // --- given ---------------------------------------------------------------------------------------------

    private void given(BillingMode mode, AccountEvent... events) {
        account = AccountState.folded(new AccountOpened(ID, "Acme", mode, "USD", NOW.minusSeconds(3600)), events);
    }

    private void givenPrepaid(String balance, AccountEvent... more) {
        List<AccountEvent> events = new ArrayList<>();
        events.add(new TopUpCredited(ID, "t-0", usd(balance), usd(balance), NOW.minusSeconds(60)));
        events.addAll(List.of(more));
        given(BillingMode.PREPAID, events.toArray(AccountEvent[]::new));
    }

    private void givenOpen(String holdId, String amount, Attribution attribution, Duration ttl) {
        open.add(new OpenHold(holdId, attribution, usd(amount), usd("0"), NOW.plus(ttl)));
    }

    private static BudgetSet cap(String scope, String scopeId, String hardCap) {
        return new BudgetSet(ID, scope, scopeId, "monthly", usd(hardCap), List.of(), NOW.minusSeconds(30));
    }

    // --- when ----------------------------------------------------------------------------------------------

    private Placement hold(String amount) {
        return hold(amount, KEY);
    }

    private Placement hold(String amount, Attribution attribution) {
        Placement placement = HoldRules.place(account, open, new HoldRules.Request("h-" + (open.size() + 1), attribution,
                new BigDecimal(amount), null, HoldRules.DEFAULT_TTL), TIERS, NOW);
        if (placement instanceof Granted granted) {
            HoldPlaced p = granted.placed();
            open.add(new OpenHold(p.holdId(), p.attribution(), p.amount(), usd("0"), p.expiresAt()));
        }
        return placement;
    }

    private Ending charged(Instant at, ChargedRecord... records) {
        UsageBatchCharged batch = new UsageBatchCharged(ID, BillingMode.PREPAID, "USD",
                List.of(new PriceUsed("tokens", "m", null, 1, List.of(new PriceComponent("input", BigDecimal.ONE, "1M tokens")))),
                List.of(records), BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, at);
        return HoldRules.settle(account, open, List.of(batch), TIERS, NOW);
    }

    private static ChargedRecord record(String eventId, String cost, String holdId, Boolean last) {
        return new ChargedRecord(eventId, NOW, "gw", new Attribution("key-1", null, null, null, holdId, last), 0,
                List.of(BigDecimal.ONE), new BigDecimal(cost), null);
    }

    // --- then ----------------------------------------------------------------------------------------------

    private static String refusal(Placement placement) {
        return placement instanceof Refused refused ? refused.reason() : "granted";
    }

    private static Money usd(String amount) {
        return Money.of(amount, "USD");
    }

    private static String available(Placement placement) {
        return ((Granted) placement).placed().standing().available().amount().stripTrailingZeros().toPlainString();
    }

    // --- rules ---------------------------------------------------------------------------------------------

    @Test
    void a_hold_within_the_prepaid_balance_is_granted_and_what_it_reserves_is_no_longer_available() {
        givenPrepaid("10");

        Placement first = hold("4");

        assertThat(refusal(first)).isEqualTo("granted");
        assertThat(available(first)).isEqualTo("6");
        assertThat(((Granted) first).placed().expiresAt()).isEqualTo(NOW.plus(HoldRules.DEFAULT_TTL));
        assertThat(refusal(hold("6.000000000001"))).isEqualTo("insufficient-balance");
        assertThat(available(hold("6"))).as("the last cent may be held, exactly").isEqualTo("0");
        assertThat(refusal(hold("0.01"))).isEqualTo("insufficient-balance");
    }

    @Test
    void a_top_up_while_holds_are_open_makes_room_for_more() {
        givenPrepaid("10");
        assertThat(refusal(hold("10"))).isEqualTo("granted");
        assertThat(refusal(hold("5"))).isEqualTo("insufficient-balance");

        account = AccountState.folded(new AccountOpened(ID, "Acme", BillingMode.PREPAID, "USD", NOW.minusSeconds(3600)),
                new TopUpCredited(ID, "t-0", usd("10"), usd("10"), NOW.minusSeconds(60)),
                new TopUpCredited(ID, "t-1", usd("5"), usd("15"), NOW));

        assertThat(available(hold("5"))).isEqualTo("0");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"account, acct-1", "project, proj-1", "member, mem-1", "apiKey, key-1"})
    void a_hard_cap_on_any_scope_of_the_path_counts_the_holds_on_it(String scope, String scopeId) {
        givenPrepaid("100", cap(scope, scopeId, "5"));

        assertThat(refusal(hold("3"))).isEqualTo("granted");
        assertThat(refusal(hold("2.01"))).isEqualTo("budget-hard-cap:" + scope + ":" + scopeId);
        assertThat(refusal(hold("2.01", new Attribution("key-2", "proj-2", "mem-2", null))))
                .as("a request off that path").isEqualTo(scope.equals("account") ? "budget-hard-cap:account:acct-1" : "granted");
        assertThat(((Granted) hold("2", KEY)).placed().standing().fullScopes()).contains(scope + ":" + scopeId);
    }

    @Test
    void a_cap_counts_the_month_spent_and_the_holds_together() {
        givenPrepaid("100", cap("apiKey", "key-1", "5"), new UsageBatchCharged(ID, BillingMode.PREPAID, "USD",
                List.of(new PriceUsed("tokens", "m", null, 1, List.of(new PriceComponent("input", BigDecimal.ONE, "1M tokens")))),
                List.of(new ChargedRecord("u-0", NOW.minusSeconds(10), "gw", KEY, 0, List.of(BigDecimal.ONE), new BigDecimal("4"), null)),
                new BigDecimal("100"), new BigDecimal("96"), BigDecimal.ZERO, new BigDecimal("4"), NOW.minusSeconds(5)));

        assertThat(refusal(hold("1.5"))).isEqualTo("budget-hard-cap:apiKey:key-1");
        assertThat(refusal(hold("1"))).isEqualTo("granted");
    }

    @Test
    void a_suspended_account_and_a_postpaid_one_without_a_card_get_no_hold() {
        givenPrepaid("10", new AccountSuspended(ID, "invoice-default", usd("10"), NOW));
        assertThat(refusal(hold("1"))).isEqualTo("suspended");

        given(BillingMode.POSTPAID);
        assertThat(refusal(hold("1"))).isEqualTo("no-payment-method");
    }

    @Test
    void a_postpaid_account_holds_against_its_tiers_billing_limit_less_what_is_unbilled() {
        given(BillingMode.POSTPAID, new PaymentMethodAttached(ID, "pm-1", "visa 4242", NOW));
        Money limit = TIERS.level(1).billingLimit();

        assertThat(refusal(hold(limit.amount().add(new BigDecimal("0.01")).toPlainString()))).isEqualTo("insufficient-balance");
        assertThat(available(hold(limit.amount().toPlainString()))).isEqualTo("0");
    }

    @Test
    void a_hold_that_ran_out_of_time_reserves_nothing_and_expires_at_its_own_moment() {
        givenPrepaid("10");
        givenOpen("h-old", "10", KEY, Duration.ofSeconds(-1));

        Placement fresh = hold("10");
        assertThat(refusal(fresh)).isEqualTo("granted");
        Ending ending = HoldRules.expire(account, open, TIERS, NOW);
        assertThat(ending.events()).singleElement().isInstanceOf(HoldExpired.class)
                .extracting(e -> ((HoldExpired) e).expiredAt()).isEqualTo(NOW.minusSeconds(1));
        assertThat(ending.open()).extracting(OpenHold::holdId).containsExactly(((Granted) fresh).placed().holdId());
    }

    @Test
    void usage_below_the_hold_settles_it_and_frees_the_rest() {
        givenPrepaid("10");
        hold("5");

        Ending ending = charged(NOW, record("u-1", "3", "h-1", null));

        HoldSettled settled = (HoldSettled) ending.events().get(0);
        assertThat(settled.charged().amount()).isEqualByComparingTo("3");
        assertThat(settled.overage().amount()).isZero();
        assertThat(settled.usageEventId()).isEqualTo("u-1");
        assertThat(ending.open()).isEmpty();
    }

    @Test
    void usage_above_the_hold_is_charged_in_full_and_the_overage_recorded() {
        givenPrepaid("10");
        hold("5");

        HoldSettled settled = (HoldSettled) charged(NOW, record("u-1", "7", "h-1", null)).events().get(0);

        assertThat(settled.overage().amount()).isEqualByComparingTo("2");
    }

    @Test
    void records_that_say_final_false_draw_on_the_hold_and_the_last_one_ends_it() {
        givenPrepaid("10");
        hold("5");

        Ending first = charged(NOW, record("u-1", "2", "h-1", false));
        assertThat(first.events()).isEmpty();
        assertThat(first.open()).singleElement().extracting(h -> h.remaining().amount()).isEqualTo(usd("3").amount());
        open.clear();
        open.addAll(first.open());

        HoldSettled settled = (HoldSettled) charged(NOW, record("u-2", "1", "h-1", null)).events().get(0);
        assertThat(settled.charged().amount()).isEqualByComparingTo("3");
    }

    @Test
    void a_record_for_an_unknown_or_expired_hold_settles_nothing() {
        givenPrepaid("10");
        givenOpen("h-short", "5", KEY, Duration.ofSeconds(30));

        assertThat(charged(NOW.plusSeconds(31), record("u-1", "2", "h-short", null)).events()).isEmpty();
        assertThat(charged(NOW, record("u-2", "2", "h-unknown", null)).events()).isEmpty();
    }

    @Test
    void a_release_gives_the_amount_back_once() {
        givenPrepaid("10");
        hold("10");

        Ending released = HoldRules.release(account, open, "h-1", TIERS, NOW);
        assertThat(released.events()).singleElement().isInstanceOf(HoldReleased.class);
        assertThat(released.events().get(0).standing().available().amount()).isEqualByComparingTo("10");
        assertThat(HoldRules.release(account, released.open(), "h-1", TIERS, NOW).events()).isEmpty();
    }

    @Test
    void an_account_has_at_most_so_many_open_holds() {
        givenPrepaid("1000000");
        for (int i = 0; i < HoldRules.MAX_OPEN_PER_ACCOUNT; i++) {
            givenOpen("h-x" + i, "0.01", KEY, Duration.ofMinutes(1));
        }

        assertThat(refusal(hold("0.01"))).isEqualTo("too-many-open-holds");
    }

    @Test
    void every_hold_event_says_what_the_account_may_still_start() {
        givenPrepaid("10", cap("project", "proj-1", "4"));

        HoldEvent placed = ((Granted) hold("4")).placed();

        assertThat(placed.standing().held().amount()).isEqualByComparingTo("4");
        assertThat(placed.standing().available().amount()).isEqualByComparingTo("6");
        assertThat(placed.standing().fullScopes()).containsExactly("project:proj-1");
    }
}
