package dev.inference.ledger.kernel.pricing;

/** What a price is for: a model (or meter, or unit) as sold by one provider. */
public record PriceKey(String item, String provider) {
}
