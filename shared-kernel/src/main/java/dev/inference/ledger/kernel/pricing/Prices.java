package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;
import java.util.Objects;

final class Prices {

    private Prices() {
    }

    static void requireNonNegative(BigDecimal price, String what) {
        Objects.requireNonNull(price, what);
        if (price.signum() < 0) {
            throw new IllegalArgumentException(what + " is negative");
        }
    }
}
