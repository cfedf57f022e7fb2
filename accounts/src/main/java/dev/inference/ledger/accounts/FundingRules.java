package dev.inference.ledger.accounts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeRequested;
import dev.inference.ledger.kernel.account.AccountEvent.AccountReinstated;
import dev.inference.ledger.kernel.account.AccountEvent.AutoRechargeConfigured;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeAttemptFailed;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeFailed;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeOutcomeUnknown;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeSucceeded;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.accounts.AccountCommand.ConfigureAutoRecharge;
import dev.inference.ledger.accounts.AccountCommand.PayTopUp;
import dev.inference.ledger.accounts.AccountCommand.RecordRechargeOutcome;
import dev.inference.ledger.accounts.Funding.Recharge;

/**
 * The decisions that keep a prepaid balance funded: the low-balance warning, auto-recharge, and
 * suspension when the balance is gone with no recharge on its way. Pure, like {@link AccountRules}.
 */
public final class FundingRules {

    private FundingRules() {
    }

    public static List<AccountEvent> configure(AccountState state, ConfigureAutoRecharge command, RechargePolicy policy, Instant now) {
        if (state.billingMode() != BillingMode.PREPAID) {
            throw new AccountRuleViolation("auto-recharge-not-prepaid", "auto-recharge refills a prepaid balance; the account is postpaid");
        }
        Money zero = Money.zero(state.currency());
        if (command.threshold() == null || !command.threshold().currency().equals(state.currency()) || command.threshold().isLessThan(zero)) {
            throw new AccountRuleViolation("invalid-auto-recharge", "threshold must be zero or more, in " + state.currency());
        }
        // Outside the top-up limits a recharge would dodge the minimum or the enterprise review.
        Money min = Money.of(AccountRules.MIN_TOP_UP, state.currency());
        Money max = Money.of(AccountRules.REVIEW_ABOVE, state.currency());
        if (command.amount() == null || !command.amount().currency().equals(state.currency())
                || command.amount().isLessThan(min) || max.isLessThan(command.amount())) {
            throw new AccountRuleViolation("invalid-auto-recharge", "amount must be from " + AccountRules.MIN_TOP_UP + " to "
                    + AccountRules.REVIEW_ABOVE + " " + state.currency() + ", like a top-up that needs no review");
        }
        if (!command.threshold().isLessThan(command.amount())) {
            // Otherwise a spent balance refilled once is still below the threshold, and the next recharge follows at once.
            throw new AccountRuleViolation("invalid-auto-recharge", "amount must be more than threshold, so that one recharge lifts a "
                    + "spent balance above it (threshold " + command.threshold().toPlainString() + ", amount "
                    + command.amount().toPlainString() + ")");
        }
        AutoRechargeConfigured configured = new AutoRechargeConfigured(state.accountId(), command.enabled(), command.threshold(),
                command.amount(), now);
        List<AccountEvent> events = new ArrayList<>(List.of(configured));
        events.addAll(Triggers.ofBalance(state.evolve(configured), policy, now));
        return events;
    }

    /**
     * A top-up the customer pays by card: a recharge asked at once, paid and credited as an auto-recharge is, within the
     * same bounds (a top-up's amount that needs no review, one payment in flight, the daily count and amount of recharges).
     */
    public static RechargeRequested payTopUp(AccountState state, PayTopUp command, RechargePolicy policy, Instant now) {
        if (state.billingMode() != BillingMode.PREPAID) {
            throw new AccountRuleViolation("top-up-not-prepaid", "a postpaid account pays its invoices; it is not topped up");
        }
        Money min = Money.of(AccountRules.MIN_TOP_UP, state.currency());
        Money max = Money.of(AccountRules.REVIEW_ABOVE, state.currency());
        if (command.amount() == null || !command.amount().currency().equals(state.currency())
                || command.amount().isLessThan(min) || max.isLessThan(command.amount())) {
            throw new AccountRuleViolation("invalid-amount", "amount must be from " + AccountRules.MIN_TOP_UP + " to "
                    + AccountRules.REVIEW_ABOVE + " " + state.currency());
        }
        if (state.funding().rechargeInFlight()) {
            throw new AccountRuleViolation("payment-in-flight", "a payment for this account is on its way: wait for its answer");
        }
        if (!policy.allowsAnother(state.funding(), command.amount(), now)) {
            throw new AccountRuleViolation("daily-limit", "the account has reached today's limit of card payments");
        }
        return new RechargeRequested(state.accountId(), state.funding().nextRechargeId(state.accountId()), command.amount(), state.balance(), now);
    }

    /**
     * The provider's answer for one ask of an attempt; an answer for another recharge, attempt or ask was
     * already recorded. Only a refusal moves on to a new attempt (a new idempotency key); an unknown
     * outcome asks the same attempt again, since the money may have been taken, up to the policy's
     * bound: then the recharge fails, and is never asked under a new key.
     */
    public static List<AccountEvent> outcome(AccountState state, RecordRechargeOutcome command, UsageTiers tiers, RechargePolicy policy,
                                             Instant now) {
        Recharge inFlight = state.funding().inFlight();
        if (inFlight == null || !inFlight.rechargeId().equals(command.rechargeId()) || inFlight.attempt() != command.attempt()
                || inFlight.unanswered() != command.unanswered()) {
            return List.of();
        }
        List<AccountEvent> events = new ArrayList<>(3);
        AccountEvent decided = switch (command.answer()) {
            case SUCCEEDED -> new RechargeSucceeded(state.accountId(), inFlight.rechargeId(), inFlight.amount(),
                    command.paymentReference(), state.balance().plus(inFlight.amount()), now);
            case DECLINED -> policy.retries(inFlight.attempt())
                    ? new RechargeAttemptFailed(state.accountId(), inFlight.rechargeId(), inFlight.attempt(), command.reason(),
                            policy.retryAt(inFlight.attempt(), now), now)
                    : new RechargeFailed(state.accountId(), inFlight.rechargeId(), inFlight.attempt(), command.reason(),
                            state.balance(), now);
            case UNKNOWN -> policy.retries(inFlight.unanswered() + 1)
                    ? new RechargeOutcomeUnknown(state.accountId(), inFlight.rechargeId(), inFlight.attempt(), inFlight.unanswered() + 1,
                            command.reason(), policy.retryAt(inFlight.unanswered() + 1, now), now)
                    : new RechargeFailed(state.accountId(), inFlight.rechargeId(), inFlight.attempt(), "outcome-unknown: " + command.reason(),
                            state.balance(), now);
        };
        events.add(decided);
        AccountState after = state.evolve(decided);
        if (decided instanceof RechargeSucceeded && after.suspended() && after.balance().isPositive()) {
            AccountReinstated reinstated = new AccountReinstated(state.accountId(), after.balance(), now);
            events.add(reinstated);
            after = after.evolve(reinstated);
        }
        events.addAll(Triggers.after(after, tiers, policy, now));
        return events;
    }
}
