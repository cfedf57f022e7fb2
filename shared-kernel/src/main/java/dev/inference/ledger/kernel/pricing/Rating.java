package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.Rejection;
import dev.inference.ledger.kernel.usage.UsageRecord;

/**
 * Rating as a pure function: the same record and catalog give the same charge in ingest, in replay
 * and in tests. No rounding: every line is exact at the ledger's scale.
 */
public final class Rating {

    static final String PER_MILLION_TOKENS = "1M tokens";

    private Rating() {
    }

    public static Rated rate(UsageRecord record, PriceCatalog catalog) {
        return switch (record.kind()) {
            case TOKENS -> rateTokens(record, catalog);
            case COMPUTE, UNITS -> new Rated.Unpriced(new Rejection(Rejection.UNSUPPORTED_KIND,
                    "usage of kind '" + record.kind().wire() + "' has no prices in this catalog"));
        };
    }

    private static Rated rateTokens(UsageRecord record, PriceCatalog catalog) {
        var priced = catalog.tokenPrice(record.model(), record.provider());
        if (priced.isEmpty()) {
            String at = record.provider() == null ? "" : " at provider '" + record.provider() + "'";
            return new Rated.Unpriced(new Rejection(Rejection.UNKNOWN_PRICE,
                    "catalog version " + catalog.version() + " has no price for model '" + record.model() + "'" + at));
        }
        TokenPrice price = priced.get().price();
        var tokens = record.tokens();
        List<ChargeLine> lines = new ArrayList<>(3);
        addLine(lines, "input", tokens.input(), price.inputPerMillion(), catalog.currency());
        addLine(lines, "cached-input", tokens.cachedInput(), price.cachedInputPerMillion(), catalog.currency());
        addLine(lines, "output", tokens.output(), price.outputPerMillion(), catalog.currency());
        Money cost = lines.stream().map(ChargeLine::amount).reduce(Money.zero(catalog.currency()), Money::plus);
        return new Rated.Priced(new Charge(record.kind().wire(), priced.get().model(), priced.get().provider(),
                catalog.version(), lines, cost));
    }

    private static void addLine(List<ChargeLine> lines, String component, long tokens, BigDecimal perMillion, String currency) {
        if (tokens == 0) {
            return;
        }
        BigDecimal quantity = BigDecimal.valueOf(tokens);
        Money amount = new Money(quantity.multiply(perMillion).movePointLeft(6), currency);
        lines.add(new ChargeLine(component, quantity, perMillion, PER_MILLION_TOKENS, amount));
    }
}
