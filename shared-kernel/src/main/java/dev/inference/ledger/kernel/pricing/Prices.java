package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;
import java.util.Objects;

import dev.inference.ledger.kernel.money.Decimals;
import dev.inference.ledger.kernel.money.Money;

final class Prices {

    private Prices() {
    }

    static void requireNonNegative(BigDecimal price, String what) {
        Objects.requireNonNull(price, what);
        if (price.signum() < 0) {
            throw new IllegalArgumentException(what + " is negative");
        }
        if (!Decimals.fits(price, 15, Money.SCALE)) {
            throw new IllegalArgumentException(what + " must be less than 10^15 with at most " + Money.SCALE + " decimal places");
        }
    }
}
