package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonCreator;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;
import dev.inference.ledger.kernel.account.AccountEvent.AccountReinstated;
import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.ApiKeyIssued;
import dev.inference.ledger.kernel.account.AccountEvent.AutoRechargeConfigured;
import dev.inference.ledger.kernel.account.AccountEvent.AutoRechargeLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.BalanceExhausted;
import dev.inference.ledger.kernel.account.AccountEvent.BalanceLow;
import dev.inference.ledger.kernel.account.AccountEvent.BillingLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetAlertRaised;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetBlocked;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetSet;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetUnblocked;
import dev.inference.ledger.kernel.account.AccountEvent.HeldUsageApproved;
import dev.inference.ledger.kernel.account.AccountEvent.HeldUsageRejected;
import dev.inference.ledger.kernel.account.AccountEvent.UsageHeldForReview;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceDefaulted;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceSettled;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceWrittenOff;
import dev.inference.ledger.kernel.account.AccountEvent.PaymentMethodAttached;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledClosed;
import dev.inference.ledger.kernel.account.AccountEvent.MemberAdded;
import dev.inference.ledger.kernel.account.AccountEvent.ProjectAdded;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeAttemptFailed;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeFailed;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeOutcomeUnknown;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeRequested;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeSucceeded;
import dev.inference.ledger.kernel.account.AccountEvent.TierPromoted;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpHeld;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpRejected;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageRefused;
import dev.inference.ledger.kernel.account.AccountEvent.CreditExpired;
import dev.inference.ledger.kernel.account.AccountEvent.CreditGranted;
import dev.inference.ledger.kernel.account.AccountEvent.CreditStarted;
import dev.inference.ledger.kernel.account.AccountEvent.CreditVoided;
import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.account.AccountEvent.CommitmentAdded;
import dev.inference.ledger.kernel.account.AccountEvent.CommitmentEnded;
import dev.inference.ledger.kernel.account.AccountEvent.PriceOverrideSet;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceCreditCarried;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.account.GrantDraw;
import dev.inference.ledger.kernel.account.GrantKind;
import dev.inference.ledger.accounts.Grants.Grant;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;

/** What the account remembers to decide: the result of folding its events, nothing else. */
public record AccountState(String accountId, BillingMode billingMode, String currency,
                           Money balance, Money unbilled, Money lifetimeSpend, EndpointIntervals intervals,
                           int tier, boolean suspended, Map<String, Money> heldTopUps, boolean billingLimitReached,
                           Map<String, Budget> budgets, Organisation organisation, Funding funding,
                           Billing billing, Map<String, UsageHeldForReview> heldUsage, Grants grants,
                           Set<String> reversed, PriceTerms terms)
        implements AccountEvent.Fold<AccountState> {

    @JsonCreator
    public AccountState {
        intervals = intervals == null ? EndpointIntervals.NONE : intervals;
        tier = Math.max(tier, 1);
        heldTopUps = heldTopUps == null ? Map.of() : Map.copyOf(heldTopUps);
        budgets = budgets == null ? Map.of() : Map.copyOf(budgets);
        organisation = organisation == null ? Organisation.EMPTY : organisation;
        funding = funding == null ? Funding.NONE : funding;
        billing = billing == null ? Billing.NONE : billing;
        heldUsage = heldUsage == null ? Map.of() : Map.copyOf(heldUsage);
        grants = grants == null ? Grants.NONE : grants;
        reversed = reversed == null ? Set.of() : Set.copyOf(reversed);
        terms = terms == null ? PriceTerms.NONE : terms;
    }

    public static AccountState opened(AccountOpened event) {
        Money zero = Money.zero(event.currency());
        return new AccountState(event.accountId(), event.billingMode(), event.currency(), zero, zero, zero, EndpointIntervals.NONE,
                1, false, Map.of(), false, Map.of(), Organisation.EMPTY, Funding.NONE, Billing.NONE, Map.of(), Grants.NONE, Set.of(), PriceTerms.NONE);
    }

    /**
     * Lifetime spend already paid: usage drawn from a prepaid balance, less what promotional grants paid (free credit promotes
     * nothing); for a postpaid account, its invoices paid.
     */
    Money paidSpend() {
        return billingMode == BillingMode.PREPAID
                ? new Money(prepaidPaidSpend(lifetimeSpend.amount().subtract(grants.freeSpent()), balance.amount()), currency)
                : new Money(billing.invoicesPaid(), currency);
    }

    /**
     * What a prepaid account has paid of what it spent: usage beyond its credits (a balance below zero) is
     * owed, not paid, and promotes nothing until money comes in for it.
     */
    static BigDecimal prepaidPaidSpend(BigDecimal lifetimeSpend, BigDecimal balance) {
        return balance.signum() < 0 ? lifetimeSpend.add(balance) : lifetimeSpend;
    }

    public AccountState evolve(AccountEvent event) {
        return event.fold(this);
    }

    /** The state its events fold to: the account as it was opened, then each event in turn. */
    public static AccountState folded(AccountOpened opened, AccountEvent... events) {
        return opened(opened).evolveAll(List.of(events));
    }

    /** The state after each of {@code events} in turn. */
    public AccountState evolveAll(List<? extends AccountEvent> events) {
        AccountState state = this;
        for (AccountEvent event : events) {
            state = state.evolve(event);
        }
        return state;
    }

    /** The stream's first event: the state starts from it ({@link #opened}); it is never a change. */
    @Override
    public AccountState on(AccountOpened event) {
        return this;
    }

    /** A refused record was never charged: nothing the account decides with changes. */
    @Override
    public AccountState on(UsageRefused event) {
        return this;
    }

    @Override
    public AccountState on(TopUpCredited credited) {
        Map<String, Money> held = new HashMap<>(heldTopUps);
        held.remove(credited.topUpId());
        return with(credited.balanceAfter(), unbilled, lifetimeSpend, intervals, tier, suspended, held, billingLimitReached)
                .withFunding(funding.credited(credited.balanceAfter()))
                .withGrants(grants.added(purchased(credited.grantId(), credited.amount(), credited.balanceAfter(), credited.creditedAt()),
                        false));
    }

    @Override
    public AccountState on(RechargeSucceeded succeeded) {
        return with(succeeded.balanceAfter(), unbilled, lifetimeSpend, intervals, tier, suspended, heldTopUps, billingLimitReached)
                .withFunding(funding.succeeded(succeeded.balanceAfter()))
                .withGrants(grants.added(purchased(succeeded.grantId(), succeeded.amount(), succeeded.balanceAfter(),
                        succeeded.succeededAt()), false));
    }

    /** A top-up or a recharge: a purchased grant of the default priority that never expires. */
    private static Grant purchased(String grantId, Money amount, Money balanceAfter, Instant at) {
        BigDecimal spendable = AccountEvent.spendable(amount, balanceAfter).amount();
        return new Grant(grantId, GrantKind.PURCHASED, CreditRules.DEFAULT_PRIORITY, at, null, amount.amount(), spendable, true,
                spendable.compareTo(amount.amount()) != 0);
    }

    @Override
    public AccountState on(UsageReversed reversal) {
        Set<String> nowReversed = new java.util.HashSet<>(reversed);
        nowReversed.add(reversal.usageEventId());
        AccountState next = new AccountState(accountId, billingMode, currency, reversal.balanceAfter(), reversal.unbilledAfter(),
                reversal.lifetimeSpendAfter(), intervals, tier, suspended, heldTopUps, billingLimitReached, unspent(reversal), organisation, funding,
                billing.added(reversal.creditLines()), heldUsage, grants.returned(reversal.returned()).freeGone(reversal.freeExpired()), nowReversed,
                terms.reversed(reversal));
        return billingMode == BillingMode.PREPAID ? next.credited(reversal.balanceAfter()) : next;
    }

    /** The reversed record's cost out of the spend of every budget it counted in, in the month it counted. */
    private Map<String, Budget> unspent(UsageReversed reversal) {
        if (budgets.isEmpty()) {
            return budgets;
        }
        Map<String, Budget> next = new HashMap<>(budgets);
        var attribution = reversal.record().attribution() == null ? Attribution.NONE : reversal.record().attribution();
        next.replaceAll((key, budget) -> budget.covers(accountId, attribution)
                ? budget.unspend(reversal.cost(), reversal.occurredAt()) : budget);
        return next;
    }

    @Override
    public AccountState on(CreditGranted granted) {
        BigDecimal spendable = granted.effectiveNow() ? AccountEvent.spendable(granted.amount(), granted.balanceAfter()).amount()
                : granted.amount().amount();
        AccountState next = withGrants(grants.added(new Grant(granted.grantId(), granted.kind(), granted.priority(), granted.effectiveAt(),
                granted.expiresAt(), granted.amount().amount(), spendable, granted.effectiveNow(),
                spendable.compareTo(granted.amount().amount()) != 0), true));
        return granted.effectiveNow() ? next.credited(granted.balanceAfter()) : next;
    }

    @Override
    public AccountState on(CreditStarted started) {
        return withGrants(grants.started(started.grantId(), AccountEvent.spendable(started.amount(), started.balanceAfter()).amount()))
                .credited(started.balanceAfter());
    }

    @Override
    public AccountState on(CreditExpired expired) {
        return withGrants(grants.ended(expired.grantId())).withBalance(expired.balanceAfter());
    }

    @Override
    public AccountState on(CreditVoided voided) {
        return withGrants(grants.ended(voided.grantId())).withBalance(voided.balanceAfter());
    }

    /** Money in from a grant: the balance, and the warnings that hold only while it is still low. */
    private AccountState credited(Money balanceAfter) {
        return withBalance(balanceAfter).withFunding(funding.credited(balanceAfter));
    }

    private AccountState withBalance(Money next) {
        return with(next, unbilled, lifetimeSpend, intervals, tier, suspended, heldTopUps, billingLimitReached);
    }

    @Override
    public AccountState on(PriceOverrideSet set) {
        return withTerms(terms.overridden(set));
    }

    @Override
    public AccountState on(CommitmentAdded added) {
        return withTerms(terms.added(added));
    }

    @Override
    public AccountState on(CommitmentEnded ended) {
        AccountState next = withTerms(terms.ended(ended));
        if (ended.trueUpLine() == null) {
            return next;
        }
        return next.with(balance, ended.unbilledAfter(), lifetimeSpend, intervals, tier, suspended, heldTopUps, billingLimitReached)
                .withBilling(next.billing.added(List.of(ended.trueUpLine())));
    }

    @Override
    public AccountState on(InvoiceCreditCarried carried) {
        return with(balance, carried.unbilledAfter(), lifetimeSpend, intervals, tier, suspended, heldTopUps, billingLimitReached)
                .withBilling(billing.carried(carried.creditNoteNumber(), carried.line()));
    }

    private AccountState withTerms(PriceTerms next) {
        return new AccountState(accountId, billingMode, currency, balance, unbilled, lifetimeSpend, intervals, tier, suspended,
                heldTopUps, billingLimitReached, budgets, organisation, funding, billing, heldUsage, grants, reversed, next);
    }

    private AccountState withGrants(Grants next) {
        return new AccountState(accountId, billingMode, currency, balance, unbilled, lifetimeSpend, intervals, tier, suspended,
                heldTopUps, billingLimitReached, budgets, organisation, funding, billing, heldUsage, next, reversed, terms);
    }

    @Override
    public AccountState on(AutoRechargeConfigured configured) {
        return withFunding(funding.configured(configured.enabled(), configured.threshold(), configured.amount(), balance));
    }

    @Override
    public AccountState on(RechargeRequested requested) {
        return withFunding(funding.requested(new Funding.Recharge(requested.rechargeId(), requested.amount(), 1, 0),
                requested.requestedAt()));
    }

    @Override
    public AccountState on(AutoRechargeLimitReached limited) {
        return withFunding(funding.limitReached(limited.day()));
    }

    @Override
    public AccountState on(RechargeAttemptFailed event) {
        return withFunding(funding.attemptFailed());
    }

    @Override
    public AccountState on(RechargeOutcomeUnknown event) {
        return withFunding(funding.outcomeUnknown());
    }

    @Override
    public AccountState on(RechargeFailed event) {
        return withFunding(funding.failed());
    }

    @Override
    public AccountState on(BalanceLow event) {
        return withFunding(funding.warnedLow());
    }

    @Override
    public AccountState on(BalanceExhausted event) {
        return withFunding(funding.warnedExhausted());
    }

    @Override
    public AccountState on(UsageBatchCharged charged) {
        // The whole batch at once: its figures after it, its intervals and budget spend added together.
        return new AccountState(accountId, billingMode, currency, charged.balanceAfterMoney(), charged.unbilledAfterMoney(),
                charged.lifetimeSpendAfterMoney(), intervals.withAll(charged.records()), tier, suspended, heldTopUps,
                billingLimitReached, budgets.isEmpty() ? budgets : spend(charged), organisation, funding,
                billingMode == BillingMode.POSTPAID ? billing.charged(charged) : billing, heldUsage, grants.drawn(drawsOf(charged)), reversed,
                terms.charged(charged));
    }

    /** The batch's draws; a prepaid batch charged before grants were kept drew by the same rule, so it is drawn again here. */
    private List<GrantDraw> drawsOf(UsageBatchCharged charged) {
        if (!charged.draws().isEmpty() || billingMode != BillingMode.PREPAID || grants.open().isEmpty()) {
            return charged.draws();
        }
        Drawdown legacy = Drawdown.of(grants, charged.chargedAt());
        legacy.draw(charged.total());
        return legacy.draws();
    }

    @Override
    public AccountState on(BudgetSet set) {
        String key = Budget.key(set.scope(), set.scopeId());
        Budget existing = budgets.get(key);
        return withBudget(key, existing != null ? existing.withLimits(set.hardCap(), set.softAlerts())
                : new Budget(set.scope(), set.scopeId(), set.hardCap(), set.softAlerts(), Budget.periodOf(set.setAt()),
                        Money.zero(currency), Set.of(), false));
    }

    @Override
    public AccountState on(ProjectAdded added) {
        return withOrganisation(organisation.withProject(added.projectId()));
    }

    @Override
    public AccountState on(MemberAdded added) {
        return withOrganisation(organisation.withMember(added.memberId(), added.role()));
    }

    @Override
    public AccountState on(ApiKeyIssued issued) {
        return withOrganisation(organisation.withApiKey(issued.apiKeyId()));
    }

    @Override
    public AccountState on(BudgetAlertRaised alert) {
        String key = Budget.key(alert.scope(), alert.scopeId());
        return withBudget(key, budgets.get(key).alerted(alert.threshold()));
    }

    @Override
    public AccountState on(BudgetBlocked blocked) {
        String key = Budget.key(blocked.scope(), blocked.scopeId());
        return withBudget(key, budgets.get(key).blocked(true));
    }

    @Override
    public AccountState on(BudgetUnblocked unblocked) {
        String key = Budget.key(unblocked.scope(), unblocked.scopeId());
        return withBudget(key, budgets.get(key).blocked(false));
    }

    @Override
    public AccountState on(TopUpHeld held) {
        Map<String, Money> next = new HashMap<>(heldTopUps);
        next.put(held.topUpId(), held.amount());
        return with(balance, unbilled, lifetimeSpend, intervals, tier, suspended, next, billingLimitReached);
    }

    @Override
    public AccountState on(TopUpRejected rejected) {
        Map<String, Money> next = new HashMap<>(heldTopUps);
        next.remove(rejected.topUpId());
        return with(balance, unbilled, lifetimeSpend, intervals, tier, suspended, next, billingLimitReached);
    }

    @Override
    public AccountState on(UsageHeldForReview held) {
        Map<String, UsageHeldForReview> next = new HashMap<>(heldUsage);
        next.put(held.usageEventId(), held);
        return withHeldUsage(next);
    }

    @Override
    public AccountState on(HeldUsageApproved approved) {
        return withoutHeldUsage(approved.usageEventId());
    }

    @Override
    public AccountState on(HeldUsageRejected rejected) {
        return withoutHeldUsage(rejected.usageEventId());
    }

    @Override
    public AccountState on(TierPromoted promoted) {
        return with(balance, unbilled, lifetimeSpend, intervals, promoted.toTier(), suspended, heldTopUps, billingLimitReached);
    }

    @Override
    public AccountState on(BillingLimitReached event) {
        return with(balance, unbilled, lifetimeSpend, intervals, tier, suspended, heldTopUps, true);
    }

    @Override
    public AccountState on(AccountSuspended event) {
        return with(balance, unbilled, lifetimeSpend, intervals, tier, true, heldTopUps, billingLimitReached);
    }

    @Override
    public AccountState on(PaymentMethodAttached attached) {
        return withBilling(billing.attached(attached.paymentMethodId()));
    }

    @Override
    public AccountState on(UnbilledClosed closed) {
        // Closing re-arms the billing limit: the next threshold invoice is due when unbilled usage reaches it again.
        return with(balance, new Money(closed.unbilledAfter(), currency), lifetimeSpend, intervals, tier, suspended, heldTopUps, false)
                .withBilling(billing.closed(closed));
    }

    @Override
    public AccountState on(InvoiceSettled settled) {
        return withBilling(billing.settled(settled.invoiceId(), settled.amount().amount()));
    }

    @Override
    public AccountState on(InvoiceDefaulted defaulted) {
        return withBilling(billing.defaulted(defaulted.invoiceId()));
    }

    @Override
    public AccountState on(InvoiceWrittenOff writtenOff) {
        return withBilling(billing.writtenOff(writtenOff.invoiceId()));
    }

    @Override
    public AccountState on(AccountReinstated event) {
        return with(balance, unbilled, lifetimeSpend, intervals, tier, false, heldTopUps, billingLimitReached);
    }

    private AccountState with(Money balance, Money unbilled, Money lifetimeSpend, EndpointIntervals intervals, int tier,
                              boolean suspended, Map<String, Money> heldTopUps, boolean billingLimitReached) {
        return new AccountState(accountId, billingMode, currency, balance, unbilled, lifetimeSpend, intervals, tier, suspended,
                heldTopUps, billingLimitReached, budgets, organisation, funding, billing, heldUsage, grants, reversed, terms);
    }

    private AccountState withoutHeldUsage(String usageEventId) {
        Map<String, UsageHeldForReview> next = new HashMap<>(heldUsage);
        next.remove(usageEventId);
        return withHeldUsage(next);
    }

    private AccountState withHeldUsage(Map<String, UsageHeldForReview> next) {
        return new AccountState(accountId, billingMode, currency, balance, unbilled, lifetimeSpend, intervals, tier, suspended,
                heldTopUps, billingLimitReached, budgets, organisation, funding, billing, next, grants, reversed, terms);
    }

    private AccountState withFunding(Funding next) {
        return new AccountState(accountId, billingMode, currency, balance, unbilled, lifetimeSpend, intervals, tier, suspended,
                heldTopUps, billingLimitReached, budgets, organisation, next, billing, heldUsage, grants, reversed, terms);
    }

    private AccountState withBilling(Billing next) {
        return new AccountState(accountId, billingMode, currency, balance, unbilled, lifetimeSpend, intervals, tier, suspended,
                heldTopUps, billingLimitReached, budgets, organisation, funding, next, heldUsage, grants, reversed, terms);
    }

    private AccountState withBudgets(Map<String, Budget> next) {
        return new AccountState(accountId, billingMode, currency, balance, unbilled, lifetimeSpend, intervals, tier, suspended,
                heldTopUps, billingLimitReached, next, organisation, funding, billing, heldUsage, grants, reversed, terms);
    }

    private AccountState withOrganisation(Organisation next) {
        return new AccountState(accountId, billingMode, currency, balance, unbilled, lifetimeSpend, intervals, tier, suspended,
                heldTopUps, billingLimitReached, budgets, next, funding, billing, heldUsage, grants, reversed, terms);
    }

    private AccountState withBudget(String key, Budget budget) {
        Map<String, Budget> next = new HashMap<>(budgets);
        next.put(key, budget);
        return withBudgets(next);
    }

    private Map<String, Budget> spend(UsageBatchCharged charged) {
        Map<String, Budget> next = new HashMap<>(budgets);
        next.replaceAll((key, budget) -> budget.spend(accountId, charged.records(), currency));
        return next;
    }
}
