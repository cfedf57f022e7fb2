package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The same workload billed three ways (seeds 001 and 002): per token on a model; per second of a GPU meter
 * that is billed only while it works; or as dedicated instances by the hour, running the whole month. The
 * hardware is stated by its throughput (tokens per second per instance). Per-token and per-second costs
 * both grow with volume, so one is cheaper at every volume; a dedicated instance costs the same whatever it
 * serves, so it crosses the per-token line at one volume: {@code breakEvenTokensPerMonth}. Estimates,
 * rounded to 6 decimal places; nothing is charged by them.
 */
public final class BillingModelComparison {

    private static final int SCALE = 6;
    private static final BigDecimal SECONDS_A_DAY = BigDecimal.valueOf(86_400);
    private static final BigDecimal HOURS_A_DAY = BigDecimal.valueOf(24);

    private BillingModelComparison() {
    }

    /** A meter of the catalog and how many tokens one instance of it serves a second. */
    public record Hardware(String meter, long tokensPerSecond) {
        public Hardware {
            if (tokensPerSecond < 1 || tokensPerSecond > 10_000_000) {
                throw new IllegalArgumentException("tokensPerSecond must be 1 to 10,000,000");
            }
        }
    }

    /**
     * {@code billing}: per-second (busy time only) or per-hour (dedicated, the whole month). {@code cheaper}: "tokens"
     * or "hardware". {@code breakEvenTokensPerMonth}: for dedicated instances, the volume from which one instance is
     * cheaper than the model's tokens (null when it never is within its capacity); null for a per-second meter.
     */
    public record Comparison(String model, String meter, String billing, BigDecimal tokensPerMonth, BigDecimal perTokenMonthlyCost,
                             BigDecimal hardwareMonthlyCost, long instances, String cheaper, BigDecimal breakEvenTokensPerMonth) {
    }

    public record Result(List<Comparison> comparisons, List<String> unpricedMeters) {
    }

    public static Result compare(CostEstimate.Workload workload, List<CostEstimate.ModelCost> models, List<Hardware> hardware,
                                 PriceCatalog catalog) {
        BigDecimal tokens = BigDecimal.valueOf(workload.requestsPerDay()).multiply(BigDecimal.valueOf(workload.days()))
                .multiply(BigDecimal.valueOf(workload.inputTokens()).add(BigDecimal.valueOf(workload.cachedInputTokens()))
                        .add(BigDecimal.valueOf(workload.outputTokens())));
        BigDecimal days = BigDecimal.valueOf(workload.days());
        List<Comparison> comparisons = new ArrayList<>();
        List<String> unpriced = new ArrayList<>();
        for (Hardware h : hardware) {
            var priced = catalog.meterPrice(h.meter(), null);
            if (priced.isEmpty()) {
                unpriced.add(h.meter());
                continue;
            }
            BigDecimal rate = BigDecimal.valueOf(h.tokensPerSecond());
            BigDecimal busySeconds = tokens.divide(rate, SCALE, RoundingMode.UP);
            for (CostEstimate.ModelCost model : models) {
                comparisons.add(priced.get().price() instanceof MeterPrice.Hourly hourly
                        ? dedicated(model, h, hourly.perHour(), tokens, busySeconds, days)
                        : perSecond(model, h, ((MeterPrice.PerSecond) priced.get().price()).perSecond(), tokens, busySeconds));
            }
        }
        return new Result(comparisons, unpriced);
    }

    private static Comparison perSecond(CostEstimate.ModelCost model, Hardware h, BigDecimal price, BigDecimal tokens, BigDecimal busySeconds) {
        BigDecimal cost = round(busySeconds.multiply(price));
        return new Comparison(model.model(), h.meter(), "per-second", tokens, model.monthlyCost(), cost,
                busySeconds.signum() == 0 ? 0 : 1, cheaper(model.monthlyCost(), cost), null);
    }

    private static Comparison dedicated(CostEstimate.ModelCost model, Hardware h, BigDecimal perHour, BigDecimal tokens,
                                        BigDecimal busySeconds, BigDecimal days) {
        BigDecimal secondsInPeriod = days.multiply(SECONDS_A_DAY);
        long instances = Math.max(1, busySeconds.divide(secondsInPeriod, 0, RoundingMode.CEILING).longValueExact());
        BigDecimal oneInstance = days.multiply(HOURS_A_DAY).multiply(perHour);
        BigDecimal cost = round(oneInstance.multiply(BigDecimal.valueOf(instances)));
        BigDecimal capacity = BigDecimal.valueOf(h.tokensPerSecond()).multiply(secondsInPeriod);
        BigDecimal breakEven = null;
        if (tokens.signum() > 0 && model.monthlyCost().signum() > 0) {
            BigDecimal perToken = model.monthlyCost().divide(tokens, 20, RoundingMode.HALF_EVEN);
            BigDecimal volume = oneInstance.divide(perToken, 0, RoundingMode.CEILING);
            breakEven = volume.compareTo(capacity) <= 0 ? volume : null;
        }
        return new Comparison(model.model(), h.meter(), "per-hour", tokens, model.monthlyCost(), cost, instances,
                cheaper(model.monthlyCost(), cost), breakEven);
    }

    private static String cheaper(BigDecimal perToken, BigDecimal hardware) {
        return hardware.compareTo(perToken) < 0 ? "hardware" : "tokens";
    }

    private static BigDecimal round(BigDecimal amount) {
        BigDecimal rounded = amount.setScale(SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return rounded.scale() < 2 ? rounded.setScale(2) : rounded;
    }
}
