package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonFormat;

/**
 * A version of the price list, published: the fact auditors replay to know which price a charge used.
 * Prices are flat entries (no maps keyed by records) so the stored JSON reads as a price list.
 */
public record CatalogPublished(String priceListId, int version, Instant effectiveFrom, String currency,
                               List<TokenEntry> tokens, List<MeterEntry> meters, List<UnitEntry> units,
                               Instant publishedAt) implements PriceListEvent {

    public static final String PER_SECOND = "per-second";
    public static final String PER_STARTED_MINUTE = "per-started-minute";

    public record TokenEntry(String model, String provider,
                             @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal input,
                             @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal cachedInput,
                             @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal output) {
    }

    /** {@code billing}: {@value #PER_SECOND} (price per second) or {@value #PER_STARTED_MINUTE} (price per hour). */
    public record MeterEntry(String meter, String provider, String billing,
                             @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal price) {
    }

    public record UnitEntry(String model, String provider, String unit,
                            @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal price) {
    }

    public CatalogPublished {
        tokens = List.copyOf(tokens);
        meters = List.copyOf(meters);
        units = List.copyOf(units);
    }

    /** The catalog this version publishes; refuses prices that break the catalog's rules. */
    public PriceCatalog catalog() {
        PriceCatalog.Builder builder = new PriceCatalog.Builder();
        tokens.forEach(t -> builder.tokens(t.model(), t.provider(), new TokenPrice(t.input(), t.cachedInput(), t.output())));
        meters.forEach(m -> builder.meter(m.meter(), m.provider(), switch (m.billing()) {
            case PER_SECOND -> new MeterPrice.PerSecond(m.price());
            case PER_STARTED_MINUTE -> new MeterPrice.Hourly(m.price());
            default -> throw new IllegalArgumentException("billing of meter " + m.meter() + " must be "
                    + PER_SECOND + " or " + PER_STARTED_MINUTE + ", not '" + m.billing() + "'");
        }));
        units.forEach(u -> builder.units(u.model(), u.provider(), new UnitPrice(u.unit(), u.price())));
        return builder.build(version, effectiveFrom, currency);
    }

    /** The entries of {@code catalog}, in the order its builder received them (the first provider is the default). */
    public static CatalogPublished of(String priceListId, PriceCatalog catalog, Instant publishedAt) {
        List<TokenEntry> tokens = catalog.tokenPrices().entrySet().stream()
                .map(e -> new TokenEntry(e.getKey().item(), e.getKey().provider(), e.getValue().inputPerMillion(),
                        e.getValue().cachedInputPerMillion(), e.getValue().outputPerMillion()))
                .sorted(defaultsFirst(catalog, TokenEntry::model, TokenEntry::provider)).toList();
        List<MeterEntry> meters = catalog.meterPrices().entrySet().stream()
                .map(e -> e.getValue() instanceof MeterPrice.Hourly h
                        ? new MeterEntry(e.getKey().item(), e.getKey().provider(), PER_STARTED_MINUTE, h.perHour())
                        : new MeterEntry(e.getKey().item(), e.getKey().provider(), PER_SECOND, ((MeterPrice.PerSecond) e.getValue()).perSecond()))
                .sorted(defaultsFirst(catalog, MeterEntry::meter, MeterEntry::provider)).toList();
        List<UnitEntry> units = catalog.unitPrices().entrySet().stream()
                .map(e -> new UnitEntry(e.getKey().item(), e.getKey().provider(), e.getValue().unit(), e.getValue().perUnit()))
                .sorted(defaultsFirst(catalog, UnitEntry::model, UnitEntry::provider)).toList();
        return new CatalogPublished(priceListId, catalog.version(), catalog.effectiveFrom(), catalog.currency(), tokens, meters,
                units, publishedAt);
    }

    private static <E> Comparator<E> defaultsFirst(PriceCatalog catalog, Function<E, String> item,
                                                             Function<E, String> provider) {
        return Comparator.comparing(item)
                .thenComparing(e -> provider.apply(e).equals(catalog.defaultProviders().get(item.apply(e))) ? 0 : 1)
                .thenComparing(provider);
    }
}
