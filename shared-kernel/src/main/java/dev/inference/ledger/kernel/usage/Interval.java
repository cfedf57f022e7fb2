package dev.inference.ledger.kernel.usage;

import java.time.Instant;

/**
 * The time a compute record covers on one replica of one endpoint: from {@code start} (the record's
 * {@code occurredAt}) for its seconds. Two intervals of the same endpoint and replica may not overlap.
 */
public record Interval(String endpoint, String replica, Instant start, Instant end) {

    public static final String DEFAULT_REPLICA = "0";

    /** Which endpoint and replica the interval belongs to. */
    public String key() {
        return endpoint + "/" + replica;
    }

    public boolean overlaps(Interval other) {
        return key().equals(other.key()) && start.isBefore(other.end) && other.start.isBefore(end);
    }
}
