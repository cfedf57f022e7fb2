package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import dev.inference.ledger.kernel.money.Money;

/**
 * The usage tier table: tier n is reached at a paid spend, and sets the billing limit of a postpaid
 * account. The product's default (modelled on published inference-platform schemes): tier 1 from 0
 * with a limit of 20; 2 from 100, limit 100; 3 from 500, 500; 4 from 2,000, 2,000; 5 from 10,000, 10,000.
 */
public record UsageTiers(List<Tier> tiers) {

    public static final String DEFAULT = "0:20,100:100,500:500,2000:2000,10000:10000";

    public record Tier(int level, Money minPaidSpend, Money billingLimit) {
    }

    public UsageTiers {
        tiers = List.copyOf(tiers);
        if (tiers.isEmpty() || tiers.get(0).minPaidSpend().isPositive()) {
            throw new IllegalArgumentException("the first tier starts at a paid spend of 0");
        }
        for (int i = 1; i < tiers.size(); i++) {
            if (!tiers.get(i - 1).minPaidSpend().isLessThan(tiers.get(i).minPaidSpend())) {
                throw new IllegalArgumentException("tiers must start at increasing paid spends");
            }
        }
    }

    /** Parses "minSpend:limit,minSpend:limit,…" (tiers numbered from 1, in USD). */
    public static UsageTiers parse(String table, String currency) {
        List<Tier> tiers = new ArrayList<>();
        for (String tier : table.split(",")) {
            String[] parts = tier.strip().split(":");
            if (parts.length != 2) {
                throw new IllegalArgumentException("a tier is minSpend:limit, not '" + tier + "'");
            }
            tiers.add(new Tier(tiers.size() + 1, new Money(new BigDecimal(parts[0]), currency), new Money(new BigDecimal(parts[1]), currency)));
        }
        return new UsageTiers(tiers);
    }

    public static UsageTiers defaults() {
        return parse(DEFAULT, "USD");
    }

    /** The highest tier whose threshold {@code paidSpend} has reached. */
    public Tier forPaidSpend(Money paidSpend) {
        Tier reached = tiers.get(0);
        for (Tier tier : tiers) {
            if (TierPromotion.reaches(paidSpend, tier)) {
                reached = tier;
            }
        }
        return reached;
    }

    public Tier level(int level) {
        return tiers.get(Math.min(level, tiers.size()) - 1);
    }
}
