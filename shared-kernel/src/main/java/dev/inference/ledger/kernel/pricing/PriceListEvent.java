package dev.inference.ledger.kernel.pricing;

/** The facts the PriceList aggregate records: each published version of the price catalog. */
public sealed interface PriceListEvent permits CatalogPublished {
}
