package dev.inference.ledger.kernel.money;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.inference.ledger.kernel.input.Identifier;

/**
 * The one grammar of decimals that come from outside, and size checks made before any arithmetic:
 * "1E+1000000000" is a short string, but rescaling it, or printing it plainly, needs a billion digits.
 */
public final class Decimals {

    /**
     * How every amount and decimal quantity is written on the wire: an optional minus, ASCII digits, and
     * optionally a point followed by ASCII digits. No exponent, no plus, no other script's digits, no spaces.
     */
    public static final String GRAMMAR = "-?[0-9]+(.[0-9]+)?";
    private static final Pattern WIRE = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    /** 26 integer digits, a point, 12 places and a sign, with room for trailing zeros: longer text is refused unread. */
    public static final int MAX_TEXT_LENGTH = 48;

    private Decimals() {
    }

    /** The decimal {@code text} writes, when it follows {@link #GRAMMAR} and is at most {@link #MAX_TEXT_LENGTH} long. */
    public static Optional<BigDecimal> parse(String text) {
        if (text == null || text.length() > MAX_TEXT_LENGTH || !WIRE.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of(new BigDecimal(text));
    }

    /** What to tell a sender whose {@code field} is not a decimal of the grammar, with an {@code example} of one. */
    public static String notADecimal(String field, String value, String example) {
        return field + " must be a decimal string like \"" + example + "\" (" + GRAMMAR + "), not '" + Identifier.echo(String.valueOf(value)) + "'";
    }

    /** Whether {@code value} has at most {@code integerDigits} digits before the point and {@code places} after it. */
    public static boolean fits(BigDecimal value, int integerDigits, int places) {
        // Stripping zeros allocates; only a scale beyond the places can need it (every Money comes through here).
        return value.precision() - value.scale() <= integerDigits
                && (value.scale() <= places || value.stripTrailingZeros().scale() <= places);
    }
}
