package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.ComputeState;
import dev.inference.ledger.kernel.usage.Rejection;
import dev.inference.ledger.kernel.usage.UsageRecord;

/**
 * Rating as a pure function: the same record and catalog give the same charge in ingest, in replay
 * and in tests. Amounts are exact at the ledger's scale; one that would need more decimal places is
 * refused, never rounded — with one exception, below, for hourly rates cut into minutes.
 */
public final class Rating {

    static final String PER_MILLION_TOKENS = "1M tokens";
    static final String PER_SECOND = "second";
    static final String PER_HOUR_BY_MINUTE = "hour, per started minute";
    private static final BigDecimal SIXTY = BigDecimal.valueOf(60);

    private Rating() {
    }

    public static Rated rate(UsageRecord record, PriceCatalog catalog) {
        try {
            return switch (record.kind()) {
                case TOKENS -> rateTokens(record, catalog);
                case COMPUTE -> rateCompute(record, catalog);
                case UNITS -> rateUnits(record, catalog);
            };
        } catch (InexactAmount | IllegalArgumentException | ArithmeticException e) {
            // Never an exception out of rating: the record would stop its partition instead of being dead-lettered.
            return new Rated.Unpriced(new Rejection(Rejection.INVALID_FIELD, e.getMessage()));
        }
    }

    private static Rated rateTokens(UsageRecord record, PriceCatalog catalog) {
        var priced = catalog.tokenPrice(record.model(), record.provider());
        if (priced.isEmpty()) {
            return unknown(catalog, "model", record.model(), record.provider());
        }
        TokenPrice price = priced.get().price();
        var tokens = record.tokens();
        List<ChargeLine> lines = new ArrayList<>(3);
        addLine(lines, "input", BigDecimal.valueOf(tokens.input()), price.inputPerMillion(), PER_MILLION_TOKENS, catalog);
        addLine(lines, "cached-input", BigDecimal.valueOf(tokens.cachedInput()), price.cachedInputPerMillion(), PER_MILLION_TOKENS, catalog);
        addLine(lines, "output", BigDecimal.valueOf(tokens.output()), price.outputPerMillion(), PER_MILLION_TOKENS, catalog);
        return charge(record, priced.get(), lines, catalog);
    }

    /** Billable seconds × replicas at the meter's price; states that are not billable cost nothing. */
    private static Rated rateCompute(UsageRecord record, PriceCatalog catalog) {
        var priced = catalog.meterPrice(record.meter(), record.provider());
        if (priced.isEmpty()) {
            return unknown(catalog, "meter", record.meter(), record.provider());
        }
        ComputeState state = ComputeState.fromWire(record.state()).orElseThrow();
        BigDecimal replicas = BigDecimal.valueOf(record.replicas());
        ChargeLine line;
        if (priced.get().price() instanceof MeterPrice.Hourly hourly) {
            BigDecimal minutes = record.seconds().divide(SIXTY, 0, RoundingMode.CEILING).multiply(replicas);
            BigDecimal price = state.billable() ? hourly.perHour() : BigDecimal.ZERO;
            line = line(state.wire(), minutes, price, PER_HOUR_BY_MINUTE, minutesAtHourlyRate(minutes, price, catalog));
        } else {
            BigDecimal seconds = record.seconds().multiply(replicas);
            BigDecimal price = state.billable() ? ((MeterPrice.PerSecond) priced.get().price()).perSecond() : BigDecimal.ZERO;
            line = line(state.wire(), seconds, price, PER_SECOND, exact(seconds.multiply(price), catalog));
        }
        return charge(record, priced.get(), List.of(line), catalog);
    }

    /** Quantity × the model's price per unit; the record's unit must be the one the model is priced in. */
    private static Rated rateUnits(UsageRecord record, PriceCatalog catalog) {
        var priced = catalog.unitPrice(record.model(), record.provider())
                .filter(p -> p.price().unit().equals(record.unit()));
        if (priced.isEmpty()) {
            return unknown(catalog, "model priced per '" + record.unit() + "'", record.model(), record.provider());
        }
        UnitPrice price = priced.get().price();
        List<ChargeLine> lines = List.of(line(price.unit(), record.quantity(), price.perUnit(), price.unit(),
                exact(record.quantity().multiply(price.perUnit()), catalog)));
        return charge(record, priced.get(), lines, catalog);
    }

    /**
     * An hourly rate cut into minutes: rate / 60 is a repeating decimal for most rates (1.30 / 60), so
     * this one amount is rounded half-even at the ledger's 12 places (an error below 5e-13 per
     * interval); the line keeps the hourly rate and the minutes, from which it is recomputed exactly.
     */
    private static Money minutesAtHourlyRate(BigDecimal minutes, BigDecimal perHour, PriceCatalog catalog) {
        BigDecimal amount = minutes.multiply(perHour);
        try {
            return new Money(amount.divide(SIXTY), catalog.currency());
        } catch (ArithmeticException | IllegalArgumentException repeating) {
            return new Money(amount.divide(SIXTY, Money.SCALE, RoundingMode.HALF_EVEN), catalog.currency());
        }
    }

    private static void addLine(List<ChargeLine> lines, String component, BigDecimal quantity, BigDecimal perMillion,
                                String unit, PriceCatalog catalog) {
        if (quantity.signum() != 0) {
            lines.add(line(component, quantity, perMillion, unit, exact(quantity.multiply(perMillion).movePointLeft(6), catalog)));
        }
    }

    private static ChargeLine line(String component, BigDecimal quantity, BigDecimal unitPrice, String unit, Money amount) {
        return new ChargeLine(component, quantity, unitPrice, unit, amount);
    }

    private static Money exact(BigDecimal amount, PriceCatalog catalog) {
        // The common case first: stripping zeros costs more than the whole rating.
        if (amount.scale() > Money.SCALE && amount.stripTrailingZeros().scale() > Money.SCALE) {
            // Written plainly only when short: 1E-1000000000 in full is a billion characters.
            String shown = amount.scale() > 40 ? amount.toString() : amount.toPlainString();
            throw new InexactAmount("the amount " + shown + " needs more than " + Money.SCALE
                    + " decimal places; report the quantity with fewer");
        }
        return new Money(amount, catalog.currency());
    }

    private static Rated charge(UsageRecord record, PriceCatalog.Priced<?> priced, List<ChargeLine> lines, PriceCatalog catalog) {
        Money cost = lines.stream().map(ChargeLine::amount).reduce(Money.zero(catalog.currency()), Money::plus);
        if (!cost.isWithinInputRange()) {
            return new Rated.Unpriced(new Rejection(Rejection.INVALID_FIELD, "the charge " + cost.toPlainString()
                    + " is beyond what one record may cost (" + Money.MAX_INPUT.toPlainString() + "); report the quantity in parts"));
        }
        return new Rated.Priced(new Charge(record.kind().wire(), priced.item(), priced.provider(), catalog.version(), lines, cost));
    }

    private static Rated unknown(PriceCatalog catalog, String what, String item, String provider) {
        String at = Optional.ofNullable(provider).map(p -> " at provider '" + p + "'").orElse("");
        return new Rated.Unpriced(new Rejection(Rejection.UNKNOWN_PRICE,
                "catalog version " + catalog.version() + " has no price for " + what + " '" + item + "'" + at));
    }

    /** An amount that cannot be kept exactly; never leaves this class. */
    private static final class InexactAmount extends RuntimeException {
        InexactAmount(String message) {
            super(message, null, false, false);
        }
    }
}
