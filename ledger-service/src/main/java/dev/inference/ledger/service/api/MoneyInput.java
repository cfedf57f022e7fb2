package dev.inference.ledger.service.api;

import java.math.BigDecimal;

import dev.inference.ledger.kernel.input.Identifier;

import dev.inference.ledger.kernel.money.Money;

/** Reads a money field of a request: a decimal string, as docs/contract.md requires, never a JSON number. */
final class MoneyInput {

    private MoneyInput() {
    }

    static Money parse(String field, String value, String currency) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("invalid-amount", field + " is required, as a decimal string like \"25.00\"");
        }
        Money money;
        try {
            money = new Money(new BigDecimal(value.strip()), currency);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid-amount", field + " must be a decimal string like \"25.00\", not '" + Identifier.echo(value) + "'");
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-amount", field + ": " + e.getMessage());
        }
        if (!money.isWithinInputRange()) {
            throw ApiException.badRequest("invalid-amount", field + " must be less than " + Money.MAX_INPUT.toPlainString());
        }
        return money;
    }
}
