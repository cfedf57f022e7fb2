package dev.inference.ledger.service.pricing;

import java.time.Instant;
import java.util.List;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import dev.inference.ledger.kernel.pricing.CatalogPublished.MeterEntry;
import dev.inference.ledger.kernel.pricing.CatalogPublished.TokenEntry;
import dev.inference.ledger.kernel.pricing.CatalogPublished.UnitEntry;

/** What can be asked of the price list. */
public sealed interface PriceListCommand {

    String priceListId();

    /** Freezes the built-in default prices as version 1, once, on the first start of the ledger. */
    record PublishDefaultCatalog(@TargetAggregateIdentifier String priceListId) implements PriceListCommand {
    }

    /** The next version, complete (every price in force from {@code effectiveFrom}, not a difference). */
    record PublishCatalog(@TargetAggregateIdentifier String priceListId, Instant effectiveFrom, String currency,
                          List<TokenEntry> tokens, List<MeterEntry> meters, List<UnitEntry> units) implements PriceListCommand {
    }
}
