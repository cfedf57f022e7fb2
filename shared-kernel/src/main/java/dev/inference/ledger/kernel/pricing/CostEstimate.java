package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.inference.ledger.kernel.usage.UsageBounds;

/**
 * What a workload would cost per month on each model (seed 002's arithmetic): requests a day times
 * tokens a request at the model's prices, and what a share of cache hits on the input would save.
 * Exact decimals; nothing is written and nothing is rounded.
 */
public final class CostEstimate {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private CostEstimate() {
    }

    /** The most requests a day an estimate takes: far beyond any platform, small enough that no sum overflows. */
    public static final long MAX_REQUESTS_PER_DAY = 1_000_000_000_000L;

    /**
     * A workload: per request, input tokens (of which {@code cacheHitShare} could be served from cache), cached input and
     * output, each within what one usage record may carry ({@link UsageBounds}).
     */
    public record Workload(long requestsPerDay, long inputTokens, long cachedInputTokens, long outputTokens,
                           BigDecimal cacheHitShare, int days) {
        public Workload {
            if (requestsPerDay < 0 || inputTokens < 0 || cachedInputTokens < 0 || outputTokens < 0) {
                throw new IllegalArgumentException("requests and token counts cannot be negative");
            }
            if (requestsPerDay > MAX_REQUESTS_PER_DAY || inputTokens > UsageBounds.MAX_PROMPT_TOKENS
                    || cachedInputTokens > UsageBounds.MAX_PROMPT_TOKENS - inputTokens || outputTokens > UsageBounds.MAX_OUTPUT_TOKENS) {
                throw new IllegalArgumentException("requestsPerDay is at most " + MAX_REQUESTS_PER_DAY + "; a request has at most "
                        + UsageBounds.MAX_PROMPT_TOKENS + " input and cached input tokens and " + UsageBounds.MAX_OUTPUT_TOKENS
                        + " output tokens, as a usage record");
            }
            if (cacheHitShare.signum() < 0 || cacheHitShare.compareTo(BigDecimal.ONE) > 0) {
                throw new IllegalArgumentException("cacheHitShare must be between 0 and 1");
            }
            if (days < 1 || days > 31) {
                throw new IllegalArgumentException("days must be 1 to 31");
            }
        }
    }

    public record ModelCost(String model, String provider, BigDecimal monthlyCost, BigDecimal monthlyCostWithCacheHits,
                            BigDecimal saving) {
    }

    public record Result(int catalogVersion, List<ModelCost> models, List<String> unpriced) {
    }

    /** Cost per model, cheapest first; models the catalog does not price are listed apart. */
    public static Result monthly(Workload workload, List<String> models, PriceCatalog catalog) {
        List<ModelCost> costs = new ArrayList<>();
        List<String> unpriced = new ArrayList<>();
        for (String model : models) {
            catalog.tokenPrice(model, null).ifPresentOrElse(
                    priced -> costs.add(cost(workload, priced)),
                    () -> unpriced.add(model));
        }
        costs.sort(Comparator.comparing(ModelCost::monthlyCost).thenComparing(ModelCost::model));
        return new Result(catalog.version(), costs, unpriced);
    }

    private static ModelCost cost(Workload w, PriceCatalog.Priced<TokenPrice> priced) {
        TokenPrice price = priced.price();
        BigDecimal input = BigDecimal.valueOf(w.inputTokens());
        BigDecimal hits = input.multiply(w.cacheHitShare());
        BigDecimal common = BigDecimal.valueOf(w.cachedInputTokens()).multiply(price.cachedInputPerMillion())
                .add(BigDecimal.valueOf(w.outputTokens()).multiply(price.outputPerMillion()));
        BigDecimal perRequest = input.multiply(price.inputPerMillion()).add(common);
        BigDecimal perRequestWithHits = input.subtract(hits).multiply(price.inputPerMillion())
                .add(hits.multiply(price.cachedInputPerMillion())).add(common);
        BigDecimal requests = BigDecimal.valueOf(w.requestsPerDay()).multiply(BigDecimal.valueOf(w.days()));
        BigDecimal monthly = plain(perRequest.multiply(requests).divide(MILLION));
        BigDecimal withHits = plain(perRequestWithHits.multiply(requests).divide(MILLION));
        return new ModelCost(priced.item(), priced.provider(), monthly, withHits, monthly.subtract(withHits));
    }

    private static BigDecimal plain(BigDecimal amount) {
        BigDecimal stripped = amount.stripTrailingZeros();
        return stripped.scale() < 2 ? stripped.setScale(2) : stripped;
    }
}
