package dev.inference.ledger.accounts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeRequested;

/**
 * What an account's new figures trigger, decided the moment the change that causes it (usage charged, money
 * credited, an invoice closed or paid, new settings) is recorded: each rule in a file of its own, in this order.
 */
final class Triggers {

    private Triggers() {
    }

    static List<AccountEvent> after(AccountState state, UsageTiers tiers, RechargePolicy policy, Instant now) {
        List<AccountEvent> events = new ArrayList<>(1);
        UsageTiers.Tier tier = tiers.level(state.tier());
        var promoted = TierPromotion.decide(state, tiers, now);
        if (promoted.isPresent()) {
            events.add(promoted.get());
            tier = tiers.level(promoted.get().toTier());
        }
        ThresholdInvoice.decide(state, tier, now).ifPresent(events::add);
        events.addAll(BudgetCap.decide(state, now));
        events.addAll(ofBalance(state, policy, now));
        return events;
    }

    /** What a prepaid balance as it now is calls for, each at most once until the balance recovers. */
    static List<AccountEvent> ofBalance(AccountState state, RechargePolicy policy, Instant now) {
        List<AccountEvent> events = new ArrayList<>(0);
        LowBalance.decide(state, now).ifPresent(events::add);
        var recharge = AutoRechargeTrigger.decide(state, policy, now);
        recharge.ifPresent(events::add);
        boolean rechargeOnItsWay = state.funding().rechargeInFlight() || recharge.filter(RechargeRequested.class::isInstance).isPresent();
        events.addAll(Suspension.decide(state, rechargeOnItsWay, now));
        return events;
    }
}
