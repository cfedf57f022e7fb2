package dev.inference.ledger.service.api;

import java.math.BigDecimal;

import dev.inference.ledger.kernel.input.Identifier;

import dev.inference.ledger.kernel.money.Money;

/** Reads a money field of a request: a decimal string, as docs/reference/contract.md requires, never a JSON number. */
public final class MoneyInput {

    private MoneyInput() {
    }

    /**
     * As {@link #parse(String, String, String)}, for a request that may name its currency: one that names
     * another than the account's is refused (422 {@code currency-mismatch}), never credited in the account's.
     */
    static Money parse(String field, String value, String namedCurrency, String accountCurrency) {
        if (namedCurrency != null && !namedCurrency.equals(accountCurrency)) {
            throw new ApiException(422, "currency-mismatch", "Refused", "the account is kept in " + accountCurrency + ", not "
                    + Identifier.echo(namedCurrency));
        }
        return parse(field, value, accountCurrency);
    }

    /** A money amount in a known currency (an invoice's), for a controller outside this package. */
    public static Money of(String field, String value, String currency) {
        return parse(field, value, currency);
    }

    static Money parse(String field, String value, String currency) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("invalid-amount", field + " is required, as a decimal string like \"25.00\"");
        }
        BigDecimal decimal = WireInput.decimal(field, value, "invalid-amount", "25.00");
        Money money;
        try {
            money = new Money(decimal, currency);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-amount", field + ": " + e.getMessage());
        }
        if (!money.isWithinInputRange()) {
            throw ApiException.badRequest("invalid-amount", field + " must be less than " + Money.MAX_INPUT.toPlainString());
        }
        return money;
    }
}
