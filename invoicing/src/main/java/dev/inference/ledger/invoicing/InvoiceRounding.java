package dev.inference.ledger.invoicing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;

import dev.inference.ledger.kernel.account.AccountEvent.UnbilledLine;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceLine;

/**
 * Rounds an invoice once: each line to the currency's minor unit, half-even; the rounding the account's
 * previous invoice left over comes in as a line of its own when it reaches a minor unit, and what this
 * invoice leaves goes to the next. So exact charges + carried in = total + carried out, exactly, and over
 * any run of invoices the totals plus the last carry equal the charges.
 */
public final class InvoiceRounding {

    public static final String CARRIED_COMPONENT = "rounding-carried";
    public static final String CREDIT_CARRIED_COMPONENT = "credit-carried";

    private InvoiceRounding() {
    }

    public record Rounded(List<InvoiceLine> lines, BigDecimal exactCharges, BigDecimal total, BigDecimal carriedOut) {
    }

    public static Rounded round(List<UnbilledLine> charges, BigDecimal carriedIn, String currency) {
        int places = Currency.getInstance(currency).getDefaultFractionDigits();
        List<InvoiceLine> lines = new ArrayList<>(charges.size() + 1);
        BigDecimal exact = BigDecimal.ZERO;
        BigDecimal total = BigDecimal.ZERO;
        for (UnbilledLine c : charges) {
            BigDecimal amount = c.amount().setScale(places, RoundingMode.HALF_EVEN);
            lines.add(new InvoiceLine(c.kind(), c.item(), c.provider(), c.component(), c.priceUnit(), c.unitPrice(), c.quantity(),
                    c.amount(), amount, c.records(), c.firstOccurredAt(), c.lastOccurredAt()));
            exact = exact.add(c.amount());
            total = total.add(amount);
        }
        BigDecimal carried = carriedIn.setScale(places, RoundingMode.HALF_EVEN);
        // A credit carried in (negative) is taken as far as this invoice's charges go; the rest waits for the next.
        if (carried.signum() < 0 && total.add(carried).signum() < 0) {
            carried = total.max(BigDecimal.ZERO).negate();
        }
        if (carried.signum() != 0) {
            boolean whole = carried.compareTo(carriedIn.setScale(places, RoundingMode.HALF_EVEN)) == 0;
            lines.add(new InvoiceLine("rounding", "carried from the previous invoice (rounding, credit)", null, CARRIED_COMPONENT, null,
                    null, null, whole ? carriedIn : carried, carried, 0, null, null));
            total = total.add(carried);
        }
        // Never a negative invoice: credit beyond the charges (a credit note, reversals) is carried to the next.
        if (total.signum() < 0) {
            lines.add(new InvoiceLine("rounding", "credit carried to the next invoice", null, CREDIT_CARRIED_COMPONENT, null, null, null,
                    total.negate(), total.negate(), 0, null, null));
            total = BigDecimal.ZERO;
        }
        return new Rounded(lines, exact, total, exact.add(carriedIn).subtract(total));
    }
}
