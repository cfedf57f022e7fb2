package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;

/**
 * One scope's budget and its spend in the current month (UTC). A charge of an earlier month than the
 * current one does not count against it: that month's budget is closed.
 */
public record Budget(String scope, String scopeId, Money hardCap, List<BigDecimal> softAlerts, String period, Money spent,
                     Set<BigDecimal> alertsRaised, boolean blocked) {

    public static final List<String> SCOPES = List.of("account", "project", "member", "apiKey");

    public Budget {
        softAlerts = List.copyOf(softAlerts);
        alertsRaised = Set.copyOf(alertsRaised);
    }

    static String key(String scope, String scopeId) {
        return scope + ":" + scopeId;
    }

    /** The calendar month (UTC) a budget counts {@code at} in, {@code 2026-12}. */
    public static String periodOf(Instant at) {
        return YearMonth.from(at.atOffset(ZoneOffset.UTC)).toString();
    }

    /** Whether a charge attributed so belongs to this scope. */
    boolean covers(String accountId, Attribution attribution) {
        return covers(scope, scopeId, accountId, attribution);
    }

    /** Whether a charge of {@code accountId} attributed so belongs to the budget of {@code scope} {@code scopeId}. */
    public static boolean covers(String scope, String scopeId, String accountId, Attribution attribution) {
        return switch (scope) {
            case "account" -> scopeId.equals(accountId);
            case "project" -> scopeId.equals(attribution.projectId());
            case "member" -> scopeId.equals(attribution.memberId());
            default -> scopeId.equals(attribution.apiKeyId());
        };
    }

    Budget spend(Money cost, Instant occurredAt) {
        String when = periodOf(occurredAt);
        if (when.compareTo(period) < 0) {
            return this;
        }
        if (when.compareTo(period) > 0) {
            return new Budget(scope, scopeId, hardCap, softAlerts, when, cost, Set.of(), false);
        }
        return new Budget(scope, scopeId, hardCap, softAlerts, period, spent.plus(cost), alertsRaised, blocked);
    }

    /** A reversed charge out of the spend, if it counted in this budget's month (a closed month stays as it closed). */
    Budget unspend(Money cost, Instant occurredAt) {
        if (!periodOf(occurredAt).equals(period)) {
            return this;
        }
        // A budget set after the record was charged never counted it: its spend does not go below zero.
        Money less = spent.minus(cost);
        return new Budget(scope, scopeId, hardCap, softAlerts, period, less.isNegative() ? Money.zero(spent.currency()) : less, alertsRaised,
                blocked);
    }

    /** The covered records of a batch, summed in one pass: the same as spending them one by one. */
    Budget spend(String accountId, List<ChargedRecord> records, String currency) {
        String current = period;
        BigDecimal total = spent.amount();
        boolean newPeriod = false;
        for (ChargedRecord r : records) {
            if (!covers(accountId, r.attribution())) {
                continue;
            }
            String when = periodOf(r.occurredAt());
            if (when.compareTo(current) < 0) {
                continue;
            }
            if (when.compareTo(current) > 0) {
                current = when;
                total = BigDecimal.ZERO;
                newPeriod = true;
            }
            total = total.add(r.cost());
        }
        Money after = new Money(total, currency);
        return newPeriod ? new Budget(scope, scopeId, hardCap, softAlerts, current, after, Set.of(), false)
                : new Budget(scope, scopeId, hardCap, softAlerts, period, after, alertsRaised, blocked);
    }

    Budget withLimits(Money hardCap, List<BigDecimal> softAlerts) {
        return new Budget(scope, scopeId, hardCap, softAlerts, period, spent, alertsRaised, blocked);
    }

    Budget alerted(BigDecimal threshold) {
        Set<BigDecimal> raised = new TreeSet<>(alertsRaised);
        raised.add(threshold);
        return new Budget(scope, scopeId, hardCap, softAlerts, period, spent, raised, blocked);
    }

    Budget blocked(boolean blocked) {
        return new Budget(scope, scopeId, hardCap, softAlerts, period, spent, alertsRaised, blocked);
    }

    /** The soft alerts the spend has reached and that were not raised yet this period. */
    List<BigDecimal> alertsDue() {
        return softAlerts.stream()
                .filter(f -> !alertsRaised.contains(f))
                .filter(f -> BudgetCap.reached(spent, BudgetCap.alertAt(hardCap, f)))
                .toList();
    }

    boolean capReached() {
        return BudgetCap.reached(spent, hardCap);
    }
}
