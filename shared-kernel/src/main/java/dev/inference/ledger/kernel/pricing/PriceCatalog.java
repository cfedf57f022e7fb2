package dev.inference.ledger.kernel.pricing;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.inference.ledger.kernel.money.Currencies;

/**
 * One version of the price list, in force from {@code effectiveFrom}. A version is never edited:
 * prices change by publishing the next version.
 */
public record PriceCatalog(int version, Instant effectiveFrom, String currency,
                           Map<PriceKey, TokenPrice> tokenPrices, Map<String, String> defaultProviders) {

    public PriceCatalog {
        if (version < 1) {
            throw new IllegalArgumentException("catalog versions start at 1");
        }
        Currencies.requireSupported(currency);
        tokenPrices = Map.copyOf(tokenPrices);
        defaultProviders = Map.copyOf(defaultProviders);
        for (var entry : defaultProviders.entrySet()) {
            if (!tokenPrices.containsKey(new PriceKey(entry.getKey(), entry.getValue()))) {
                throw new IllegalArgumentException("default provider " + entry.getValue() + " has no price for " + entry.getKey());
            }
        }
    }

    /** The price of a model at a provider; without a provider, at the model's default provider. */
    public Optional<PricedModel> tokenPrice(String model, String provider) {
        String chosen = provider != null ? provider : defaultProviders.get(model);
        if (chosen == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(tokenPrices.get(new PriceKey(model, chosen)))
                .map(price -> new PricedModel(model, chosen, price));
    }

    public record PricedModel(String model, String provider, TokenPrice price) {
    }

    /** Builds a catalog; the first provider given for a model becomes its default. */
    public static final class Builder {
        private final Map<PriceKey, TokenPrice> tokens = new LinkedHashMap<>();
        private final Map<String, String> defaults = new LinkedHashMap<>();

        public Builder tokens(String model, String provider, TokenPrice price) {
            tokens.put(new PriceKey(model, provider), price);
            defaults.putIfAbsent(model, provider);
            return this;
        }

        public PriceCatalog build(int version, Instant effectiveFrom, String currency) {
            return new PriceCatalog(version, effectiveFrom, currency, tokens, defaults);
        }
    }
}
