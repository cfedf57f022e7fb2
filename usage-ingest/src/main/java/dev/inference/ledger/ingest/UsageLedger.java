package dev.inference.ledger.ingest;

import java.util.Collection;
import java.util.Map;

/**
 * The port through which the ingest hands rated usage to the ledger. The ledger implements it;
 * the ingest knows nothing of how.
 */
public interface UsageLedger {

    /**
     * Charges every record of the batch whose {@code eventId} was never charged before and stores the
     * batch's next offsets, all in one transaction. Records the ledger refuses (an unknown account,
     * say) are kept in that transaction and handed to {@code deadLetters} only after it committed, never
     * inside it; a crash in between hands them over on the next call (at least once).
     *
     * @throws LedgerUnavailableException when the ledger cannot be reached; the batch may be retried as is
     */
    ChargeOutcome charge(RatedBatch batch, DeadLetters deadLetters);

    /** The offsets stored with the last charged batch, for the partitions that have any. */
    Map<TopicPartitionId, Long> storedOffsets(String consumerGroup, Collection<TopicPartitionId> partitions);

    record ChargeOutcome(int charged, int duplicates, int deadLettered) {
    }
}
