package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import dev.inference.ledger.accounts.PriceTerms.Commitment;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceUsed;
import dev.inference.ledger.kernel.account.ItemPrice;
import dev.inference.ledger.kernel.pricing.Charge;
import dev.inference.ledger.kernel.pricing.ChargeLine;
import dev.inference.ledger.kernel.pricing.Rating;
import dev.inference.ledger.kernel.pricing.VolumeTiers;

/**
 * What an account pays for a record the catalog priced, in this order:
 * <ol>
 *   <li>the account's own price for the item, if one is in force when the record occurred (it replaces the catalog's tiers);
 *   else the catalog's price at the tier the month's volume of the item has reached ({@link VolumeTiers});</li>
 *   <li>then, while a commitment's term covers the charge: its own price for the item, or that price less its discount, until
 *   what it has consumed reaches its amount; every record after that at its overage rate (a percentage of the price of step 1).
 *   A record that starts within the commitment is charged at its rates whole, so the last one may take it past its amount.</li>
 * </ol>
 * Every line is rounded once, as rating rounds it, from the quantity and the unit price it keeps.
 */
final class AccountPricing {

    /** The charge as the account pays it, and the volume it adds to its item's month. */
    record Priced(Charge charge, BigDecimal volume) {
    }

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private AccountPricing() {
    }

    static Priced price(Charge list, Instant occurredAt, PriceTerms terms, BigDecimal volumeBefore, Commitment commitment,
                        BigDecimal consumedBefore) {
        ItemPrice override = terms.overrides().isEmpty() ? null : terms.overrideFor(list.item(), list.provider(), occurredAt);
        Charge own = override == null ? null : at(list, override, PriceUsed.OVERRIDE);
        Priced usual = own != null ? new Priced(own, BigDecimal.ZERO) : graduated(list, volumeBefore);
        if (commitment == null) {
            return usual;
        }
        Charge charge = usual.charge();
        String id = commitment.id();
        var contract = commitment.terms();
        if (consumedBefore.compareTo(contract.amount().amount()) < 0) {
            ItemPrice rate = commitment.priceOf(list.item(), list.provider());
            Charge rated = rate == null ? null : at(list, rate, PriceUsed.COMMITMENT + id);
            // The commitment's own price replaces the tiers, as an account's own price does: its usage counts in no tier's volume.
            return rated != null ? new Priced(rated, BigDecimal.ZERO)
                    : new Priced(scaled(charge, HUNDRED.subtract(contract.discountPercent()), PriceUsed.COMMITMENT + id), usual.volume());
        }
        return new Priced(scaled(charge, contract.overagePercent(), PriceUsed.OVERAGE + id), usual.volume());
    }

    private static Priced graduated(Charge list, BigDecimal volumeBefore) {
        VolumeTiers.Graduated graduated = VolumeTiers.apply(list, volumeBefore);
        return new Priced(graduated.charge(), graduated.volume());
    }

    /** The catalog's lines at the account's price, or null when the price does not fit the item (a token price for seconds). */
    private static Charge at(Charge list, ItemPrice price, String terms) {
        List<ChargeLine> lines = new ArrayList<>(list.lines().size());
        for (ChargeLine line : list.lines()) {
            BigDecimal unitPrice = price.unitPriceOf(line);
            if (unitPrice == null) {
                return null;
            }
            lines.add(Rating.priced(line.component(), line.quantity(), unitPrice, line.priceUnit(), list.cost().currency(), null));
        }
        return list.priced(lines, terms);
    }

    /** Each line at {@code percent} of its unit price. */
    private static Charge scaled(Charge charge, BigDecimal percent, String terms) {
        UnaryOperator<BigDecimal> scale = p -> {
            // Rounded to the ledger's scale, as every price it keeps: the line is priced from the price it shows.
            BigDecimal scaled = p.multiply(percent).movePointLeft(2).setScale(dev.inference.ledger.kernel.money.Money.SCALE,
                    java.math.RoundingMode.HALF_EVEN).stripTrailingZeros();
            return scaled.scale() < 0 ? scaled.setScale(0) : scaled;
        };
        List<ChargeLine> lines = charge.lines().stream().map(l -> Rating.priced(l.component(), l.quantity(), scale.apply(l.unitPrice()),
                l.priceUnit(), charge.cost().currency(), l.tier())).toList();
        return charge.priced(lines, terms);
    }
}
