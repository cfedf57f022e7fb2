package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.BalanceExhausted;
import dev.inference.ledger.kernel.account.AccountEvent.BalanceLow;
import dev.inference.ledger.kernel.account.AccountEvent.BillingLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetAlertRaised;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetBlocked;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeRequested;
import dev.inference.ledger.kernel.account.AccountEvent.TierPromoted;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageHeldForReview;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceComponent;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceUsed;
import dev.inference.ledger.kernel.account.AccountEvent.UsageRefused;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.Charge;
import dev.inference.ledger.kernel.pricing.ChargeLine;
import dev.inference.ledger.kernel.usage.Interval;
import dev.inference.ledger.kernel.usage.Rejection;
import dev.inference.ledger.accounts.AccountCommand.ChargeUsage;
import dev.inference.ledger.accounts.AccountCommand.UsageToCharge;

/**
 * Charges one batch of an account's usage as one {@link UsageBatchCharged}: the running figures are
 * plain decimals, kept per record only to say after which record a consequence happened; the
 * account's state is folded once, for the whole batch.
 */
final class UsageBatch {

    private final AccountState state;
    private final Instant now;
    private final List<PriceUsed> prices = new ArrayList<>();
    private final List<ChargedRecord> records;
    private final List<Interval> intervals = new ArrayList<>(0);
    private final List<AccountEvent> refused = new ArrayList<>(0);
    private final List<AccountEvent> held = new ArrayList<>(0);
    private final UsageReview review;
    private final BigDecimal[] balanceAfter;
    private final BigDecimal[] unbilledAfter;
    private final BigDecimal[] lifetimeAfter;
    /** What promotional grants had paid of the account's spend after each record (prepaid). */
    private final BigDecimal[] freeAfter;
    /** The prepaid account's credit grants, drawn record by record; null when postpaid. */
    private final Drawdown drawdown;
    /** The commitment whose term covers the batch, if any, and what it has consumed so far, this batch's records included. */
    private final PriceTerms.Commitment commitment;
    private BigDecimal consumed;
    /** The volume this batch adds to each graduated item's month so far. */
    private final Map<String, BigDecimal> volume = new HashMap<>(0);

    private UsageBatch(AccountState state, int size, UsageReview review, Instant now) {
        this.state = state;
        this.review = review;
        this.now = now;
        this.records = new ArrayList<>(size);
        this.balanceAfter = new BigDecimal[size];
        this.unbilledAfter = new BigDecimal[size];
        this.lifetimeAfter = new BigDecimal[size];
        this.freeAfter = new BigDecimal[size];
        this.drawdown = state.billingMode() == BillingMode.PREPAID ? Drawdown.of(state.grants(), now) : null;
        this.commitment = state.terms().commitmentAt(now);
        this.consumed = commitment == null ? BigDecimal.ZERO : commitment.consumed();
    }

    /**
     * Usage that happened is charged, whatever the balance: a prepaid balance may go below zero. What
     * stops further spending is the gateway's authorize check, not a refused charge. The one refusal:
     * compute time overlapping time already charged for the same endpoint and replica (in an earlier
     * batch or earlier in this one). And one hold: a record that costs more than the {@code review} ceiling
     * is held, not charged ({@link UsageHeldForReview}); a null review (an approved record) holds nothing.
     */
    static List<AccountEvent> charge(AccountState state, ChargeUsage command, UsageTiers tiers, RechargePolicy policy, UsageReview review,
                                     Instant now) {
        if (command.usage().size() > UsageBatchCharged.MAX_RECORDS) {
            throw new IllegalArgumentException("a charge carries at most " + UsageBatchCharged.MAX_RECORDS + " records");
        }
        UsageBatch batch = new UsageBatch(state, command.usage().size(), review, now);
        command.usage().forEach(batch::add);
        return batch.decide(tiers, policy);
    }

    private void add(UsageToCharge usage) {
        Interval interval = usage.interval();
        if (interval != null) {
            var overlapped = state.intervals().overlapping(interval)
                    .or(() -> intervals.stream().filter(interval::overlaps).findFirst());
            if (overlapped.isPresent()) {
                refused.add(new UsageRefused(state.accountId(), usage.usageEventId(), Rejection.OVERLAP,
                        "endpoint " + interval.endpoint() + ", replica " + interval.replica() + ": " + interval.start() + " to "
                                + interval.end() + " overlaps " + overlapped.get().start() + " to " + overlapped.get().end()
                                + ", already charged", now));
                return;
            }
        }
        // The month's volume is looked up only for an item with volume tiers: a flat price needs none.
        String item = usage.charge().tiers().isEmpty() ? null : PriceTerms.key(usage.charge().item(), usage.charge().provider());
        BigDecimal volumeBefore = item == null ? BigDecimal.ZERO
                : state.terms().volumeOf(usage.charge().item(), usage.charge().provider(), now).add(volume.getOrDefault(item, BigDecimal.ZERO));
        AccountPricing.Priced priced;
        try {
            priced = AccountPricing.price(usage.charge(), usage.occurredAt(), state.terms(), volumeBefore, commitment, consumed);
        } catch (IllegalArgumentException | ArithmeticException e) {
            priced = null; // beyond what money holds, at the account's price: refused below, never an exception out of a charge
        }
        if (priced == null || !priced.charge().cost().isWithinInputRange()) {
            refused.add(new UsageRefused(state.accountId(), usage.usageEventId(), Rejection.INVALID_FIELD, "at the account's price the "
                    + "record would cost more than one record may (" + Money.MAX_INPUT.toPlainString() + "); report the quantity in parts", now));
            return;
        }
        Charge charge = priced.charge();
        BigDecimal cost = charge.cost().amount();
        if (review != null && review.holds(cost)) {
            if (state.heldUsage().size() + held.size() >= UsageReview.MAX_HELD_PER_ACCOUNT) {
                refused.add(new UsageRefused(state.accountId(), usage.usageEventId(), Rejection.REVIEW_QUEUE_FULL, "the cost "
                        + usage.charge().cost().toPlainString() + " is above the review ceiling and " + UsageReview.MAX_HELD_PER_ACCOUNT
                        + " records of the account already wait for review", now));
                return;
            }
            // Held as the catalog priced it: approved, it is priced by the account's terms as they are then.
            held.add(new UsageHeldForReview(state.accountId(), usage.usageEventId(), usage.occurredAt(), usage.source(), usage.attribution(),
                    usage.charge(), interval, new Money(review.costAbove(), state.currency()), now));
            return;
        }
        if (item != null && priced.volume().signum() > 0) {
            volume.merge(item, priced.volume(), BigDecimal::add);
        }
        if (charge.terms() != null && charge.terms().startsWith(PriceUsed.COMMITMENT)) {
            consumed = consumed.add(cost);
        }
        if (interval != null) {
            intervals.add(interval);
        }
        int i = records.size();
        BigDecimal balance = i == 0 ? state.balance().amount() : balanceAfter[i - 1];
        BigDecimal unbilled = i == 0 ? state.unbilled().amount() : unbilledAfter[i - 1];
        BigDecimal lifetime = i == 0 ? state.lifetimeSpend().amount() : lifetimeAfter[i - 1];
        boolean prepaid = state.billingMode() == BillingMode.PREPAID;
        balanceAfter[i] = prepaid ? balance.subtract(cost) : balance;
        if (prepaid) {
            drawdown.draw(cost);
            freeAfter[i] = state.grants().freeSpent().add(drawdown.free());
        }
        unbilledAfter[i] = prepaid ? unbilled : unbilled.add(cost);
        lifetimeAfter[i] = lifetime.add(cost);
        records.add(new ChargedRecord(usage.usageEventId(), usage.occurredAt(), usage.source(), usage.attribution(),
                price(charge), charge.lines().stream().map(ChargeLine::quantity).toList(), cost, interval));
    }

    /** The index of the charge's price in the event's list, added if new: a batch holds few, so a scan beats hashing. */
    private int price(Charge charge) {
        for (int i = 0; i < prices.size(); i++) {
            if (samePrice(prices.get(i), charge)) {
                return i;
            }
        }
        List<PriceComponent> components = new ArrayList<>(charge.lines().size());
        for (ChargeLine line : charge.lines()) {
            components.add(new PriceComponent(line.component(), line.unitPrice(), line.priceUnit(), line.tier()));
        }
        prices.add(new PriceUsed(charge.kind(), charge.item(), charge.provider(), charge.catalogVersion(), components, charge.terms()));
        return prices.size() - 1;
    }

    private static boolean samePrice(PriceUsed price, Charge charge) {
        if (price.catalogVersion() != charge.catalogVersion() || price.components().size() != charge.lines().size()
                || !price.item().equals(charge.item()) || !price.kind().equals(charge.kind())
                || !Objects.equals(price.provider(), charge.provider()) || !Objects.equals(price.terms(), charge.terms())) {
            return false;
        }
        for (int i = 0; i < charge.lines().size(); i++) {
            PriceComponent component = price.components().get(i);
            ChargeLine line = charge.lines().get(i);
            if (!component.component().equals(line.component()) || !component.unitPrice().equals(line.unitPrice())
                    || !component.priceUnit().equals(line.priceUnit()) || !Objects.equals(component.tier(), line.tier())) {
                return false;
            }
        }
        return true;
    }

    private List<AccountEvent> decide(UsageTiers tiers, RechargePolicy policy) {
        if (records.isEmpty()) {
            List<AccountEvent> events = new ArrayList<>(refused);
            events.addAll(held);
            return events;
        }
        int last = records.size() - 1;
        UsageBatchCharged charged = new UsageBatchCharged(state.accountId(), state.billingMode(), state.currency(), prices, records,
                state.balance().amount(), balanceAfter[last], unbilledAfter[last], lifetimeAfter[last], now,
                drawdown == null ? List.of() : drawdown.draws());
        List<AccountEvent> events = new ArrayList<>(1 + refused.size());
        events.add(charged);
        events.addAll(refused);
        events.addAll(held);
        for (AccountEvent consequence : Triggers.after(state.evolve(charged), tiers, policy, now)) {
            events.add(placed(consequence, tiers));
        }
        return events;
    }

    /**
     * The consequence, saying after which record its condition first held; the last record when no
     * running figure shows it (a budget whose month turned, say), since it was decided on the batch's end.
     */
    private AccountEvent placed(AccountEvent e, UsageTiers tiers) {
        if (e instanceof TierPromoted p) {
            UsageTiers.Tier to = tiers.level(p.toTier());
            return new TierPromoted(p.accountId(), p.fromTier(), p.toTier(), p.billingLimit(), p.paidSpend(), p.promotedAt(),
                    first(i -> TierPromotion.reaches(money(paidAfter(i)), to)));
        }
        if (e instanceof BillingLimitReached b) {
            return new BillingLimitReached(b.accountId(), b.tier(), b.billingLimit(), b.unbilled(), b.reachedAt(),
                    first(i -> ThresholdInvoice.reached(money(unbilledAfter[i]), b.billingLimit())));
        }
        if (e instanceof BudgetAlertRaised a) {
            return new BudgetAlertRaised(a.accountId(), a.scope(), a.scopeId(), a.period(), a.threshold(), a.spent(), a.hardCap(),
                    a.raisedAt(), budgetReaching(a.scope(), a.scopeId(), BudgetCap.alertAt(a.hardCap(), a.threshold())));
        }
        if (e instanceof BudgetBlocked b) {
            return new BudgetBlocked(b.accountId(), b.scope(), b.scopeId(), b.period(), b.spent(), b.hardCap(), b.blockedAt(),
                    budgetReaching(b.scope(), b.scopeId(), b.hardCap()));
        }
        if (e instanceof BalanceLow l) {
            return new BalanceLow(l.accountId(), l.balance(), l.threshold(), l.at(),
                    first(i -> LowBalance.below(money(balanceAfter[i]), l.threshold())));
        }
        if (e instanceof RechargeRequested r) {
            Money threshold = state.funding().threshold();
            return new RechargeRequested(r.accountId(), r.rechargeId(), r.amount(), r.balance(), r.requestedAt(),
                    first(i -> AutoRechargeTrigger.calledFor(money(balanceAfter[i]), threshold)));
        }
        if (e instanceof BalanceExhausted x) {
            return new BalanceExhausted(x.accountId(), x.balance(), x.at(), first(i -> Suspension.exhausted(money(balanceAfter[i]))));
        }
        if (e instanceof AccountSuspended s) {
            return new AccountSuspended(s.accountId(), s.reason(), s.balance(), s.suspendedAt(),
                    first(i -> Suspension.exhausted(money(balanceAfter[i]))));
        }
        return e;
    }

    private Money money(BigDecimal amount) {
        return new Money(amount, state.currency());
    }

    private BigDecimal paidAfter(int record) {
        return state.billingMode() == BillingMode.PREPAID
                ? AccountState.prepaidPaidSpend(lifetimeAfter[record].subtract(freeAfter[record]), balanceAfter[record])
                : state.paidSpend().amount();
    }

    /** The record after which a budget's spend this period first reached {@code reach}. */
    private Integer budgetReaching(String scope, String scopeId, Money reach) {
        Budget budget = state.budgets().get(Budget.key(scope, scopeId));
        if (budget == null) {
            return records.size() - 1;
        }
        Budget running = budget;
        for (int i = 0; i < records.size(); i++) {
            ChargedRecord r = records.get(i);
            if (running.covers(state.accountId(), r.attribution())) {
                running = running.spend(r.costIn(state.currency()), r.occurredAt());
                if (BudgetCap.reached(running.spent(), reach)) {
                    return i;
                }
            }
        }
        return records.size() - 1;
    }

    private Integer first(IntPredicate holds) {
        for (int i = 0; i < records.size(); i++) {
            if (holds.test(i)) {
                return i;
            }
        }
        return records.size() - 1;
    }
}
