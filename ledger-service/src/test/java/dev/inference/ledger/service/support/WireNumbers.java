package dev.inference.ledger.service.support;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The contract's rule for numbers, checked on every JSON answer the story suites read: money and decimal
 * quantities are decimal strings in plain notation. So no JSON number may carry a fraction or an exponent,
 * no field that holds money may be a JSON number at all, and no string may be a number in exponent notation.
 */
final class WireNumbers {

    /** Field names that hold money: their values are decimal strings, even when whole. */
    private static final Pattern MONEY = Pattern.compile(
            "(?i)[a-z]*(amount|balance|cost|total|price|spend|spent|hardcap|threshold|charges|due|usage|topups|recharges|paid|held|available"
                    + "|unbilled|limit|difference|carried|exact)[a-z]*");
    /** Counts whose names share a word with money (usageRecords, exactCharges is money but records is not). */
    private static final Pattern COUNT = Pattern.compile("(?i).*(records|count|attempts|tier|instances|level|days|index|size)");
    private static final Pattern EXPONENT = Pattern.compile("-?[0-9]+(\\.[0-9]+)?[eE][-+]?[0-9]+");

    private WireNumbers() {
    }

    static void check(String where, JsonNode node) {
        check(where, "", node);
    }

    private static void check(String where, String name, JsonNode node) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                check(where, field.getKey(), field.getValue());
            }
        } else if (node.isArray()) {
            node.forEach(element -> check(where, name, element));
        } else if (node.isNumber()) {
            if (!node.isIntegralNumber()) {
                throw new AssertionError(where + ": '" + name + "' is the JSON number " + node + "; decimals are strings");
            }
            if (MONEY.matcher(name).matches() && !COUNT.matcher(name).matches()) {
                throw new AssertionError(where + ": '" + name + "' holds money as the JSON number " + node + "; money is a decimal string");
            }
        } else if (node.isTextual() && EXPONENT.matcher(node.asText()).matches()) {
            throw new AssertionError(where + ": '" + name + "' is \"" + node.asText() + "\", a decimal in exponent notation");
        }
    }
}
