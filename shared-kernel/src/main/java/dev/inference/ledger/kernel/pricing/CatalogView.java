package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.inference.ledger.kernel.money.Currencies;
import dev.inference.ledger.kernel.money.Decimals;
import dev.inference.ledger.kernel.money.Money;


/**
 * A catalog version as the API shows and takes it (GET and POST /api/v1/prices, the auditor's what-if draft): every
 * price a decimal string, items sorted by name. Read back, a price that is not a decimal of the ledger's grammar and
 * scale is an {@link InvalidPrice}.
 */
public record CatalogView(int version, Instant effectiveFrom, String currency, List<Tokens> tokens, List<Meter> meters,
                          List<Units> units) {

    public record Tokens(String model, String provider, String input, String cachedInput, String output, String per,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TokenTier> tiers) {
    }

    public record Meter(String meter, String provider, String billing, String price, String per,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PriceTier> tiers) {
    }

    public record Units(String model, String provider, String unit, String price,
                       @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PriceTier> tiers) {
    }

    /** A higher tier: these prices from {@code from} tokens of the account's month on. */
    public record TokenTier(String from, String input, String cachedInput, String output) {
    }

    /** A higher tier: this price from {@code from} billed seconds (started minutes, or units) of the account's month on. */
    public record PriceTier(String from, String price) {
    }

    public CatalogView(PriceCatalog c) {
        this(c.version(), c.effectiveFrom(), c.currency(),
                c.tokenPrices().entrySet().stream()
                        .map(e -> new Tokens(e.getKey().item(), e.getKey().provider(), e.getValue().inputPerMillion().toPlainString(),
                                e.getValue().cachedInputPerMillion().toPlainString(), e.getValue().outputPerMillion().toPlainString(),
                                "1M tokens", c.tokenTiers(e.getKey()).stream().map(t -> new TokenTier(t.from().toPlainString(),
                                        t.price().inputPerMillion().toPlainString(), t.price().cachedInputPerMillion().toPlainString(),
                                        t.price().outputPerMillion().toPlainString())).toList()))
                        .sorted(Comparator.comparing(Tokens::model).thenComparing(Tokens::provider)).toList(),
                c.meterPrices().entrySet().stream()
                        .map(e -> meter(e.getKey().item(), e.getKey().provider(), e.getValue(), c.meterTiers(e.getKey())))
                        .sorted(Comparator.comparing(Meter::meter).thenComparing(Meter::provider)).toList(),
                c.unitPrices().entrySet().stream()
                        .map(e -> new Units(e.getKey().item(), e.getKey().provider(), e.getValue().unit(),
                                e.getValue().perUnit().toPlainString(), c.unitTiers(e.getKey()).stream()
                                .map(t -> new PriceTier(t.from().toPlainString(), t.price().perUnit().toPlainString())).toList()))
                        .sorted(Comparator.comparing(Units::model).thenComparing(Units::provider)).toList());
    }

    private static Meter meter(String meter, String provider, MeterPrice price, List<VolumeTier<MeterPrice>> tiers) {
        List<PriceTier> views = tiers.stream().map(t -> new PriceTier(t.from().toPlainString(), amount(t.price()).toPlainString())).toList();
        if (price instanceof MeterPrice.Hourly) {
            return new Meter(meter, provider, "per-started-minute", amount(price).toPlainString(), "hour", views);
        }
        return new Meter(meter, provider, "per-second", amount(price).toPlainString(), "second", views);
    }

    private static BigDecimal amount(MeterPrice price) {
        return price instanceof MeterPrice.Hourly h ? h.perHour() : ((MeterPrice.PerSecond) price).perSecond();
    }

    /** A price the view cannot stand for: its {@code code} is the problem's type. */
    public static final class InvalidPrice extends IllegalArgumentException {
        private final String code;

        InvalidPrice(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    public String currencyOrDefault() {
        return currency == null ? Currencies.USD : currency;
    }

    public List<CatalogPublished.TokenEntry> tokenEntries() {
        return entries(tokens, t -> new CatalogPublished.TokenEntry(t.model(), t.provider(), price("input", t.input()),
                t.cachedInput() == null ? null : price("cachedInput", t.cachedInput()), price("output", t.output()),
                entries(t.tiers(), tier -> new CatalogPublished.TokenTier(price("from", tier.from()), price("input", tier.input()),
                        tier.cachedInput() == null ? null : price("cachedInput", tier.cachedInput()), price("output", tier.output())))));
    }

    public List<CatalogPublished.MeterEntry> meterEntries() {
        return entries(meters, m -> new CatalogPublished.MeterEntry(m.meter(), m.provider(), m.billing(), price("price", m.price()),
                priceTiers(m.tiers())));
    }

    public List<CatalogPublished.UnitEntry> unitEntries() {
        return entries(units, u -> new CatalogPublished.UnitEntry(u.model(), u.provider(), u.unit(), price("price", u.price()),
                priceTiers(u.tiers())));
    }

    private static List<CatalogPublished.PriceTier> priceTiers(List<PriceTier> tiers) {
        if (tiers != null && tiers.size() > VolumeTiers.MAX_TIERS) {
            throw new InvalidPrice("invalid-price", "an item has at most " + VolumeTiers.MAX_TIERS + " tiers");
        }
        return entries(tiers, t -> new CatalogPublished.PriceTier(price("from", t.from()), price("price", t.price())));
    }

    /** A catalog that is not published: what-if re-rating prices the past with it, from its {@code effectiveFrom} (or always). */
    public PriceCatalog draft() {
        var tokenEntries = tokenEntries();
        var meterEntries = meterEntries();
        var unitEntries = unitEntries();
        if (tokenEntries.isEmpty() && meterEntries.isEmpty() && unitEntries.isEmpty()) {
            throw new InvalidPrice("empty-catalog", "the draft lists no price");
        }
        try {
            Instant from = effectiveFrom == null ? Instant.EPOCH : effectiveFrom;
            return new CatalogPublished("draft", 1, from, currencyOrDefault(), tokenEntries, meterEntries, unitEntries, from).catalog();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidPrice("invalid-price", e.getMessage());
        }
    }

    private static <V, E> List<E> entries(List<V> views, Function<V, E> toEntry) {
        return views == null ? List.of() : views.stream().map(toEntry).toList();
    }

    private static BigDecimal price(String field, String value) {
        BigDecimal price = Decimals.parse(value).orElseThrow(() -> new InvalidPrice("invalid-price", Decimals.notADecimal(field, value, "0.23")));
        if (!Decimals.fits(price, 15, Money.SCALE)) {
            throw new InvalidPrice("invalid-price", field + " must be less than 10^15 with at most " + Money.SCALE + " decimal places");
        }
        return price;
    }
}
