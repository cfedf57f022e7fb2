package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;

/**
 * Prices per 1M tokens. A model without a cached-input price charges cached input at the input
 * price. At most six decimal places, so that a single token's price stays exact at the ledger's scale.
 */
public record TokenPrice(BigDecimal inputPerMillion, BigDecimal cachedInputPerMillion, BigDecimal outputPerMillion) {

    static final int MAX_SCALE = 6;

    public TokenPrice {
        requirePrice(inputPerMillion, "input");
        requirePrice(outputPerMillion, "output");
        if (cachedInputPerMillion == null) {
            cachedInputPerMillion = inputPerMillion;
        }
        requirePrice(cachedInputPerMillion, "cached input");
    }

    public static TokenPrice of(String input, String cachedInput, String output) {
        return new TokenPrice(new BigDecimal(input), cachedInput == null ? null : new BigDecimal(cachedInput), new BigDecimal(output));
    }

    private static void requirePrice(BigDecimal price, String what) {
        Prices.requireNonNegative(price, what + " price");
        if (price.stripTrailingZeros().scale() > MAX_SCALE) {
            throw new IllegalArgumentException(what + " price " + price.toPlainString() + " has more than " + MAX_SCALE + " decimal places");
        }
    }
}
