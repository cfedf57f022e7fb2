package dev.inference.ledger.service.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the machine's CPU went between two moments, in µs per record: this JVM's Java threads by role
 * (pool digits dropped), split into the product, the in-process broker and the benchmark's own
 * threads; its native GC threads and other VM threads (JIT) from /proc; the PostgreSQL server
 * processes; and whatever else ran on the machine meanwhile (the machine is shared).
 */
final class CpuProfile {

    /** Thread names of Kafka's broker and controller (KafkaRaftServer in this JVM). */
    private static final Pattern BROKER = Pattern.compile(
            "data-plane-kafka.*|kafka-request-handler.*|kafka-network-thread.*|kafka-scheduler.*|kafka-log-cleaner.*|kafka-\\d+-raft.*"
                    + "|.*raft-io.*|.*raft-outbound.*|quorum-controller.*|broker-\\d+-.*|controller-\\d+-.*|ExpirationReaper.*"
                    + "|.*coordinator-event-processor.*|group-coordinator.*|TxnMarkerSenderThread.*|AddPartitionsToTxnSenderThread.*"
                    + "|LogDirFailureHandler|ThrottledChannelReaper.*|kafka-\\d+-metadata-loader.*|.*metadata-loader.*"
                    + "|transaction-log-manager.*|RemoteLogManager.*|kafka-log-.*|executor-.*|share-.*|persister-.*"
                    + "|socket-server-.*|ReplicaFetcher.*|ReplicaAlterLogDirs.*|feature-zk-node.*|.*-acceptor-.*|node-\\d+-.*"
                    + "|kafka-shutdown-hook|.*-event-handler");
    /** The benchmark's own threads: its samplers, its producer and consumers, main. */
    private static final Pattern HARNESS = Pattern.compile("main|bench-.*|.*\\| bench-.*");
    private static final Pattern GC = Pattern.compile("GC Thread.*|G1 .*|GC .*|.*Conc#.*|.*Refine#.*|ZWorker.*|Parallel GC.*");
    private static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Set<Long> brokerThreadIds;
    private Snapshot start;

    private record Snapshot(long at, Map<Long, Long> javaCpu, Map<Long, String> javaNames, long gcNanos, long processNanos,
                            Map<Long, Long> postgres, long machineNanos) {
    }

    /** {@code brokerThreadIds}: the threads born while the broker started, whatever they are named. */
    CpuProfile(Set<Long> brokerThreadIds) {
        this.brokerThreadIds = brokerThreadIds;
    }

    void start() {
        start = snapshot();
    }

    /** The split since {@link #start()}, per {@code records}. */
    Split stop(long records) {
        Snapshot end = snapshot();
        Map<String, Long> product = new HashMap<>();
        long broker = 0;
        long harness = 0;
        long java = 0;
        for (var e : end.javaCpu.entrySet()) {
            long delta = e.getValue() - start.javaCpu.getOrDefault(e.getKey(), 0L);
            String name = end.javaNames.get(e.getKey());
            java += delta;
            if (brokerThreadIds.contains(e.getKey()) || BROKER.matcher(name).matches()) {
                broker += delta;
            } else if (HARNESS.matcher(name).matches()) {
                harness += delta;
            } else {
                product.merge(name.replaceAll("\\d+", "#"), delta, Long::sum);
            }
        }
        long gc = end.gcNanos - start.gcNanos;
        long process = end.processNanos - start.processNanos;
        long postgres = 0;
        for (var e : end.postgres.entrySet()) {
            postgres += e.getValue() - start.postgres.getOrDefault(e.getKey(), 0L);
        }
        long machine = end.machineNanos - start.machineNanos;
        return new Split(records, (end.at - start.at) / 1e9, product, broker, harness, gc,
                Math.max(0, process - java - gc), postgres, Math.max(0, machine - process - postgres), machine);
    }

    record Split(long records, double seconds, Map<String, Long> product, long broker, long harness, long gc,
                 long otherVm, long postgres, long otherProcesses, long machine) {

        double perRecord(long nanos) {
            return nanos / 1e3 / records;
        }

        long productJava() {
            return product.values().stream().mapToLong(Long::longValue).sum();
        }

        /** The product's own cost: its Java threads, GC, the broker it needs and PostgreSQL. */
        double productMicros() {
            return perRecord(productJava() + gc + otherVm + broker + postgres);
        }

        String report() {
            StringBuilder out = new StringBuilder();
            out.append(String.format("      machine CPU per record over %.1f s (2 cores = %.0f µs/record available): %.1f µs, of which%n",
                    seconds, 2 * seconds * 1e6 / records, perRecord(machine)));
            Map<String, Long> rows = new LinkedHashMap<>();
            product.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .filter(e -> e.getValue() * 100 >= productJava() || e.getValue() > 200_000_000L)
                    .forEach(e -> rows.put("  product thread " + e.getKey(), e.getValue()));
            long shown = rows.values().stream().mapToLong(Long::longValue).sum();
            out.append(row("product JVM threads (by role below)", productJava(), this));
            rows.forEach((k, v) -> out.append(row(k, v, this)));
            out.append(row("  product threads, smaller roles", productJava() - shown, this));
            out.append(row("GC threads (native, /proc)", gc, this));
            out.append(row("JIT compilers, VM thread, threads ended meanwhile", otherVm, this));
            out.append(row("Kafka broker (in this JVM)", broker, this));
            out.append(row("PostgreSQL server processes", postgres, this));
            out.append(row("benchmark's own threads (producer, probes, clocks)", harness, this));
            out.append(row("other processes on the machine", otherProcesses, this));
            return out.toString();
        }

        private static String row(String name, long nanos, Split s) {
            return String.format("        %-58s %7.1f µs/record  (%5.1f s CPU)%n", name, s.perRecord(nanos), nanos / 1e9);
        }
    }

    private Snapshot snapshot() {
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            var info = threads.getThreadInfo(id);
            long nanos = threads.getThreadCpuTime(id);
            if (info != null && nanos > 0) {
                cpu.put(id, nanos);
                names.put(id, info.getThreadName());
            }
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new Snapshot(System.nanoTime(), cpu, names, gcNanos(), os.getProcessCpuTime(), postgres(), machineNanos());
    }

    /** GC workers are native threads, invisible to ThreadMXBean: read their CPU from /proc/self/task. */
    private static long gcNanos() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.mapToLong(task -> {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    return GC.matcher(comm).matches() ? ticks(Files.readString(task.resolve("stat"))) * TICK_NANOS : 0;
                } catch (IOException e) {
                    return 0; // the thread ended meanwhile
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /** utime + stime of a /proc stat line (fields 14 and 15; the name in parentheses may hold spaces). */
    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long machineNanos() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).split("\\s+");
            // user nice system idle iowait irq softirq steal: busy is all but idle and iowait
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + Long.parseLong(f[8]);
            return busy * TICK_NANOS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static Map<Long, Long> postgres() {
        Map<Long, Long> byPid = new TreeMap<>();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .forEach(p -> byPid.put(p.pid(), p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)));
        return byPid;
    }

    static long postgresNanos() {
        return postgres().values().stream().mapToLong(Long::longValue).sum();
    }
}
