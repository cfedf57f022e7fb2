package dev.inference.ledger.kernel.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * An exact amount in one currency. Ledger amounts carry {@value #SCALE} decimal places: an amount that
 * would need more places is refused rather than silently cut (rating rounds a line's product to this
 * scale once, by its own named rule, before it becomes Money).
 */
public record Money(@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amount, String currency) implements Comparable<Money> {

    public static final int SCALE = 12;
    /**
     * The largest amount one input may carry (a top-up, a threshold, a cap, one charge): a quadrillion.
     * Far beyond any real bill, and far enough below what the tables keep (26 integer digits) that no
     * sum of such amounts can overflow them.
     */
    public static final BigDecimal MAX_INPUT = new BigDecimal("1E15");
    /** What the tables keep: NUMERIC(38, 12). */
    public static final int MAX_INTEGER_DIGITS = 26;

    @JsonCreator
    public Money {
        Objects.requireNonNull(amount, "amount");
        Currencies.requireSupported(currency);
        // Checked before rescaling, which a huge exponent would turn into a billion-digit number.
        if (!Decimals.fits(amount, MAX_INTEGER_DIGITS, SCALE)) {
            throw new IllegalArgumentException("amount " + amount + " has more than " + MAX_INTEGER_DIGITS
                    + " digits before the point or " + SCALE + " after it");
        }
        amount = amount.setScale(SCALE, RoundingMode.UNNECESSARY);
    }

    public static Money of(String amount, String currency) {
        return new Money(new BigDecimal(amount), currency);
    }

    public static Money zero(String currency) {
        return new Money(BigDecimal.ZERO, currency);
    }

    public Money plus(Money other) {
        return new Money(amount.add(sameCurrency(other).amount), currency);
    }

    public Money minus(Money other) {
        return new Money(amount.subtract(sameCurrency(other).amount), currency);
    }

    public Money negate() {
        return new Money(amount.negate(), currency);
    }

    /** Whether this amount may come in as one input: less than {@link #MAX_INPUT} either way. */
    @JsonIgnore
    public boolean isWithinInputRange() {
        return amount.abs().compareTo(MAX_INPUT) < 0;
    }

    @JsonIgnore
    public boolean isPositive() {
        return amount.signum() > 0;
    }

    @JsonIgnore
    public boolean isNegative() {
        return amount.signum() < 0;
    }

    public boolean isLessThan(Money other) {
        return compareTo(other) < 0;
    }

    /** The decimal string used on the wire: all {@value #SCALE} places, no exponent. */
    public String toPlainString() {
        return amount.toPlainString();
    }

    @Override
    public int compareTo(Money other) {
        return amount.compareTo(sameCurrency(other).amount);
    }

    private Money sameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot combine " + currency + " with " + other.currency);
        }
        return other;
    }

    @Override
    public String toString() {
        return toPlainString() + " " + currency;
    }
}
