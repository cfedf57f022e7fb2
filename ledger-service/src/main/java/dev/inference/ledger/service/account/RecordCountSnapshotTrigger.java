package dev.inference.ledger.service.account;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.AbstractSnapshotTrigger;
import org.axonframework.eventsourcing.SnapshotTrigger;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;

import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;

/**
 * Snapshots an account every {@code threshold} records rather than events: a usage batch weighs its
 * records, any other event one. Counted in events, an account charged in batches of a thousand would
 * replay a thousand times more on an uncached load than the threshold suggests.
 */
public final class RecordCountSnapshotTrigger extends AbstractSnapshotTrigger {

    private static final long serialVersionUID = 1L;

    private final int threshold;
    private int weight;

    private RecordCountSnapshotTrigger(Snapshotter snapshotter, Class<?> aggregateType, int threshold) {
        super(snapshotter, aggregateType);
        this.threshold = threshold;
    }

    public static SnapshotTriggerDefinition every(Snapshotter snapshotter, int threshold) {
        return new SnapshotTriggerDefinition() {
            @Override
            public SnapshotTrigger prepareTrigger(Class<?> aggregateType) {
                return new RecordCountSnapshotTrigger(snapshotter, aggregateType, threshold);
            }

            @Override
            public SnapshotTrigger reconfigure(Class<?> aggregateType, SnapshotTrigger trigger) {
                if (trigger instanceof AbstractSnapshotTrigger abstractTrigger) {
                    abstractTrigger.setSnapshotter(snapshotter);
                    return trigger;
                }
                return new RecordCountSnapshotTrigger(snapshotter, aggregateType, threshold);
            }
        };
    }

    @Override
    public void eventHandled(EventMessage<?> message) {
        weight += message.getPayload() instanceof UsageBatchCharged batch ? batch.records().size() : 1;
        super.eventHandled(message);
    }

    @Override
    protected boolean exceedsThreshold() {
        return weight >= threshold;
    }

    @Override
    protected void reset() {
        weight = 0;
    }
}
