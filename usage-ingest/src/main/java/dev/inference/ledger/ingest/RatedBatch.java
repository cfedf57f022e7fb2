package dev.inference.ledger.ingest;

import java.util.List;
import java.util.Map;

/**
 * One poll's worth of rated usage, and the offsets to resume from once it is charged. The ledger
 * stores {@code nextOffsets} in the same transaction as the charges.
 */
public record RatedBatch(String consumerGroup, List<RatedUsage> usage, Map<TopicPartitionId, Long> nextOffsets) {

    public RatedBatch {
        usage = List.copyOf(usage);
        nextOffsets = Map.copyOf(nextOffsets);
    }
}
