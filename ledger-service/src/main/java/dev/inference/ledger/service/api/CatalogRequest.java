package dev.inference.ledger.service.api;

import java.util.function.Supplier;

import dev.inference.ledger.kernel.pricing.CatalogView;
import dev.inference.ledger.kernel.pricing.PriceCatalog;
import dev.inference.ledger.service.pricing.PriceListCommand.PublishCatalog;

/** Translates a catalog sent over HTTP (decimal strings) into the command that publishes it, or into a draft; a bad price is a 400. */
public final class CatalogRequest {

    private CatalogRequest() {
    }

    static PublishCatalog toCommand(String priceListId, CatalogView body) {
        return refusedAs400(() -> new PublishCatalog(priceListId, body.effectiveFrom(), body.currencyOrDefault(), body.tokenEntries(),
                body.meterEntries(), body.unitEntries()));
    }

    /** A catalog that is not published: what-if re-rating prices the past with it. */
    public static PriceCatalog draft(CatalogView body) {
        return refusedAs400(body::draft);
    }

    private static <T> T refusedAs400(Supplier<T> translation) {
        try {
            return translation.get();
        } catch (CatalogView.InvalidPrice e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        }
    }
}
