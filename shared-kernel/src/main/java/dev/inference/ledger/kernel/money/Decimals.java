package dev.inference.ledger.kernel.money;

import java.math.BigDecimal;

/**
 * Size checks for decimals that come from outside, made before any arithmetic: "1E+1000000000" is a
 * short string, but rescaling it, or printing it plainly, needs a billion digits.
 */
public final class Decimals {

    private Decimals() {
    }

    /** Whether {@code value} has at most {@code integerDigits} digits before the point and {@code places} after it. */
    public static boolean fits(BigDecimal value, int integerDigits, int places) {
        // Stripping zeros allocates; only a scale beyond the places can need it (every Money comes through here).
        return value.precision() - value.scale() <= integerDigits
                && (value.scale() <= places || value.stripTrailingZeros().scale() <= places);
    }
}
