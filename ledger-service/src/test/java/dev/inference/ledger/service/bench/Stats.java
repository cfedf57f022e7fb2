package dev.inference.ledger.service.bench;

import java.util.List;

/** Median and spread of a few runs' figures; runs that did not finish (NaN) are left out and counted. */
record Stats(double median, double min, double max, int finished, int runs) {

    static Stats of(List<Double> values) {
        double[] done = values.stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).sorted().toArray();
        if (done.length == 0) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN, 0, values.size());
        }
        double median = done.length % 2 == 1 ? done[done.length / 2] : (done[done.length / 2 - 1] + done[done.length / 2]) / 2;
        return new Stats(median, done[0], done[done.length - 1], done.length, values.size());
    }

    boolean measured() {
        return finished > 0;
    }

    String describe() {
        if (!measured()) {
            return String.format("n/a (0 of %d runs finished)", runs);
        }
        return String.format("%,.0f records/s (%,.0f–%,.0f%s)", median, min, max,
                finished < runs ? String.format(", %d of %d runs finished", finished, runs) : String.format(", %d runs", runs));
    }
}
