package dev.inference.ledger.service.bench;

import java.util.ArrayList;
import java.util.List;

/** Every figure the benchmark printed, with its target and whether it was met, as one table. */
final class Summary {

    private record Row(String figure, String value, String target, String verdict) {
    }

    private final List<Row> rows = new ArrayList<>();

    void figure(String figure, String value) {
        rows.add(new Row(figure, value, "", ""));
    }

    /** {@code met} null: the figure could not be measured. */
    void target(String figure, String value, String target, Boolean met) {
        rows.add(new Row(figure, value, target, met == null ? "n/a" : met ? "PASS" : "MISS"));
    }

    String table() {
        int w0 = rows.stream().mapToInt(r -> r.figure.length()).max().orElse(10);
        int w1 = rows.stream().mapToInt(r -> r.value.length()).max().orElse(10);
        int w2 = rows.stream().mapToInt(r -> r.target.length()).max().orElse(6);
        StringBuilder out = new StringBuilder();
        String format = "| %-" + w0 + "s | %-" + w1 + "s | %-" + w2 + "s | %-4s |%n";
        out.append(String.format(format, "figure", "measured", "target", ""));
        out.append(String.format(format, "-".repeat(w0), "-".repeat(w1), "-".repeat(w2), "----"));
        rows.forEach(r -> out.append(String.format(format, r.figure, r.value, r.target, r.verdict)));
        return out.toString();
    }
}
