package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;
import java.util.Objects;

/** The price of instance time on a meter: by the second, or by the started minute at an hourly rate. */
public sealed interface MeterPrice {

    /** Serverless GPU meters (seed 001): every billable second, times replicas. */
    record PerSecond(BigDecimal perSecond) implements MeterPrice {
        public PerSecond {
            Prices.requireNonNegative(perSecond, "per-second price");
        }
    }

    /** Dedicated endpoint instances (seed 004): billed per started minute at hourly rate / 60, times replicas. */
    record Hourly(BigDecimal perHour) implements MeterPrice {
        public Hourly {
            Prices.requireNonNegative(perHour, "hourly price");
        }
    }

    static MeterPrice perSecond(String price) {
        return new PerSecond(new BigDecimal(Objects.requireNonNull(price)));
    }

    static MeterPrice hourly(String price) {
        return new Hourly(new BigDecimal(Objects.requireNonNull(price)));
    }
}
