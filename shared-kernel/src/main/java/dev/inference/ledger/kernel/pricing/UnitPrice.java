package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;

/** The price of one unit of a model's output: an image, a second of video, a request. */
public record UnitPrice(String unit, BigDecimal perUnit) {

    public UnitPrice {
        if (unit == null || unit.isBlank()) {
            throw new IllegalArgumentException("a unit price needs its unit");
        }
        Prices.requireNonNegative(perUnit, "price per " + unit);
    }
}
