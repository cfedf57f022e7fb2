package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.inference.ledger.kernel.money.Currencies;

/**
 * One version of the price list, in force from {@code effectiveFrom}. A version is never edited:
 * prices change by publishing the next version. Every price is keyed by what is sold (a model, a
 * meter) and who sells it; a record without a provider is priced at the item's default provider.
 */
public record PriceCatalog(int version, Instant effectiveFrom, String currency,
                           Map<PriceKey, TokenPrice> tokenPrices, Map<PriceKey, MeterPrice> meterPrices,
                           Map<PriceKey, UnitPrice> unitPrices, Map<String, String> defaultProviders,
                           Map<PriceKey, List<VolumeTier<TokenPrice>>> tokenTiers, Map<PriceKey, List<VolumeTier<MeterPrice>>> meterTiers,
                           Map<PriceKey, List<VolumeTier<UnitPrice>>> unitTiers) {

    public PriceCatalog {
        if (version < 1) {
            throw new IllegalArgumentException("catalog versions start at 1");
        }
        Currencies.requireSupported(currency);
        tokenPrices = Map.copyOf(tokenPrices);
        meterPrices = Map.copyOf(meterPrices);
        unitPrices = Map.copyOf(unitPrices);
        defaultProviders = Map.copyOf(defaultProviders);
        tokenTiers = tiers(tokenTiers, tokenPrices, (base, tier) -> { });
        meterTiers = tiers(meterTiers, meterPrices, (base, tier) -> {
            if (base.getClass() != tier.getClass()) {
                throw new IllegalArgumentException("a meter's tiers are billed as its first price is");
            }
        });
        unitTiers = tiers(unitTiers, unitPrices, (base, tier) -> {
            if (!base.unit().equals(tier.unit())) {
                throw new IllegalArgumentException("a model's tiers are priced per " + base.unit() + ", as its first price is");
            }
        });
        for (var entry : defaultProviders.entrySet()) {
            PriceKey key = new PriceKey(entry.getKey(), entry.getValue());
            if (!tokenPrices.containsKey(key) && !meterPrices.containsKey(key) && !unitPrices.containsKey(key)) {
                throw new IllegalArgumentException("default provider " + entry.getValue() + " has no price for " + entry.getKey());
            }
        }
    }

    /** Each item's tiers, checked: a price of the same item to tier, at most {@value VolumeTiers#MAX_TIERS}, starting higher each. */
    private static <P> Map<PriceKey, List<VolumeTier<P>>> tiers(Map<PriceKey, List<VolumeTier<P>>> tiers, Map<PriceKey, P> prices,
                                                                 BiConsumer<P, P> alike) {
        if (tiers == null) {
            return Map.of();
        }
        for (var entry : tiers.entrySet()) {
            P base = prices.get(entry.getKey());
            if (base == null) {
                throw new IllegalArgumentException(entry.getKey().item() + " at " + entry.getKey().provider() + " has tiers but no price");
            }
            if (entry.getValue().size() + 1 > VolumeTiers.MAX_TIERS) {
                throw new IllegalArgumentException("an item has at most " + VolumeTiers.MAX_TIERS + " tiers");
            }
            BigDecimal from = BigDecimal.ZERO;
            for (VolumeTier<P> tier : entry.getValue()) {
                if (tier.from().compareTo(from) <= 0) {
                    throw new IllegalArgumentException("the tiers of " + entry.getKey().item() + " must start at rising volumes");
                }
                from = tier.from();
                alike.accept(base, tier.price());
            }
        }
        Map<PriceKey, List<VolumeTier<P>>> copy = new java.util.HashMap<>();
        tiers.forEach((key, list) -> {
            if (!list.isEmpty()) {
                copy.put(key, List.copyOf(list));
            }
        });
        return Map.copyOf(copy);
    }

    public List<VolumeTier<TokenPrice>> tokenTiers(PriceKey key) {
        return tokenTiers.getOrDefault(key, List.of());
    }

    public List<VolumeTier<MeterPrice>> meterTiers(PriceKey key) {
        return meterTiers.getOrDefault(key, List.of());
    }

    public List<VolumeTier<UnitPrice>> unitTiers(PriceKey key) {
        return unitTiers.getOrDefault(key, List.of());
    }

    /** A price and the item and provider it was found under. */
    public record Priced<P>(String item, String provider, P price) {
    }

    /** The price of a model's tokens at a provider; without a provider, at the model's default provider. */
    public Optional<Priced<TokenPrice>> tokenPrice(String model, String provider) {
        return find(tokenPrices, model, provider);
    }

    public Optional<Priced<MeterPrice>> meterPrice(String meter, String provider) {
        return find(meterPrices, meter, provider);
    }

    public Optional<Priced<UnitPrice>> unitPrice(String model, String provider) {
        return find(unitPrices, model, provider);
    }

    private <P> Optional<Priced<P>> find(Map<PriceKey, P> prices, String item, String provider) {
        String chosen = provider != null ? provider : defaultProviders.get(item);
        if (chosen == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(prices.get(new PriceKey(item, chosen))).map(price -> new Priced<>(item, chosen, price));
    }

    /** Builds a catalog; the first provider given for an item becomes its default. */
    public static final class Builder {
        private final Map<PriceKey, TokenPrice> tokens = new LinkedHashMap<>();
        private final Map<PriceKey, MeterPrice> meters = new LinkedHashMap<>();
        private final Map<PriceKey, UnitPrice> units = new LinkedHashMap<>();
        private final Map<String, String> defaults = new LinkedHashMap<>();
        private final Map<PriceKey, List<VolumeTier<TokenPrice>>> tokenTiers = new LinkedHashMap<>();
        private final Map<PriceKey, List<VolumeTier<MeterPrice>>> meterTiers = new LinkedHashMap<>();
        private final Map<PriceKey, List<VolumeTier<UnitPrice>>> unitTiers = new LinkedHashMap<>();

        public Builder tokens(String model, String provider, TokenPrice price) {
            return add(tokens, model, provider, price);
        }

        public Builder meter(String meter, String provider, MeterPrice price) {
            return add(meters, meter, provider, price);
        }

        public Builder units(String model, String provider, UnitPrice price) {
            return add(units, model, provider, price);
        }

        /** A higher tier of a model's token price: from {@code from} tokens of the month on. */
        public Builder tokenTier(String model, String provider, BigDecimal from, TokenPrice price) {
            tokenTiers.computeIfAbsent(new PriceKey(model, provider), k -> new ArrayList<>()).add(new VolumeTier<>(from, price));
            return this;
        }

        public Builder meterTier(String meter, String provider, BigDecimal from, MeterPrice price) {
            meterTiers.computeIfAbsent(new PriceKey(meter, provider), k -> new ArrayList<>()).add(new VolumeTier<>(from, price));
            return this;
        }

        public Builder unitTier(String model, String provider, BigDecimal from, UnitPrice price) {
            unitTiers.computeIfAbsent(new PriceKey(model, provider), k -> new ArrayList<>()).add(new VolumeTier<>(from, price));
            return this;
        }

        private <P> Builder add(Map<PriceKey, P> prices, String item, String provider, P price) {
            prices.put(new PriceKey(item, provider), price);
            defaults.putIfAbsent(item, provider);
            return this;
        }

        public PriceCatalog build(int version, Instant effectiveFrom, String currency) {
            return new PriceCatalog(version, effectiveFrom, currency, tokens, meters, units, defaults, tokenTiers, meterTiers, unitTiers);
        }
    }
}
