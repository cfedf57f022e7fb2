package dev.inference.ledger.kernel.pricing;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.inference.ledger.kernel.money.Money;

/**
 * What a usage record costs, with the prices and catalog version that made the cost.
 * {@code tiers}: the catalog's higher volume tiers for the item, each with a unit price per line, for the account to
 * apply with its month's volume ({@link VolumeTiers}); empty when the item's price is flat. {@code terms}: the
 * account's terms that priced it ({@link #CATALOG} when none did).
 */
public record Charge(String kind, String item, String provider, int catalogVersion, List<ChargeLine> lines, Money cost,
                     @JsonInclude(JsonInclude.Include.NON_EMPTY) List<VolumeTiers.Step> tiers,
                     @JsonInclude(JsonInclude.Include.NON_NULL) String terms) {

    /** The terms of a charge priced by the catalog alone. */
    public static final String CATALOG = null;

    public Charge {
        lines = List.copyOf(lines);
        tiers = tiers == null ? List.of() : List.copyOf(tiers);
    }

    public Charge(String kind, String item, String provider, int catalogVersion, List<ChargeLine> lines, Money cost) {
        this(kind, item, provider, catalogVersion, lines, cost, List.of(), CATALOG);
    }

    /** The same usage priced by other lines, under the account's {@code terms}. */
    public Charge priced(List<ChargeLine> newLines, String newTerms) {
        Money total = newLines.stream().map(ChargeLine::amount).reduce(Money.zero(cost.currency()), Money::plus);
        return new Charge(kind, item, provider, catalogVersion, newLines, total, tiers, newTerms);
    }
}
