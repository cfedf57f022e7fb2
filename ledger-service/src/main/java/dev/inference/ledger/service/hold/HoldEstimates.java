package dev.inference.ledger.service.hold;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.pricing.Rated;
import dev.inference.ledger.kernel.pricing.Rating;
import dev.inference.ledger.kernel.usage.Rejection;
import dev.inference.ledger.kernel.usage.UsageKind;
import dev.inference.ledger.kernel.usage.UsageRecord;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.kernel.usage.UsageRecord.TokenCounts;
import dev.inference.ledger.service.pricing.PublishedCatalogs;

/**
 * What a request will cost at most, priced by the catalog in force as its usage would be: all of its input
 * at the input price and its largest output at the output price; compute time running on its meter.
 */
@Component
public class HoldEstimates {

    private final PublishedCatalogs catalogs;

    public HoldEstimates(PublishedCatalogs catalogs) {
        this.catalogs = catalogs;
    }

    /** The estimate, or why there is none (a model or meter the catalog does not price). */
    public record Estimate(BigDecimal amount, String currency, Rejection unpriced) {
    }

    public Optional<Estimate> tokens(String accountId, String model, String provider, long inputTokens, long maxOutputTokens, Instant now) {
        return rate(new UsageRecord("hold-estimate", UsageKind.TOKENS, accountId, now, null, Attribution.NONE, model, provider,
                new TokenCounts(inputTokens, 0, maxOutputTokens), null, null, null, null, null, null, null), now);
    }

    public Optional<Estimate> compute(String accountId, String meter, String provider, BigDecimal seconds, Instant now) {
        return rate(new UsageRecord("hold-estimate", UsageKind.COMPUTE, accountId, now, null, Attribution.NONE, null, provider, null, meter,
                seconds, 1, "running", null, null, null), now);
    }

    /** Empty when no catalog is in force. */
    private Optional<Estimate> rate(UsageRecord record, Instant now) {
        return catalogs.inForceAt(now).map(catalog -> {
            Rated rated = Rating.rate(record, catalog);
            return rated instanceof Rated.Priced priced ? new Estimate(priced.charge().cost().amount(), priced.charge().cost().currency(), null)
                    : new Estimate(null, null, ((Rated.Unpriced) rated).rejection());
        });
    }
}
