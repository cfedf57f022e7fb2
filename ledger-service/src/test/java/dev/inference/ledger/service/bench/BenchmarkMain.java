package dev.inference.ledger.service.bench;

/** How a benchmark's main method runs it. */
final class BenchmarkMain {

    interface Benchmark {
        void run() throws Exception;
    }

    private BenchmarkMain() {
    }

    /** Runs the benchmark and exits: the in-process broker's threads would keep a finished (or failed) one alive. */
    static void runAndExit(Benchmark benchmark) {
        int status = 0;
        try {
            benchmark.run();
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }
}
