package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.axonframework.test.aggregate.AggregateTestFixture;

import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceComponent;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceUsed;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.account.GrantDraw;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.Charge;
import dev.inference.ledger.kernel.pricing.ChargeLine;
import dev.inference.ledger.kernel.usage.Interval;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.accounts.AccountCommand.UsageToCharge;

/** The account's events and commands as the given-when-then tests write them: one account, one instant. */
final class AccountEvents {

    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final String ID = "acct-42";

    private AccountEvents() {
    }

    static AccountOpened opened(BillingMode mode) {
        return new AccountOpened(ID, "Acme", mode, "USD", NOW);
    }

    static TopUpCredited credited(String id, String amount, String balanceAfter) {
        return new TopUpCredited(ID, id, usd(amount), usd(balanceAfter), NOW);
    }

    static UsageToCharge usage(String eventId, String cost) {
        return new UsageToCharge(eventId, NOW, "gw-1", Attribution.NONE, charge(cost), null);
    }

    /** One record charged alone: the batch of one that a ChargeUsage of one record makes. */
    static UsageBatchCharged charged(String eventId, String cost, BillingMode mode, String balanceAfter,
                                     String unbilledAfter, String lifetimeSpendAfter) {
        String before = mode == BillingMode.PREPAID ? usd(balanceAfter).plus(usd(cost)).toPlainString() : balanceAfter;
        return batch(mode, before, balanceAfter, unbilledAfter, lifetimeSpendAfter, record(eventId, cost));
    }

    /** Records charged together, all at the price of {@link #charge(String)}. */
    static UsageBatchCharged batch(BillingMode mode, String balanceBefore, String balanceAfter, String unbilledAfter,
                                   String lifetimeSpendAfter, ChargedRecord... records) {
        return new UsageBatchCharged(ID, mode, "USD", List.of(PRICE), List.of(records), usd(balanceBefore).amount(),
                usd(balanceAfter).amount(), usd(unbilledAfter).amount(), usd(lifetimeSpendAfter).amount(), NOW);
    }

    /** The batch as paid by credit grants: pairs of a grant's id and what it gave, in the order drawn. */
    static UsageBatchCharged paidBy(UsageBatchCharged batch, String... grantAndAmount) {
        List<GrantDraw> draws = new java.util.ArrayList<>();
        for (int i = 0; i < grantAndAmount.length; i += 2) {
            draws.add(new GrantDraw(grantAndAmount[i], usd(grantAndAmount[i + 1]).amount()));
        }
        return new UsageBatchCharged(batch.accountId(), batch.billingMode(), batch.currency(), batch.prices(), batch.records(),
                batch.balanceBefore(), batch.balanceAfter(), batch.unbilledAfter(), batch.lifetimeSpendAfter(), batch.chargedAt(), draws);
    }

    static ChargedRecord record(String eventId, String cost) {
        return record(eventId, cost, Attribution.NONE, NOW, "gw-1", null);
    }

    static ChargedRecord record(String eventId, String cost, Attribution attribution, Instant occurredAt, String source,
                                Interval interval) {
        return new ChargedRecord(eventId, occurredAt, source, attribution, 0, List.of(BigDecimal.ONE), usd(cost).amount(), interval);
    }

    static final PriceUsed PRICE = new PriceUsed("tokens", "deepseek-ai/DeepSeek-V3", "deepinfra", 1,
            List.of(new PriceComponent("input", BigDecimal.ONE, "1M tokens")));

    static Charge charge(String cost) {
        return new Charge("tokens", "deepseek-ai/DeepSeek-V3", "deepinfra", 1,
                List.of(new ChargeLine("input", BigDecimal.ONE, BigDecimal.ONE, "1M tokens", usd(cost))), usd(cost));
    }

    /** The aggregate under test at {@code now}, with the tier table, recharge policy and review ceiling the rules are given. */
    static AggregateTestFixture<Account> fixture(Instant now, RechargePolicy policy, UsageReview review) {
        AggregateTestFixture<Account> fixture = new AggregateTestFixture<>(Account.class);
        fixture.registerInjectableResource(Clock.fixed(now, ZoneOffset.UTC));
        fixture.registerInjectableResource(UsageTiers.defaults());
        fixture.registerInjectableResource(policy);
        fixture.registerInjectableResource(review);
        return fixture;
    }

    static AggregateTestFixture<Account> fixture() {
        return fixture(NOW, RechargePolicy.defaults(), UsageReview.defaults());
    }

    static Money usd(String amount) {
        return Money.of(amount, "USD");
    }
}
