package dev.inference.ledger.kernel.pricing;

import java.time.Instant;
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
                           Map<PriceKey, UnitPrice> unitPrices, Map<String, String> defaultProviders) {

    public PriceCatalog {
        if (version < 1) {
            throw new IllegalArgumentException("catalog versions start at 1");
        }
        Currencies.requireSupported(currency);
        tokenPrices = Map.copyOf(tokenPrices);
        meterPrices = Map.copyOf(meterPrices);
        unitPrices = Map.copyOf(unitPrices);
        defaultProviders = Map.copyOf(defaultProviders);
        for (var entry : defaultProviders.entrySet()) {
            PriceKey key = new PriceKey(entry.getKey(), entry.getValue());
            if (!tokenPrices.containsKey(key) && !meterPrices.containsKey(key) && !unitPrices.containsKey(key)) {
                throw new IllegalArgumentException("default provider " + entry.getValue() + " has no price for " + entry.getKey());
            }
        }
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

        public Builder tokens(String model, String provider, TokenPrice price) {
            return add(tokens, model, provider, price);
        }

        public Builder meter(String meter, String provider, MeterPrice price) {
            return add(meters, meter, provider, price);
        }

        public Builder units(String model, String provider, UnitPrice price) {
            return add(units, model, provider, price);
        }

        private <P> Builder add(Map<PriceKey, P> prices, String item, String provider, P price) {
            prices.put(new PriceKey(item, provider), price);
            defaults.putIfAbsent(item, provider);
            return this;
        }

        public PriceCatalog build(int version, Instant effectiveFrom, String currency) {
            return new PriceCatalog(version, effectiveFrom, currency, tokens, meters, units, defaults);
        }
    }
}
