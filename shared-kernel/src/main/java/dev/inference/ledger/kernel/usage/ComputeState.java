package dev.inference.ledger.kernel.usage;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What an instance was doing during a compute interval. A cluster is billed until it shuts down, so
 * idle time before an inactivity shutdown is billed like running time (seed 001).
 */
public enum ComputeState {
    INITIALIZING("initializing", true),
    RUNNING("running", true),
    IDLE("idle", true),
    STOPPED("stopped", false),
    PAUSED("paused", false),
    SCALED_TO_ZERO("scaled-to-zero", false);

    private final String wire;
    private final boolean billable;

    ComputeState(String wire, boolean billable) {
        this.wire = wire;
        this.billable = billable;
    }

    public String wire() {
        return wire;
    }

    public boolean billable() {
        return billable;
    }

    public static Optional<ComputeState> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(value)).findFirst();
    }

    static String wireNames() {
        return Arrays.stream(values()).map(ComputeState::wire).collect(Collectors.joining(", "));
    }
}
