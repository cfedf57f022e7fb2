package dev.inference.ledger.service.pricing;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import dev.inference.ledger.kernel.pricing.MeterPrice;
import dev.inference.ledger.kernel.pricing.PriceCatalog;

/** A catalog version as the API shows it: every price a decimal string, items sorted by name. */
public record CatalogView(int version, Instant effectiveFrom, String currency, List<Tokens> tokens, List<Meter> meters,
                          List<Units> units) {

    public record Tokens(String model, String provider, String input, String cachedInput, String output, String per) {
    }

    public record Meter(String meter, String provider, String billing, String price, String per) {
    }

    public record Units(String model, String provider, String unit, String price) {
    }

    public CatalogView(PriceCatalog c) {
        this(c.version(), c.effectiveFrom(), c.currency(),
                c.tokenPrices().entrySet().stream()
                        .map(e -> new Tokens(e.getKey().item(), e.getKey().provider(), e.getValue().inputPerMillion().toPlainString(),
                                e.getValue().cachedInputPerMillion().toPlainString(), e.getValue().outputPerMillion().toPlainString(),
                                "1M tokens"))
                        .sorted(Comparator.comparing(Tokens::model).thenComparing(Tokens::provider)).toList(),
                c.meterPrices().entrySet().stream()
                        .map(e -> meter(e.getKey().item(), e.getKey().provider(), e.getValue()))
                        .sorted(Comparator.comparing(Meter::meter).thenComparing(Meter::provider)).toList(),
                c.unitPrices().entrySet().stream()
                        .map(e -> new Units(e.getKey().item(), e.getKey().provider(), e.getValue().unit(),
                                e.getValue().perUnit().toPlainString()))
                        .sorted(Comparator.comparing(Units::model).thenComparing(Units::provider)).toList());
    }

    private static Meter meter(String meter, String provider, MeterPrice price) {
        if (price instanceof MeterPrice.Hourly hourly) {
            return new Meter(meter, provider, "per-started-minute", hourly.perHour().toPlainString(), "hour");
        }
        return new Meter(meter, provider, "per-second", ((MeterPrice.PerSecond) price).perSecond().toPlainString(), "second");
    }
}
