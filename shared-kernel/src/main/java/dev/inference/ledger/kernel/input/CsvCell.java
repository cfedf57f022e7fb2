package dev.inference.ledger.kernel.input;

import java.util.regex.Pattern;

/**
 * One cell of a CSV document the API serves: quoted, and never read as a formula by a spreadsheet (a
 * cell that starts like one gets a leading apostrophe), while a number, negative ones included, stays a number.
 */
public final class CsvCell {

    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

    private CsvCell() {
    }

    public static String of(String value) {
        if (value == null) {
            return "";
        }
        boolean formula = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 && !NUMBER.matcher(value).matches();
        String safe = formula ? "'" + value : value;
        return "\"" + safe.replace("\"", "\"\"") + "\"";
    }
}
