package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.inference.ledger.kernel.money.Decimals;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.ComputeState;
import dev.inference.ledger.kernel.usage.Rejection;
import dev.inference.ledger.kernel.usage.UsageRecord;

/**
 * Rating as a pure function: the same record and catalog give the same charge in ingest, in replay
 * and in tests. Each line's amount is quantity × unit price rounded once, half-even, to the ledger's
 * {@value Money#SCALE} places ({@link #lineAmount}); the line keeps the quantity and the price, so the
 * exact product can always be recomputed. The cost is the sum of the lines, exact.
 */
public final class Rating {

    static final String PER_MILLION_TOKENS = "1M tokens";
    static final String PER_SECOND = "second";
    static final String PER_HOUR_BY_MINUTE = "hour, per started minute";
    private static final BigDecimal SIXTY = BigDecimal.valueOf(60);
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private Rating() {
    }

    public static Rated rate(UsageRecord record, PriceCatalog catalog) {
        for (BigDecimal quantity : new BigDecimal[] {record.seconds(), record.quantity()}) {
            // Checked before any arithmetic: 1E-1000000000 rounded to 12 places divides by 10^999999988.
            if (quantity != null && !Decimals.fits(quantity, 15, Money.SCALE)) {
                return new Rated.Unpriced(new Rejection(Rejection.INVALID_FIELD, "a quantity must be less than 10^15 with at most "
                        + Money.SCALE + " decimal places"));
            }
        }
        try {
            return switch (record.kind()) {
                case TOKENS -> rateTokens(record, catalog);
                case COMPUTE -> rateCompute(record, catalog);
                case UNITS -> rateUnits(record, catalog);
            };
        } catch (IllegalArgumentException | ArithmeticException e) {
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
        addTokenLine(lines, "input", tokens.input(), price.inputPerMillion(), catalog);
        addTokenLine(lines, "cached-input", tokens.cachedInput(), price.cachedInputPerMillion(), catalog);
        addTokenLine(lines, "output", tokens.output(), price.outputPerMillion(), catalog);
        var tiers = catalog.tokenTiers(new PriceKey(priced.get().item(), priced.get().provider()));
        return charge(record, priced.get(), lines, catalog, steps(tiers, lines, (tier, line) -> switch (line.component()) {
            case "input" -> tier.inputPerMillion();
            case "cached-input" -> tier.cachedInputPerMillion();
            default -> tier.outputPerMillion();
        }));
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
            line = line(state.wire(), minutes, price, PER_HOUR_BY_MINUTE, lineAmount(minutes.multiply(price), SIXTY, catalog));
        } else {
            BigDecimal seconds = record.seconds().multiply(replicas);
            BigDecimal price = state.billable() ? ((MeterPrice.PerSecond) priced.get().price()).perSecond() : BigDecimal.ZERO;
            line = line(state.wire(), seconds, price, PER_SECOND, lineAmount(seconds.multiply(price), BigDecimal.ONE, catalog));
        }
        var tiers = catalog.meterTiers(new PriceKey(priced.get().item(), priced.get().provider()));
        return charge(record, priced.get(), List.of(line), catalog, steps(tiers, List.of(line), (tier, l) -> !state.billable() ? BigDecimal.ZERO
                : tier instanceof MeterPrice.Hourly h ? h.perHour() : ((MeterPrice.PerSecond) tier).perSecond()));
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
                lineAmount(record.quantity().multiply(price.perUnit()), BigDecimal.ONE, catalog)));
        var tiers = catalog.unitTiers(new PriceKey(priced.get().item(), priced.get().provider()));
        return charge(record, priced.get(), lines, catalog, steps(tiers, lines, (tier, l) -> tier.perUnit()));
    }

    /** The item's higher tiers as the charge carries them: each tier's unit price for each of the charge's lines. */
    private static <P> List<VolumeTiers.Step> steps(List<VolumeTier<P>> tiers, List<ChargeLine> lines,
                                                    java.util.function.BiFunction<P, ChargeLine, BigDecimal> unitPrice) {
        if (tiers.isEmpty()) {
            return List.of();
        }
        List<VolumeTiers.Step> steps = new ArrayList<>(tiers.size());
        for (VolumeTier<P> tier : tiers) {
            steps.add(new VolumeTiers.Step(tier.from(), lines.stream().map(line -> unitPrice.apply(tier.price(), line)).toList()));
        }
        return steps;
    }

    private static void addTokenLine(List<ChargeLine> lines, String component, long tokens, BigDecimal perMillion, PriceCatalog catalog) {
        if (tokens != 0) {
            BigDecimal quantity = BigDecimal.valueOf(tokens);
            lines.add(line(component, quantity, perMillion, PER_MILLION_TOKENS, lineAmount(quantity.multiply(perMillion), MILLION, catalog)));
        }
    }

    private static ChargeLine line(String component, BigDecimal quantity, BigDecimal unitPrice, String unit, Money amount) {
        return new ChargeLine(component, quantity, unitPrice, unit, amount);
    }

    /**
     * The one rounding of rating: a line's exact amount, {@code quantity × price / per}, rounded once, half-even,
     * to the ledger's {@value Money#SCALE} places. A millisecond on a per-second meter priced to ten places, or
     * an hourly rate cut into minutes (1.30 / 60), needs more; the error is at most 5e-13 per line, and the line
     * keeps the quantity and price that recompute it exactly.
     */
    static Money lineAmount(BigDecimal quantityTimesPrice, BigDecimal per, PriceCatalog catalog) {
        return new Money(rounded(quantityTimesPrice, per), catalog.currency());
    }

    /**
     * A line of {@code quantity} at another {@code unitPrice} per the same {@code priceUnit}, rounded as rating rounds every line:
     * a tier's part of a line, or a line at an account's own price.
     */
    public static ChargeLine priced(String component, BigDecimal quantity, BigDecimal unitPrice, String priceUnit, String currency,
                                    Integer tier) {
        return new ChargeLine(component, quantity, unitPrice, priceUnit, new Money(amount(quantity, unitPrice, priceUnit), currency), tier);
    }

    /** What {@code quantity} at {@code unitPrice} per {@code priceUnit} amounts to, rounded as every line is. */
    public static BigDecimal amount(BigDecimal quantity, BigDecimal unitPrice, String priceUnit) {
        BigDecimal per = switch (priceUnit) {
            case PER_MILLION_TOKENS -> MILLION;
            case PER_HOUR_BY_MINUTE -> SIXTY;
            default -> BigDecimal.ONE;
        };
        return rounded(quantity.multiply(unitPrice), per);
    }

    private static BigDecimal rounded(BigDecimal quantityTimesPrice, BigDecimal per) {
        // The same rounding either way; a power of ten moves the point instead of dividing (rating runs per record).
        BigDecimal exact = per.equals(BigDecimal.ONE) ? quantityTimesPrice
                : per.equals(MILLION) ? quantityTimesPrice.movePointLeft(6) : null;
        return exact != null ? exact.setScale(Money.SCALE, RoundingMode.HALF_EVEN)
                : quantityTimesPrice.divide(per, Money.SCALE, RoundingMode.HALF_EVEN);
    }

    private static Rated charge(UsageRecord record, PriceCatalog.Priced<?> priced, List<ChargeLine> lines, PriceCatalog catalog,
                                List<VolumeTiers.Step> steps) {
        Money cost = lines.stream().map(ChargeLine::amount).reduce(Money.zero(catalog.currency()), Money::plus);
        if (!cost.isWithinInputRange()) {
            return new Rated.Unpriced(new Rejection(Rejection.INVALID_FIELD, "the charge " + cost.toPlainString()
                    + " is beyond what one record may cost (" + Money.MAX_INPUT.toPlainString() + "); report the quantity in parts"));
        }
        return new Rated.Priced(new Charge(record.kind().wire(), priced.item(), priced.provider(), catalog.version(), lines, cost, steps,
                Charge.CATALOG));
    }

    private static Rated unknown(PriceCatalog catalog, String what, String item, String provider) {
        String at = Optional.ofNullable(provider).map(p -> " at provider '" + p + "'").orElse("");
        return new Rated.Unpriced(new Rejection(Rejection.UNKNOWN_PRICE,
                "catalog version " + catalog.version() + " has no price for " + what + " '" + item + "'" + at));
    }
}
