package dev.inference.ledger.service.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the CPU went between two moments: exact CPU time of this JVM's threads, grouped by role (the
 * digits of pool threads dropped), and of the PostgreSQL server processes on this machine.
 */
final class CpuProfile {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private Map<String, Long> startThreads;
    private long startPostgres;

    void start() {
        startThreads = byRole();
        startPostgres = postgresNanos();
    }

    String report(double wallSeconds) {
        Map<String, Long> end = byRole();
        Map<String, Long> used = new TreeMap<>();
        end.forEach((role, nanos) -> {
            long delta = nanos - startThreads.getOrDefault(role, 0L);
            if (delta > 50_000_000L) {
                used.put(role, delta);
            }
        });
        StringBuilder out = new StringBuilder();
        used.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(e ->
                out.append(String.format("      %-44s %6.1f s CPU%n", e.getKey(), e.getValue() / 1e9)));
        out.append(String.format("      %-44s %6.1f s CPU  (of %.1f s wall x 2 cores)%n", "PostgreSQL server processes",
                (postgresNanos() - startPostgres) / 1e9, wallSeconds));
        return out.toString();
    }

    private Map<String, Long> byRole() {
        Map<String, Long> roles = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            var info = threads.getThreadInfo(id);
            long cpu = threads.getThreadCpuTime(id);
            if (info != null && cpu > 0) {
                roles.merge(info.getThreadName().replaceAll("\\d+", "#"), cpu, Long::sum);
            }
        }
        return roles;
    }

    private static long postgresNanos() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                .sum();
    }
}
