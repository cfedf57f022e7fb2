package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;

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
                             @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal output,
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TokenTier> tiers) {
        public TokenEntry {
            tiers = tiers == null ? List.of() : List.copyOf(tiers);
        }

        public TokenEntry(String model, String provider, BigDecimal input, BigDecimal cachedInput, BigDecimal output) {
            this(model, provider, input, cachedInput, output, List.of());
        }
    }

    /** A higher tier of a model's token prices, from {@code from} tokens of the month on. */
    public record TokenTier(@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal from,
                            @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal input,
                            @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal cachedInput,
                            @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal output) {
    }

    /** A higher tier of a meter's or a unit's price, from {@code from} of the month's volume on. */
    public record PriceTier(@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal from,
                            @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal price) {
    }

    /** {@code billing}: {@value #PER_SECOND} (price per second) or {@value #PER_STARTED_MINUTE} (price per hour). */
    public record MeterEntry(String meter, String provider, String billing,
                             @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal price,
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PriceTier> tiers) {
        public MeterEntry {
            tiers = tiers == null ? List.of() : List.copyOf(tiers);
        }

        public MeterEntry(String meter, String provider, String billing, BigDecimal price) {
            this(meter, provider, billing, price, List.of());
        }
    }

    public record UnitEntry(String model, String provider, String unit,
                            @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal price,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PriceTier> tiers) {
        public UnitEntry {
            tiers = tiers == null ? List.of() : List.copyOf(tiers);
        }

        public UnitEntry(String model, String provider, String unit, BigDecimal price) {
            this(model, provider, unit, price, List.of());
        }
    }

    public CatalogPublished {
        tokens = List.copyOf(tokens);
        meters = List.copyOf(meters);
        units = List.copyOf(units);
    }

    /** The catalog this version publishes; refuses prices that break the catalog's rules. */
    public PriceCatalog catalog() {
        PriceCatalog.Builder builder = new PriceCatalog.Builder();
        for (TokenEntry t : tokens) {
            builder.tokens(t.model(), t.provider(), new TokenPrice(t.input(), t.cachedInput(), t.output()));
            t.tiers().forEach(tier -> builder.tokenTier(t.model(), t.provider(), tier.from(), new TokenPrice(tier.input(),
                    tier.cachedInput(), tier.output())));
        }
        for (MeterEntry m : meters) {
            builder.meter(m.meter(), m.provider(), meterPrice(m, m.price()));
            m.tiers().forEach(tier -> builder.meterTier(m.meter(), m.provider(), tier.from(), meterPrice(m, tier.price())));
        }
        for (UnitEntry u : units) {
            builder.units(u.model(), u.provider(), new UnitPrice(u.unit(), u.price()));
            u.tiers().forEach(tier -> builder.unitTier(u.model(), u.provider(), tier.from(), new UnitPrice(u.unit(), tier.price())));
        }
        return builder.build(version, effectiveFrom, currency);
    }

    private static MeterPrice meterPrice(MeterEntry m, BigDecimal price) {
        return switch (m.billing()) {
            case PER_SECOND -> new MeterPrice.PerSecond(price);
            case PER_STARTED_MINUTE -> new MeterPrice.Hourly(price);
            default -> throw new IllegalArgumentException("billing of meter " + m.meter() + " must be "
                    + PER_SECOND + " or " + PER_STARTED_MINUTE + ", not '" + m.billing() + "'");
        };
    }

    /** The entries of {@code catalog}, in the order its builder received them (the first provider is the default). */
    public static CatalogPublished of(String priceListId, PriceCatalog catalog, Instant publishedAt) {
        List<TokenEntry> tokens = catalog.tokenPrices().entrySet().stream()
                .map(e -> new TokenEntry(e.getKey().item(), e.getKey().provider(), e.getValue().inputPerMillion(),
                        e.getValue().cachedInputPerMillion(), e.getValue().outputPerMillion(), catalog.tokenTiers(e.getKey()).stream()
                        .map(t -> new TokenTier(t.from(), t.price().inputPerMillion(), t.price().cachedInputPerMillion(),
                                t.price().outputPerMillion())).toList()))
                .sorted(defaultsFirst(catalog, TokenEntry::model, TokenEntry::provider)).toList();
        List<MeterEntry> meters = catalog.meterPrices().entrySet().stream()
                .map(e -> new MeterEntry(e.getKey().item(), e.getKey().provider(),
                        e.getValue() instanceof MeterPrice.Hourly ? PER_STARTED_MINUTE : PER_SECOND, amount(e.getValue()),
                        catalog.meterTiers(e.getKey()).stream().map(t -> new PriceTier(t.from(), amount(t.price()))).toList()))
                .sorted(defaultsFirst(catalog, MeterEntry::meter, MeterEntry::provider)).toList();
        List<UnitEntry> units = catalog.unitPrices().entrySet().stream()
                .map(e -> new UnitEntry(e.getKey().item(), e.getKey().provider(), e.getValue().unit(), e.getValue().perUnit(),
                        catalog.unitTiers(e.getKey()).stream().map(t -> new PriceTier(t.from(), t.price().perUnit())).toList()))
                .sorted(defaultsFirst(catalog, UnitEntry::model, UnitEntry::provider)).toList();
        return new CatalogPublished(priceListId, catalog.version(), catalog.effectiveFrom(), catalog.currency(), tokens, meters,
                units, publishedAt);
    }

    private static BigDecimal amount(MeterPrice price) {
        return price instanceof MeterPrice.Hourly h ? h.perHour() : ((MeterPrice.PerSecond) price).perSecond();
    }

    private static <E> Comparator<E> defaultsFirst(PriceCatalog catalog, Function<E, String> item,
                                                             Function<E, String> provider) {
        return Comparator.comparing(item)
                .thenComparing(e -> provider.apply(e).equals(catalog.defaultProviders().get(item.apply(e))) ? 0 : 1)
                .thenComparing(provider);
    }
}
