package dev.inference.ledger.audit;

import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

import dev.inference.ledger.audit.AuditVerifier.CompactRange;
import dev.inference.ledger.audit.AuditVerifier.Difference;

/**
 * The checks every row of the log must pass, in order, whether read from the database or from an
 * exported copy: its place, its event's bytes against the payload hash, the chain, its own hash, and the
 * tree it ends against every root signed for that size.
 */
final class LogCheck {

    private final TreeMap<Long, byte[]> signedRoots;
    private final List<Difference> differences;
    private final CompactRange tree = new CompactRange();
    private byte[] previous = Hashes.GENESIS;
    private long entries;

    LogCheck(TreeMap<Long, byte[]> signedRoots, List<Difference> differences) {
        this.signedRoots = signedRoots;
        this.differences = differences;
    }

    /** One row; {@code payload} null when its event's bytes are gone. */
    void row(AuditEntry entry, byte[] payload, byte[] recordedPrevious, byte[] recordedRowHash) {
        Long at = entry.logIndex();
        if (entry.logIndex() != entries) {
            differences.add(new Difference("entry-out-of-place", at, entry.eventId(), "expected log index " + entries));
        }
        if (payload == null) {
            differences.add(new Difference("event-missing", at, entry.eventId(), "the event's stored bytes are gone"));
        } else if (!Arrays.equals(Hashes.sha256(payload), entry.payloadHash())) {
            differences.add(new Difference("payload-altered", at, entry.eventId(), entry.aggregateId() + "/" + entry.sequence()
                    + ": its stored bytes no longer hash to what the log recorded"));
        }
        if (!Arrays.equals(recordedPrevious, previous)) {
            differences.add(new Difference("chain-broken", at, entry.eventId(), "its previous hash is not the row before's"));
        }
        previous = entry.rowHash(previous);
        if (!Arrays.equals(previous, recordedRowHash)) {
            differences.add(new Difference("row-altered", at, entry.eventId(), "the row does not hash to its recorded hash"));
        }
        tree.append(entry.leafHash());
        entries++;
        byte[] signed = signedRoots.get(entries);
        if (signed != null && !Arrays.equals(signed, tree.root())) {
            differences.add(new Difference("checkpoint-contradicted", at, entry.eventId(),
                    "the log's first " + entries + " entries do not have the root signed for that size"));
        }
    }

    /** After the last row: a checkpoint signing more entries than there are means the log was cut. */
    void end() {
        if (!signedRoots.isEmpty() && signedRoots.lastKey() > entries) {
            differences.add(new Difference("log-truncated", entries, null, "a checkpoint signs " + signedRoots.lastKey()
                    + " entries; the log holds " + entries));
        }
    }

    long entries() {
        return entries;
    }
}
