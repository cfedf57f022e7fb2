package dev.inference.ledger.audit;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** How long a run took, as the API tells it: a decimal of seconds to the millisecond, a string like every decimal. */
public final class Durations {

    private Durations() {
    }

    public static BigDecimal seconds(double seconds) {
        return BigDecimal.valueOf(seconds).setScale(3, RoundingMode.HALF_UP);
    }
}
