package dev.inference.ledger.kernel.pricing;

import java.util.List;

import dev.inference.ledger.kernel.money.Money;

/** What a usage record costs, with the prices and catalog version that made the cost. */
public record Charge(String kind, String item, String provider, int catalogVersion, List<ChargeLine> lines, Money cost) {

    public Charge {
        lines = List.copyOf(lines);
    }
}
