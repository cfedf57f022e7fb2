package dev.inference.ledger.service.hold;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.hold.HoldEvent;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldExpired;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldPlaced;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldReleased;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldSettled;
import dev.inference.ledger.kernel.hold.HoldEvent.Standing;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.accounts.AccountState;
import dev.inference.ledger.accounts.Budget;
import dev.inference.ledger.accounts.UsageTiers;

/**
 * The rules of holds, pure: what an account may still start, whether a hold is granted, and how usage,
 * releases and time end holds. The desk feeds them the account as committed and its open holds, under the
 * account's hold lock, and stores what they return.
 */
public final class HoldRules {

    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    public static final Duration MAX_TTL = Duration.ofHours(1);
    /** Open holds one account may have at once: every decision on the account reads them all. */
    public static final int MAX_OPEN_PER_ACCOUNT = 2_000;

    private HoldRules() {
    }

    /** A hold not ended yet; {@code charged}: what the records that named it cost so far. */
    public record OpenHold(String holdId, Attribution attribution, Money amount, Money charged, Instant expiresAt) {

        /** What the hold still reserves: its amount less what was charged against it, never below zero. */
        public Money remaining() {
            Money rest = amount.minus(charged);
            return rest.isNegative() ? Money.zero(amount.currency()) : rest;
        }

        boolean openAt(Instant now) {
            return now.isBefore(expiresAt);
        }

        OpenHold charged(BigDecimal cost) {
            return new OpenHold(holdId, attribution, amount, new Money(charged.amount().add(cost), amount.currency()), expiresAt);
        }
    }

    /** A gateway's ask: reserve {@code amount} (in {@code currency}, or the account's when null) for a request attributed so, for {@code ttl}. */
    public record Request(String holdId, Attribution attribution, BigDecimal amount, String currency, Duration ttl) {
    }

    public sealed interface Placement {
    }

    public record Granted(HoldPlaced placed) implements Placement {
    }

    /** {@code reason}: insufficient-balance, budget-hard-cap:&lt;scope&gt;:&lt;id&gt;, suspended, no-payment-method, too-many-open-holds, currency-mismatch. */
    public record Refused(String reason, String detail) implements Placement {
    }

    /**
     * Granted when the account is in good standing and the amount fits what it may spend — the prepaid
     * balance, or a postpaid tier's billing limit less what is unbilled — and every hard cap on the
     * request's path (account, project, member, API key), each less what its open holds reserve.
     */
    public static Placement place(AccountState account, List<OpenHold> open, Request request, UsageTiers tiers, Instant now) {
        if (account.suspended()) {
            return new Refused("suspended", "the account is suspended");
        }
        if (account.billingMode() == BillingMode.POSTPAID && account.billing().paymentMethodId() == null) {
            return new Refused("no-payment-method", "a postpaid account needs a payment method on file");
        }
        List<OpenHold> live = live(open, now);
        if (live.size() >= MAX_OPEN_PER_ACCOUNT) {
            return new Refused("too-many-open-holds", "the account has " + MAX_OPEN_PER_ACCOUNT + " open holds; settle or release some first");
        }
        if (request.currency() != null && !request.currency().equals(account.currency())) {
            return new Refused("currency-mismatch", "the account is kept in " + account.currency() + ", not " + request.currency());
        }
        Money amount = new Money(request.amount(), account.currency());
        Money available = available(account, live, tiers);
        if (available != null && available.isLessThan(amount)) {
            return new Refused("insufficient-balance", "the hold of " + amount.toPlainString() + " is more than the "
                    + available.toPlainString() + " available");
        }
        for (Map.Entry<String, Budget> cap : path(account, request.attribution()).entrySet()) {
            Money room = room(account, cap.getValue(), live, now);
            if (room.isLessThan(amount)) {
                return new Refused("budget-hard-cap:" + cap.getKey(), "the hold of " + amount.toPlainString() + " is more than the "
                        + room.toPlainString() + " left under the " + cap.getKey().replace(':', ' ') + " hard cap this month");
            }
        }
        OpenHold granted = new OpenHold(request.holdId(), request.attribution(), amount, Money.zero(amount.currency()),
                now.plus(request.ttl()));
        List<OpenHold> after = new ArrayList<>(live);
        after.add(granted);
        return new Granted(new HoldPlaced(request.holdId(), account.accountId(), request.attribution(), amount, now, granted.expiresAt(),
                standing(account, after, tiers, now)));
    }

    /**
     * What the account may still start: held, available, and the budget scopes with no room left. What a
     * prepaid account may spend is its balance; a postpaid one, its tier's billing limit less what is unbilled.
     */
    public static Standing standing(AccountState account, List<OpenHold> open, UsageTiers tiers, Instant now) {
        List<OpenHold> live = live(open, now);
        List<String> full = new ArrayList<>();
        for (Budget budget : account.budgets().values()) {
            if (!room(account, budget, live, now).isPositive()) {
                full.add(budget.scope() + ":" + budget.scopeId());
            }
        }
        full.sort(null);
        return new Standing(held(live, account.currency()), available(account, live, tiers), full);
    }

    /** How a period of holds ends: the events, and the holds still open after them. */
    public record Ending(List<HoldEvent> events, List<OpenHold> open) {
    }

    /**
     * The usage charged since the desk last looked, applied in order to the holds it names: each record adds
     * its cost to the hold's charge, and one that ends its hold settles it — if it was charged before the
     * hold expired; after, it is charged as any record and the hold expires by itself. A record naming a
     * hold already ended, or another account's, is charged as usual and changes no hold.
     */
    public static Ending settle(AccountState account, List<OpenHold> open, List<UsageBatchCharged> charged, UsageTiers tiers, Instant now) {
        Map<String, OpenHold> byId = new LinkedHashMap<>();
        open.forEach(hold -> byId.put(hold.holdId(), hold));
        List<HoldEvent> events = new ArrayList<>();
        for (UsageBatchCharged batch : charged) {
            for (ChargedRecord record : batch.records()) {
                String holdId = record.attribution() == null ? null : record.attribution().holdId();
                OpenHold hold = holdId == null ? null : byId.get(holdId);
                if (hold == null || !hold.openAt(batch.chargedAt())) {
                    continue;
                }
                hold = hold.charged(record.cost());
                if (!record.attribution().endsHold()) {
                    byId.put(holdId, hold);
                    continue;
                }
                byId.remove(holdId);
                Money overage = hold.charged().minus(hold.amount());
                events.add(new HoldSettled(holdId, account.accountId(), hold.amount(), hold.charged(),
                        overage.isPositive() ? overage : Money.zero(overage.currency()), record.eventId(), batch.chargedAt(),
                        standing(account, List.copyOf(byId.values()), tiers, now)));
            }
        }
        return new Ending(events, List.copyOf(byId.values()));
    }

    /** Holds whose time ran out before {@code now} expire, each at its own {@code expiresAt}. */
    public static Ending expire(AccountState account, List<OpenHold> open, UsageTiers tiers, Instant now) {
        List<OpenHold> kept = new ArrayList<>(open);
        List<HoldEvent> events = new ArrayList<>();
        for (OpenHold hold : open) {
            if (!hold.openAt(now)) {
                kept.remove(hold);
                events.add(new HoldExpired(hold.holdId(), account.accountId(), hold.amount(), hold.charged(), hold.expiresAt(),
                        standing(account, kept, tiers, now)));
            }
        }
        return new Ending(events, List.copyOf(kept));
    }

    /** The gateway gives an open hold back: what it reserved is available again at once. */
    public static Ending release(AccountState account, List<OpenHold> open, String holdId, UsageTiers tiers, Instant now) {
        List<OpenHold> kept = new ArrayList<>(open);
        for (OpenHold hold : open) {
            if (hold.holdId().equals(holdId) && hold.openAt(now)) {
                kept.remove(hold);
                return new Ending(List.of(new HoldReleased(holdId, account.accountId(), hold.amount(), hold.charged(), now,
                        standing(account, kept, tiers, now))), List.copyOf(kept));
            }
        }
        return new Ending(List.of(), open);
    }

    private static List<OpenHold> live(List<OpenHold> open, Instant now) {
        return open.stream().filter(hold -> hold.openAt(now)).toList();
    }

    /** What the holds open at {@code now} reserve. */
    public static Money held(List<OpenHold> open, Instant now, String currency) {
        return held(live(open, now), currency);
    }

    private static Money held(List<OpenHold> live, String currency) {
        Money held = Money.zero(currency);
        for (OpenHold hold : live) {
            held = held.plus(hold.remaining());
        }
        return held;
    }

    private static Money available(AccountState account, List<OpenHold> live, UsageTiers tiers) {
        return available(account.billingMode(), account.balance(), account.unbilled(), tiers.level(account.tier()).billingLimit(),
                held(live, account.currency()));
    }

    /**
     * What a new hold may take: a prepaid balance, or a postpaid tier's billing limit less what is unbilled,
     * less what open holds reserve; null when nothing limits a postpaid account (no limit).
     */
    public static Money available(BillingMode mode, Money balance, Money unbilled, Money billingLimit, Money held) {
        Money limit = mode == BillingMode.PREPAID ? balance : billingLimit == null ? null : billingLimit.minus(unbilled);
        return limit == null ? null : limit.minus(held);
    }

    /** What the open holds on a budget's scope reserve. */
    public static Money heldOn(String scope, String scopeId, String accountId, List<OpenHold> open, Instant now, String currency) {
        Money held = Money.zero(currency);
        for (OpenHold hold : live(open, now)) {
            if (Budget.covers(scope, scopeId, accountId, hold.attribution())) {
                held = held.plus(hold.remaining());
            }
        }
        return held;
    }

    /** The budgets with a hard cap on the request's path, by scope name ({@code project:p-1}), widest first. */
    private static Map<String, Budget> path(AccountState account, Attribution attribution) {
        Map<String, Budget> path = new LinkedHashMap<>();
        String[][] scopes = {{"account", account.accountId()}, {"project", attribution.projectId()}, {"member", attribution.memberId()},
                {"apiKey", attribution.apiKeyId()}};
        for (String[] scope : scopes) {
            Budget budget = scope[1] == null ? null : account.budgets().get(scope[0] + ":" + scope[1]);
            if (budget != null) {
                path.put(scope[0] + ":" + scope[1], budget);
            }
        }
        return path;
    }

    /** A budget's hard cap less this month's spend and what the open holds on its scope reserve. */
    private static Money room(AccountState account, Budget budget, List<OpenHold> live, Instant now) {
        Money spent = budget.period().equals(Budget.periodOf(now)) ? budget.spent() : Money.zero(account.currency());
        return budget.hardCap().minus(spent).minus(heldOn(budget.scope(), budget.scopeId(), account.accountId(), live, now,
                account.currency()));
    }
}
