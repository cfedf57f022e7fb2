package dev.inference.ledger.kernel.account;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonFormat;

import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.Charge;
import dev.inference.ledger.kernel.usage.Interval;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;

/**
 * The facts the Account aggregate records: what auditors replay and other modules read. They are
 * never edited; a correction is a new event. Each carries the balances after it, so that an auditor
 * can check every balance against the sum of the entries before it.
 */
public sealed interface AccountEvent {

    String accountId();

    record AccountOpened(String accountId, String name, BillingMode billingMode, String currency,
                         Instant openedAt) implements AccountEvent {
    }

    /** Money added to a prepaid balance; {@code topUpId} is the client's idempotency key. */
    record TopUpCredited(String accountId, String topUpId, Money amount, Money balanceAfter,
                         Instant creditedAt) implements AccountEvent {
    }

    /**
     * A usage record charged: drawn from the balance of a prepaid account, added to the unbilled
     * usage of a postpaid one. {@code usageEventId} is the publisher's {@code eventId}.
     * {@code lifetimeSpendAfter} is all usage ever charged to the account, this charge included;
     * {@code interval} the endpoint time a compute record covered, when it named its endpoint.
     */
    record UsageCharged(String accountId, String usageEventId, Instant occurredAt, String source,
                        Attribution attribution, Charge charge, Interval interval, BillingMode billingMode,
                        Money balanceAfter, Money unbilledAfter, Money lifetimeSpendAfter,
                        Instant chargedAt) implements AccountEvent {

        /** What the charge did to the balance: minus the cost when prepaid, nothing when postpaid. */
        public Money balanceChange() {
            return billingMode == BillingMode.PREPAID ? charge.cost().negate() : Money.zero(charge.cost().currency());
        }

        /** What the charge did to the unbilled usage: plus the cost when postpaid, nothing when prepaid. */
        public Money unbilledChange() {
            return billingMode == BillingMode.POSTPAID ? charge.cost() : Money.zero(charge.cost().currency());
        }
    }

    /** A usage record the account refused to charge, and why: {@code reason} is its dead-letter reason. */
    record UsageRefused(String accountId, String usageEventId, String reason, String detail,
                        Instant refusedAt) implements AccountEvent {
    }

    /** A top-up above the enterprise-review limit, held until an admin approves or rejects it. */
    record TopUpHeld(String accountId, String topUpId, Money amount, Instant heldAt) implements AccountEvent {
    }

    /** A held top-up an admin rejected: nothing is credited. */
    record TopUpRejected(String accountId, String topUpId, Money amount, String reason, Instant rejectedAt)
            implements AccountEvent {
    }

    /** The account moved up the usage tiers, as its paid spend grew; tiers never go down. */
    record TierPromoted(String accountId, int fromTier, int toTier, Money billingLimit, Money paidSpend,
                        Instant promotedAt) implements AccountEvent {
    }

    /** A postpaid account's unbilled usage reached its tier's billing limit: the cue for a threshold invoice. */
    record BillingLimitReached(String accountId, int tier, Money billingLimit, Money unbilled, Instant reachedAt)
            implements AccountEvent {
    }

    /** A prepaid account with nothing left to spend; the gateway's authorize refuses it until it is reinstated. */
    record AccountSuspended(String accountId, String reason, Money balance, Instant suspendedAt) implements AccountEvent {
    }

    record AccountReinstated(String accountId, Money balance, Instant reinstatedAt) implements AccountEvent {
    }

    /**
     * A spending budget on one scope of the account ({@code account}, {@code project}, {@code member} or
     * {@code apiKey}) for each calendar month (UTC): soft alerts at fractions of the hard cap, and a block
     * at the cap. Setting it again replaces the cap and the alerts; the month's spend is kept.
     */
    record BudgetSet(String accountId, String scope, String scopeId, String period, Money hardCap,
                     List<BigDecimal> softAlerts, Instant setAt) implements AccountEvent {
    }

    /** A scope's spend in {@code period} (e.g. 2026-11) crossed {@code threshold} × its hard cap; once a period. */
    record BudgetAlertRaised(String accountId, String scope, String scopeId, String period,
                             @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal threshold, Money spent,
                             Money hardCap, Instant raisedAt) implements AccountEvent {
    }

    /** A scope reached its hard cap in {@code period}: the gateway's authorize refuses it until the month or the cap changes. */
    record BudgetBlocked(String accountId, String scope, String scopeId, String period, Money spent, Money hardCap,
                         Instant blockedAt) implements AccountEvent {
    }

    record BudgetUnblocked(String accountId, String scope, String scopeId, String period, Money spent, Money hardCap,
                           Instant unblockedAt) implements AccountEvent {
    }

    /** A project of the organisation whose balance pool the account is: an attribution and budget scope. */
    record ProjectAdded(String accountId, String projectId, String name, Instant addedAt) implements AccountEvent {
    }

    /** A member of the organisation, with a role: owner, billing or developer. */
    record MemberAdded(String accountId, String memberId, String role, Instant addedAt) implements AccountEvent {
    }

    /** An API key of the organisation, optionally of one of its projects and members. */
    record ApiKeyIssued(String accountId, String apiKeyId, String projectId, String memberId, Instant issuedAt)
            implements AccountEvent {
    }

    /**
     * Auto-recharge set up or changed: when a charge takes the balance below {@code threshold},
     * {@code amount} is charged to the customer's payment method. The threshold is also the balance
     * below which the customer is warned ({@link BalanceLow}), with auto-recharge enabled or not.
     */
    record AutoRechargeConfigured(String accountId, boolean enabled, Money threshold, Money amount, Instant configuredAt)
            implements AccountEvent {
    }

    /** A charge took a prepaid balance below the low-balance threshold; once until a credit lifts it back. */
    record BalanceLow(String accountId, Money balance, Money threshold, Instant at) implements AccountEvent {
    }

    /**
     * A charge took a prepaid balance to zero or below: the gateway's authorize refuses the account
     * ({@code insufficient-balance}) until a credit lifts it above zero. Without a recharge in flight
     * the account is suspended as well.
     */
    record BalanceExhausted(String accountId, Money balance, Instant at) implements AccountEvent {
    }

    /** One recharge asked of the payment provider; never a second while one is in flight. */
    record RechargeRequested(String accountId, String rechargeId, Money amount, Money balance, Instant requestedAt)
            implements AccountEvent {
    }

    /** The provider took the payment: the money is credited. */
    record RechargeSucceeded(String accountId, String rechargeId, Money amount, String paymentReference, Money balanceAfter,
                             Instant succeededAt) implements AccountEvent {
    }

    /** One attempt of a recharge failed; it is tried again at {@code retryAt}. */
    record RechargeAttemptFailed(String accountId, String rechargeId, int attempt, String reason, Instant retryAt,
                                 Instant failedAt) implements AccountEvent {
    }

    /**
     * The provider gave no definite answer for an attempt (a timeout, no answer, unsure): the same attempt,
     * with the same idempotency key, is asked again at {@code retryAt}; {@code unanswered} counts the asks
     * that went unanswered so far.
     */
    record RechargeOutcomeUnknown(String accountId, String rechargeId, int attempt, int unanswered, String reason, Instant retryAt,
                                  Instant at) implements AccountEvent {
    }

    /** Every attempt failed: auto-recharge rests until the account is topped up or its settings are saved again. */
    record RechargeFailed(String accountId, String rechargeId, int attempts, String reason, Money balance, Instant failedAt)
            implements AccountEvent {
    }
}
