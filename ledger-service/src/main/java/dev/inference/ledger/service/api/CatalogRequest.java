package dev.inference.ledger.service.api;

import java.math.BigDecimal;

import dev.inference.ledger.kernel.input.Identifier;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import dev.inference.ledger.kernel.money.Currencies;
import dev.inference.ledger.kernel.money.Decimals;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.CatalogPublished;
import dev.inference.ledger.kernel.pricing.CatalogPublished.MeterEntry;
import dev.inference.ledger.kernel.pricing.CatalogPublished.TokenEntry;
import dev.inference.ledger.kernel.pricing.CatalogPublished.UnitEntry;
import dev.inference.ledger.kernel.pricing.PriceCatalog;
import dev.inference.ledger.service.pricing.CatalogView;
import dev.inference.ledger.service.pricing.PriceListCommand.PublishCatalog;

/** Translates a catalog sent over HTTP (decimal strings) into the command that publishes it, or into a draft. */
public final class CatalogRequest {

    private CatalogRequest() {
    }

    static PublishCatalog toCommand(String priceListId, CatalogView body) {
        return new PublishCatalog(priceListId, body.effectiveFrom(), body.currency() == null ? Currencies.USD : body.currency(),
                entries(body.tokens(), t -> new TokenEntry(t.model(), t.provider(), decimal("input", t.input()),
                        t.cachedInput() == null ? null : decimal("cachedInput", t.cachedInput()), decimal("output", t.output()))),
                entries(body.meters(), m -> new MeterEntry(m.meter(), m.provider(), m.billing(), decimal("price", m.price()))),
                entries(body.units(), u -> new UnitEntry(u.model(), u.provider(), u.unit(), decimal("price", u.price()))));
    }

    /** A catalog that is not published: what-if re-rating prices the past with it. */
    public static PriceCatalog draft(CatalogView body) {
        PublishCatalog c = toCommand("draft", body);
        if (c.tokens().isEmpty() && c.meters().isEmpty() && c.units().isEmpty()) {
            throw ApiException.badRequest("empty-catalog", "the draft lists no price");
        }
        try {
            Instant from = body.effectiveFrom() == null ? Instant.EPOCH : body.effectiveFrom();
            return new CatalogPublished("draft", 1, from, c.currency(), c.tokens(), c.meters(), c.units(), from).catalog();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiException.badRequest("invalid-price", e.getMessage());
        }
    }

    private static <V, E> List<E> entries(List<V> views, Function<V, E> toEntry) {
        return views == null ? List.of() : views.stream().map(toEntry).toList();
    }

    private static BigDecimal decimal(String field, String value) {
        BigDecimal price = WireInput.decimal(field, value, "invalid-price", "0.23");
        if (!Decimals.fits(price, 15, Money.SCALE)) {
            throw ApiException.badRequest("invalid-price", field + " must be less than 10^15 with at most " + Money.SCALE + " decimal places");
        }
        return price;
    }
}
