package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;

/**
 * A catalog price from a month's volume of the item on: {@code from} tokens (of every kind together), billed seconds
 * (started minutes, for a meter billed so) or units. The item's ordinary price is its first tier, from zero.
 */
public record VolumeTier<P>(BigDecimal from, P price) {

    public VolumeTier {
        Prices.requireNonNegative(from, "a tier's start");
        if (from.signum() == 0 || from.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("a volume tier starts at a whole volume above zero, not " + from.toPlainString());
        }
    }
}
