package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonFormat;

/**
 * Graduated prices: the part of a month's volume of an item that falls in a tier is charged at that tier's price.
 * A record that crosses a tier's start is split there, its lines consumed in order (input, cached input, output), so
 * the month's first {@code from} units are charged at the first price and every unit after at the next, exactly.
 * Only quantity with a price counts as volume: a stopped instance's seconds, free in every tier, count for nothing.
 */
public final class VolumeTiers {

    /** A higher tier as a charge carries it: from what volume on, and the unit price of each of the charge's lines. */
    public record Step(@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal from,
                       @JsonFormat(shape = JsonFormat.Shape.STRING) List<BigDecimal> unitPrices) {
        public Step {
            unitPrices = List.copyOf(unitPrices);
        }
    }

    /** The charge priced at the tiers its volume falls in, and the volume it adds to the month's. */
    public record Graduated(Charge charge, BigDecimal volume) {
    }

    public static final int MAX_TIERS = 10;

    private VolumeTiers() {
    }

    /** The charge with its lines split at the tiers it crosses, given the month's volume of the item before it. */
    public static Graduated apply(Charge charge, BigDecimal volumeBefore) {
        List<Step> steps = charge.tiers();
        if (steps.isEmpty()) {
            return new Graduated(charge, BigDecimal.ZERO);
        }
        List<ChargeLine> lines = new ArrayList<>(charge.lines().size() + 1);
        BigDecimal at = volumeBefore;
        for (int i = 0; i < charge.lines().size(); i++) {
            ChargeLine line = charge.lines().get(i);
            if (!priced(line, steps, i)) {
                lines.add(line);
                continue;
            }
            BigDecimal left = line.quantity();
            do {
                int tier = tierAt(steps, at);
                BigDecimal next = tier < steps.size() ? steps.get(tier).from() : null;
                BigDecimal piece = next == null ? left : left.min(next.subtract(at));
                BigDecimal price = tier == 0 ? line.unitPrice() : steps.get(tier - 1).unitPrices().get(i);
                lines.add(Rating.priced(line.component(), piece, price, line.priceUnit(), charge.cost().currency(), tier + 1));
                at = at.add(piece);
                left = left.subtract(piece);
            } while (left.signum() > 0);
        }
        return new Graduated(charge.priced(lines, charge.terms()), at.subtract(volumeBefore));
    }

    /** 0 for the first tier (the catalog's ordinary price), i for the i-th step. */
    private static int tierAt(List<Step> steps, BigDecimal volume) {
        int tier = 0;
        while (tier < steps.size() && volume.compareTo(steps.get(tier).from()) >= 0) {
            tier++;
        }
        return tier;
    }

    private static boolean priced(ChargeLine line, List<Step> steps, int i) {
        if (line.unitPrice().signum() > 0) {
            return true;
        }
        return steps.stream().anyMatch(s -> s.unitPrices().get(i).signum() > 0);
    }
}
