package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.HeldUsageApproved;
import dev.inference.ledger.kernel.account.AccountEvent.HeldUsageRejected;
import dev.inference.ledger.kernel.account.AccountEvent.UsageHeldForReview;
import dev.inference.ledger.kernel.account.AccountEvent.UsageRefused;
import dev.inference.ledger.accounts.AccountCommand.ApproveHeldUsage;
import dev.inference.ledger.accounts.AccountCommand.RejectHeldUsage;
import dev.inference.ledger.accounts.AccountCommand.UsageToCharge;
import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;
import dev.inference.ledger.kernel.account.AccountEvent.AccountReinstated;
import dev.inference.ledger.kernel.account.AccountEvent.ApiKeyIssued;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetBlocked;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetSet;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetUnblocked;
import dev.inference.ledger.kernel.account.AccountEvent.MemberAdded;
import dev.inference.ledger.kernel.account.AccountEvent.ProjectAdded;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpHeld;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpRejected;
import dev.inference.ledger.kernel.account.AccountId;
import dev.inference.ledger.kernel.money.Currencies;
import dev.inference.ledger.kernel.money.Decimals;
import dev.inference.ledger.kernel.input.Identifier;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.accounts.AccountCommand.AddMember;
import dev.inference.ledger.accounts.AccountCommand.AddProject;
import dev.inference.ledger.accounts.AccountCommand.ApproveTopUp;
import dev.inference.ledger.accounts.AccountCommand.ChargeUsage;
import dev.inference.ledger.accounts.AccountCommand.IssueApiKey;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.accounts.AccountCommand.RejectTopUp;
import dev.inference.ledger.accounts.AccountCommand.SetBudget;
import dev.inference.ledger.accounts.AccountCommand.TopUp;

/** The account's decisions as pure functions: a command and the state in, the events out. */
public final class AccountRules {

    static final int MAX_NAME_LENGTH = 200;
    static final String MIN_TOP_UP = "10";
    static final String REVIEW_ABOVE = "5000";
    static final int SOFT_ALERT_PLACES = 6;

    private AccountRules() {
    }

    public static AccountOpened open(OpenAccount command, Instant now) {
        AccountId.require(command.accountId());
        if (command.name() == null || command.name().isBlank() || command.name().length() > MAX_NAME_LENGTH) {
            throw new AccountRuleViolation("invalid-name", "name must be 1-" + MAX_NAME_LENGTH + " characters");
        }
        if (command.billingMode() == null) {
            throw new AccountRuleViolation("invalid-billing-mode", "billingMode must be prepaid or postpaid");
        }
        if (!Currencies.isSupported(command.currency())) {
            throw new AccountRuleViolation("unsupported-currency", "currency " + command.currency() + " is not supported; accounts are kept in USD");
        }
        return new AccountOpened(command.accountId(), command.name().strip(), command.billingMode(), command.currency(), now);
    }

    /** Top-ups of at least {@link #MIN_TOP_UP}; above {@link #REVIEW_ABOVE} they wait for an admin's review. */
    public static List<AccountEvent> topUp(AccountState state, TopUp command, UsageTiers tiers, RechargePolicy policy, Instant now) {
        if (!command.amount().currency().equals(state.currency())) {
            throw new AccountRuleViolation("currency-mismatch", "the account is kept in " + state.currency());
        }
        if (command.amount().isLessThan(Money.of(MIN_TOP_UP, state.currency()))) {
            throw new AccountRuleViolation("top-up-below-minimum", "a top-up is at least " + MIN_TOP_UP + " " + state.currency());
        }
        if (Money.of(REVIEW_ABOVE, state.currency()).isLessThan(command.amount())) {
            return List.of(new TopUpHeld(state.accountId(), command.topUpId(), command.amount(), now));
        }
        return credit(state, command.topUpId(), command.amount(), tiers, policy, now);
    }

    public static List<AccountEvent> approve(AccountState state, ApproveTopUp command, UsageTiers tiers, RechargePolicy policy, Instant now) {
        return credit(state, command.topUpId(), held(state, command.topUpId()), tiers, policy, now);
    }

    public static TopUpRejected reject(AccountState state, RejectTopUp command, Instant now) {
        String reason = command.reason() == null || command.reason().isBlank() ? "rejected on review" : command.reason().strip();
        return new TopUpRejected(state.accountId(), command.topUpId(), held(state, command.topUpId()), reason, now);
    }

    private static Money held(AccountState state, String topUpId) {
        Money amount = state.heldTopUps().get(topUpId);
        if (amount == null) {
            throw new AccountRuleViolation("top-up-not-held", "no top-up '" + topUpId + "' is waiting for review");
        }
        return amount;
    }

    public static ProjectAdded addProject(AccountState state, AddProject command, Instant now) {
        requireId("projectId", command.projectId());
        if (command.name() == null || command.name().isBlank() || command.name().length() > MAX_NAME_LENGTH) {
            throw new AccountRuleViolation("invalid-name", "name must be 1-" + MAX_NAME_LENGTH + " characters");
        }
        if (state.organisation().projects().contains(command.projectId())) {
            throw new AccountRuleViolation("project-exists", "project '" + command.projectId() + "' already belongs to the account");
        }
        return new ProjectAdded(state.accountId(), command.projectId(), command.name().strip(), now);
    }

    public static MemberAdded addMember(AccountState state, AddMember command, Instant now) {
        requireId("memberId", command.memberId());
        if (!Organisation.ROLES.contains(command.role())) {
            throw new AccountRuleViolation("invalid-role", "role must be one of " + Organisation.ROLES + ", not '" + command.role() + "'");
        }
        if (state.organisation().members().containsKey(command.memberId())) {
            throw new AccountRuleViolation("member-exists", "member '" + command.memberId() + "' already belongs to the account");
        }
        return new MemberAdded(state.accountId(), command.memberId(), command.role(), now);
    }

    public static ApiKeyIssued issueApiKey(AccountState state, IssueApiKey command, Instant now) {
        requireId("apiKeyId", command.apiKeyId());
        Organisation organisation = state.organisation();
        if (organisation.apiKeys().contains(command.apiKeyId())) {
            throw new AccountRuleViolation("api-key-exists", "API key '" + command.apiKeyId() + "' already belongs to the account");
        }
        if (command.projectId() != null && !organisation.projects().contains(command.projectId())) {
            throw new AccountRuleViolation("unknown-project", "no project '" + command.projectId() + "' belongs to the account");
        }
        if (command.memberId() != null && !organisation.members().containsKey(command.memberId())) {
            throw new AccountRuleViolation("unknown-member", "no member '" + command.memberId() + "' belongs to the account");
        }
        return new ApiKeyIssued(state.accountId(), command.apiKeyId(), command.projectId(), command.memberId(), now);
    }

    private static void requireId(String field, String id) {
        if (!AccountId.isValid(id)) {
            throw new AccountRuleViolation("invalid-id", field + " must be 1-64 characters of letters, digits, '.', '_', ':' or '-'");
        }
    }

    public static List<AccountEvent> setBudget(AccountState state, SetBudget command, Instant now) {
        if (!Budget.SCOPES.contains(command.scope())) {
            throw new AccountRuleViolation("invalid-budget-scope", "scope must be one of " + Budget.SCOPES + ", not '" + command.scope() + "'");
        }
        if (command.scope().equals("account") && !command.scopeId().equals(state.accountId())) {
            throw new AccountRuleViolation("invalid-budget-scope", "an account budget's scopeId is the account's id");
        }
        if (!"month".equals(command.period())) {
            throw new AccountRuleViolation("invalid-budget-period", "budgets run by the calendar month: period must be \"month\"");
        }
        if (command.hardCap() == null || !command.hardCap().isPositive() || !command.hardCap().currency().equals(state.currency())) {
            throw new AccountRuleViolation("invalid-hard-cap", "hardCap must be more than zero, in " + state.currency());
        }
        for (BigDecimal alert : command.softAlerts()) {
            // Size first: every charge compares against the alerts, and a huge exponent would make that crawl.
            if (!Decimals.fits(alert, 1, SOFT_ALERT_PLACES) || alert.signum() <= 0 || alert.compareTo(BigDecimal.ONE) >= 0) {
                throw new AccountRuleViolation("invalid-soft-alert", "a soft alert is a fraction of the hard cap, between 0 and 1 with at most "
                        + SOFT_ALERT_PLACES + " decimal places: " + alert);
            }
        }
        List<AccountEvent> events = new ArrayList<>(2);
        BudgetSet set = new BudgetSet(state.accountId(), command.scope(), command.scopeId(), command.period(), command.hardCap(),
                command.softAlerts().stream().map(BigDecimal::stripTrailingZeros).sorted().distinct().toList(), now);
        events.add(set);
        Budget budget = state.evolve(set).budgets().get(Budget.key(set.scope(), set.scopeId()));
        if (budget.blocked() && !budget.capReached()) {
            events.add(new BudgetUnblocked(state.accountId(), budget.scope(), budget.scopeId(), budget.period(), budget.spent(),
                    budget.hardCap(), now));
        } else if (!budget.blocked() && budget.capReached()) {
            // A cap lowered to what the scope already spent blocks it now, not at its next charge.
            events.add(new BudgetBlocked(state.accountId(), budget.scope(), budget.scopeId(), budget.period(), budget.spent(),
                    budget.hardCap(), now));
        }
        return events;
    }

    private static List<AccountEvent> credit(AccountState state, String topUpId, Money amount, UsageTiers tiers, RechargePolicy policy,
                                             Instant now) {
        return credited(state, new TopUpCredited(state.accountId(), topUpId, amount, state.balance().plus(amount), now), tiers, policy, now);
    }

    /**
     * Money in ({@code credit}: a top-up, a recharge, a grant that counts now, each carrying the balance after it): a
     * suspended account whose balance it lifts above zero is reinstated; a resting auto-recharge wakes, and recharges
     * at once if the balance is still below its threshold; money that pays for usage already spent (a balance below
     * zero) is paid spend, and may promote the tier.
     */
    static List<AccountEvent> credited(AccountState state, AccountEvent credit, UsageTiers tiers, RechargePolicy policy, Instant now) {
        List<AccountEvent> events = new ArrayList<>(List.of(credit));
        AccountState after = state.evolve(credit);
        if (state.suspended() && after.balance().isPositive() && !state.billing().owes()) {
            AccountReinstated reinstated = new AccountReinstated(state.accountId(), after.balance(), now);
            events.add(reinstated);
            after = after.evolve(reinstated);
        }
        events.addAll(Triggers.after(after, tiers, policy, now));
        return events;
    }

    /**
     * What has come due by {@code now}: grants that start or expire ({@link CreditRules#due}), then commitments whose term has
     * ended ({@link PriceTermRules#due}). Every charge asks first, so none is priced by a term that has ended.
     */
    public static List<AccountEvent> due(AccountState state, RechargePolicy policy, Instant now) {
        List<AccountEvent> credits = CreditRules.due(state, policy, now);
        List<AccountEvent> commitments = PriceTermRules.due(credits.isEmpty() ? state : state.evolveAll(credits), now);
        if (commitments.isEmpty()) {
            return credits;
        }
        List<AccountEvent> all = new ArrayList<>(credits);
        all.addAll(commitments);
        return all;
    }

    /** One account's records of one ingest batch, as one event (UsageBatch). */
    public static List<AccountEvent> charge(AccountState state, ChargeUsage command, UsageTiers tiers, RechargePolicy policy,
                                            UsageReview review, Instant now) {
        List<AccountEvent> due = due(state, policy, now);
        if (due.isEmpty()) {
            return UsageBatch.charge(state, command, tiers, policy, review, now);
        }
        // Grants whose time came are started or expired first: a charge never draws an expired grant.
        List<AccountEvent> events = new ArrayList<>(due);
        events.addAll(UsageBatch.charge(state.evolveAll(due), command, tiers, policy, review, now));
        return events;
    }

    /** An admin approves a usage record held for review: it is charged as it was held, with what its charge triggers. */
    public static List<AccountEvent> approveUsage(AccountState given, ApproveHeldUsage command, UsageTiers tiers, RechargePolicy policy,
                                                  Instant now) {
        heldUsage(given, command.usageEventId());
        // Grants whose time came are started or expired first, as before any charge.
        List<AccountEvent> due = due(given, policy, now);
        AccountState state = given.evolveAll(due);
        UsageHeldForReview held = heldUsage(state, command.usageEventId());
        HeldUsageApproved approved = new HeldUsageApproved(state.accountId(), held.usageEventId(), held.charge().cost(), now);
        List<AccountEvent> events = new ArrayList<>(due);
        events.add(approved);
        List<AccountEvent> charged = UsageBatch.charge(state.evolve(approved), new ChargeUsage(state.accountId(), List.of(new UsageToCharge(
                held.usageEventId(), held.occurredAt(), held.source(), held.attribution(), held.charge(), held.interval()))),
                tiers, policy, null, now);
        for (AccountEvent event : charged) {
            if (event instanceof UsageRefused refusal) {
                throw new AccountRuleViolation("usage-not-chargeable", "the held record cannot be charged now: " + refusal.detail());
            }
        }
        events.addAll(charged);
        return events;
    }

    public static HeldUsageRejected rejectUsage(AccountState state, RejectHeldUsage command, Instant now) {
        UsageHeldForReview held = heldUsage(state, command.usageEventId());
        String reason = command.reason() == null || command.reason().isBlank() ? "rejected on review" : command.reason().strip();
        return new HeldUsageRejected(state.accountId(), held.usageEventId(), held.charge().cost(), reason, now);
    }

    private static UsageHeldForReview heldUsage(AccountState state, String usageEventId) {
        UsageHeldForReview held = usageEventId == null ? null : state.heldUsage().get(usageEventId);
        if (held == null) {
            throw new AccountRuleViolation("usage-not-held", "no usage record '" + Identifier.echo(String.valueOf(usageEventId))
                    + "' is waiting for review");
        }
        return held;
    }
}
