package dev.inference.ledger.service.api;

/** One cell of a CSV document the API serves: quoted, and never read as a formula by a spreadsheet. */
public final class CsvCell {

    private CsvCell() {
    }

    public static String of(String value) {
        if (value == null) {
            return "";
        }
        String safe = value.matches("^[=+\\-@].*") ? "'" + value : value;
        return "\"" + safe.replace("\"", "\"\"") + "\"";
    }
}
