package dev.inference.ledger.accounts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.AccountReinstated;
import dev.inference.ledger.kernel.account.AccountEvent.CreditExpired;
import dev.inference.ledger.kernel.account.AccountEvent.CreditGranted;
import dev.inference.ledger.kernel.account.AccountEvent.CreditStarted;
import dev.inference.ledger.kernel.account.AccountEvent.CreditVoided;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.input.Identifier;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.accounts.AccountCommand.GrantCredit;
import dev.inference.ledger.accounts.AccountCommand.VoidCredit;
import dev.inference.ledger.accounts.Grants.Grant;

/**
 * A prepaid account's credit grants: granting, voiding, and the grants whose time has come (to start counting, or to
 * expire). Usage draws them in {@link Drawdown}'s order.
 */
public final class CreditRules {

    /** The priority of a top-up, a recharge, and a grant that names none. */
    public static final int DEFAULT_PRIORITY = 100;
    /** Priorities run from 0 (drawn first) to this. */
    public static final int MAX_PRIORITY = 1000;
    /** How far ahead a grant's effective time and expiry may be set. */
    public static final Duration MAX_AHEAD = Duration.ofDays(3660);
    /** The most grants an account keeps open at once: each is looked at by every charge. */
    public static final int MAX_OPEN = 100;

    private CreditRules() {
    }

    /**
     * A grant of credit. Granting the same {@code grantId} again with the same terms changes nothing (an empty list);
     * with other terms, or after the grant ended, it is refused.
     */
    public static List<AccountEvent> grant(AccountState state, GrantCredit command, UsageTiers tiers, RechargePolicy policy, Instant now) {
        Identifier.GRANT.problem(command.grantId()).ifPresent(problem -> {
            throw new AccountRuleViolation("invalid-grant", problem);
        });
        if (command.grantId().startsWith("top-up:") || command.grantId().startsWith("recharge:") || command.grantId().startsWith("reversal:")) {
            throw new AccountRuleViolation("invalid-grant", "grant ids starting with 'top-up:', 'recharge:' or 'reversal:' name top-ups, "
                    + "recharges and what reversals give back");
        }
        if (state.billingMode() != BillingMode.PREPAID) {
            throw new AccountRuleViolation("grant-needs-prepaid", "credit grants are spent by prepaid accounts; this account is postpaid");
        }
        if (command.kind() == null) {
            throw new AccountRuleViolation("invalid-grant", "kind must be purchased, promotional or contractual");
        }
        Money amount = command.amount();
        if (amount == null || !amount.isPositive() || !amount.currency().equals(state.currency()) || !amount.isWithinInputRange()) {
            throw new AccountRuleViolation("invalid-grant", "amount must be more than zero and less than " + Money.MAX_INPUT.toPlainString()
                    + ", in " + state.currency());
        }
        int priority = command.priority() == null ? DEFAULT_PRIORITY : command.priority();
        if (priority < 0 || priority > MAX_PRIORITY) {
            throw new AccountRuleViolation("invalid-grant", "priority must be 0 (drawn first) to " + MAX_PRIORITY);
        }
        Instant effectiveAt = command.effectiveAt() == null ? now : command.effectiveAt();
        if (effectiveAt.isAfter(now.plus(MAX_AHEAD)) || (command.expiresAt() != null && command.expiresAt().isAfter(now.plus(MAX_AHEAD)))) {
            throw new AccountRuleViolation("invalid-grant", "effectiveAt and expiresAt may be at most " + MAX_AHEAD.toDays() + " days ahead");
        }
        if (command.expiresAt() != null && (!command.expiresAt().isAfter(effectiveAt) || !command.expiresAt().isAfter(now))) {
            throw new AccountRuleViolation("invalid-grant", "expiresAt must be after effectiveAt and in the future");
        }
        String reason = command.reason() == null || command.reason().isBlank() ? null : command.reason().strip();
        if (reason != null) {
            Identifier.REASON.problem(reason).ifPresent(problem -> {
                throw new AccountRuleViolation("invalid-grant", problem);
            });
        }
        if (state.grants().granted().contains(command.grantId())) {
            Grant open = state.grants().find(command.grantId());
            if (open != null && open.kind() == command.kind() && open.amount().compareTo(amount.amount()) == 0 && open.priority() == priority
                    && java.util.Objects.equals(open.expiresAt(), command.expiresAt())
                    && (command.effectiveAt() == null || open.effectiveAt().equals(command.effectiveAt()))) {
                return List.of();
            }
            throw new AccountRuleViolation("grant-exists", "grant '" + command.grantId() + "' was made already, on other terms or since ended");
        }
        if (state.grants().open().size() >= MAX_OPEN) {
            throw new AccountRuleViolation("too-many-grants", "an account keeps at most " + MAX_OPEN + " grants open");
        }
        boolean effectiveNow = !effectiveAt.isAfter(now);
        Money balance = effectiveNow ? state.balance().plus(amount) : state.balance();
        CreditGranted granted = new CreditGranted(state.accountId(), command.grantId(), command.kind(), amount, priority, effectiveAt,
                command.expiresAt(), reason, balance, now);
        return effectiveNow ? AccountRules.credited(state, granted, tiers, policy, now) : List.of(granted);
    }

    /** An admin takes back a grant nothing was drawn from. Top-ups and recharges are refunded, never voided. */
    public static List<AccountEvent> voidGrant(AccountState state, VoidCredit command, RechargePolicy policy, Instant now) {
        Grant grant = command.grantId() == null ? null : state.grants().find(command.grantId());
        if (grant == null || !state.grants().granted().contains(grant.grantId())) {
            throw new AccountRuleViolation("grant-not-open", "no open grant '" + Identifier.echo(String.valueOf(command.grantId()))
                    + "' made through the grants API");
        }
        if (!grant.unused()) { // drawn from, paid a debt, or opened again by a reversal
            throw new AccountRuleViolation("grant-used", "grant '" + grant.grantId() + "' has paid for usage already: "
                    + grant.remaining().stripTrailingZeros().toPlainString() + " of " + grant.amount().stripTrailingZeros().toPlainString()
                    + " left");
        }
        String reason = command.reason() == null || command.reason().isBlank() ? "voided" : command.reason().strip();
        Money amount = new Money(grant.amount(), state.currency());
        Money balance = grant.started() ? state.balance().minus(amount) : state.balance();
        CreditVoided voided = new CreditVoided(state.accountId(), grant.grantId(), grant.kind(), amount, grant.started(), reason, balance, now);
        return afterLoss(state.evolve(voided), List.of(voided), policy, now);
    }

    /**
     * The grants whose time came by {@code now}, in the order it came: a grant starts counting at its effective time
     * and expires at its expiry, with what is left of it. Nothing when none is due, which is what every charge asks
     * first. What the lower balance calls for (a warning, a recharge, a suspension) follows.
     */
    public static List<AccountEvent> due(AccountState state, RechargePolicy policy, Instant now) {
        List<Grant> open = state.grants().open();
        List<Moment> moments = new ArrayList<>(0);
        for (Grant grant : open) {
            if (grant.startsBy(now)) {
                moments.add(new Moment(grant.effectiveAt(), 0, grant.grantId()));
            }
            if (grant.expiresBy(now)) {
                moments.add(new Moment(grant.expiresAt(), 1, grant.grantId()));
            }
        }
        if (moments.isEmpty()) {
            return List.of();
        }
        moments.sort(Comparator.comparing(Moment::at).thenComparingInt(Moment::what));
        List<AccountEvent> events = new ArrayList<>(moments.size());
        AccountState running = state;
        boolean lost = false;
        for (Moment moment : moments) {
            Grant grant = running.grants().find(moment.grantId());
            if (grant == null) {
                continue; // drawn to nothing when it started: nothing left to expire
            }
            AccountEvent event;
            if (moment.what() == 0) {
                Money amount = new Money(grant.amount(), state.currency());
                event = new CreditStarted(state.accountId(), grant.grantId(), amount, running.balance().plus(amount), now);
            } else {
                Money rest = new Money(grant.remaining(), state.currency());
                event = new CreditExpired(state.accountId(), grant.grantId(), grant.kind(), rest, running.balance().minus(rest), now);
                lost = true;
            }
            events.add(event);
            running = running.evolve(event);
        }
        if (lost) {
            return afterLoss(running, events, policy, now);
        }
        // Only starts: money in, as a grant effective now is: it may reinstate the account.
        if (running.suspended() && running.balance().isPositive() && !running.billing().owes()) {
            events.add(new AccountReinstated(state.accountId(), running.balance(), now));
        }
        return events;
    }

    /** Credit left the balance ({@code after}: the state after {@code events}): what the balance as it now is calls for follows. */
    private static List<AccountEvent> afterLoss(AccountState after, List<AccountEvent> events, RechargePolicy policy, Instant now) {
        List<AccountEvent> all = new ArrayList<>(events);
        all.addAll(Triggers.ofBalance(after, policy, now));
        return all;
    }

    /** A grant's start (0) or expiry (1) at {@code at}: a start before an expiry at the same instant. */
    private record Moment(Instant at, int what, String grantId) {
    }
}
