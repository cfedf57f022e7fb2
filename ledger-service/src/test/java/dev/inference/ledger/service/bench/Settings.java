package dev.inference.ledger.service.bench;

import java.time.Duration;
import java.util.List;

/** The ingest benchmark's knobs, each a -D property (the pom passes them through). */
record Settings(int records, int accounts, double zipfExponent, int hotAccounts, double duplicates, int runs,
                int maxPollRecords, int rate, int steadySeconds, int probeAccounts, Duration roleTimeout, int pollMs,
                List<String> workloads, boolean latency, boolean replay) {

    static Settings fromSystemProperties() {
        return new Settings(
                Integer.getInteger("records", 500_000),
                Integer.getInteger("accounts", 10_000),
                Double.parseDouble(System.getProperty("zipfExponent", "1.0")),
                Integer.getInteger("hotAccounts", 100),
                Double.parseDouble(System.getProperty("duplicates", "0.05")),
                Integer.getInteger("runs", 3),
                // The product's ledger.ingest.max-poll-records (application.yml): the ceiling polls as much.
                Integer.getInteger("maxPollRecords", 5000),
                Integer.getInteger("rate", 10_000),
                Integer.getInteger("steadySeconds", 20),
                Integer.getInteger("probeAccounts", 50),
                Duration.ofSeconds(Integer.getInteger("roleTimeoutSeconds", 600)),
                Integer.getInteger("pollMs", 50),
                List.of(System.getProperty("workloads", "zipf,hot").split(",")),
                Boolean.parseBoolean(System.getProperty("latency", "true")),
                Boolean.parseBoolean(System.getProperty("replay", "true")));
    }

    UsageWorkload workload(String name) {
        return switch (name.trim()) {
            case "zipf" -> UsageWorkload.zipf(accounts, zipfExponent, duplicates);
            case "hot" -> UsageWorkload.uniform(hotAccounts, duplicates);
            default -> throw new IllegalArgumentException("-Dworkloads: zipf and/or hot, not " + name);
        };
    }
}
