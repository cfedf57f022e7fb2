package dev.inference.ledger.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import javax.sql.DataSource;

import dev.inference.ledger.kernel.audit.Checkpoint;
import dev.inference.ledger.kernel.audit.MerkleTree;

/**
 * Checks the audit log against the event store and its own signatures, reading both once, in order: every
 * row's payload hash against the event's bytes as stored, the hash chain, the row's place, every signed
 * checkpoint's signature and its root against the tree rebuilt from the rows, and every stored event
 * present in the log. Trusts nothing in the database but the public key it is given.
 */
public final class AuditVerifier {

    /** How long an event committed late may wait below the log's head: the event processors' gap timeout. */
    static final Duration LATE_COMMIT = Duration.ofMinutes(10);

    /** One thing that does not hold, naming the log entry or event where it was found. */
    public record Difference(String what, Long logIndex, String eventId, String detail) {
    }

    public record Report(long entries, long events, int checkpoints, List<Difference> differences, boolean truncated) {
        public boolean clean() {
            return differences.isEmpty();
        }
    }

    private static final int FETCH = 5_000;

    private final DataSource dataSource;
    private final String keyName;
    private final byte[] publicKey;
    private final int maxDifferences;

    public AuditVerifier(DataSource dataSource, String keyName, byte[] publicKey, int maxDifferences) {
        this.dataSource = dataSource;
        this.keyName = keyName;
        this.publicKey = publicKey.clone();
        this.maxDifferences = maxDifferences;
    }

    public Report verify() {
        List<Difference> differences = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            TreeMap<Long, byte[]> checkpoints = checkpoints(c, differences);
            LogCheck check = new LogCheck(checkpoints, differences);
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT a.log_index, a.global_index, a.event_id, a.aggregate_id, a.sequence, a.event_type, a.recorded_at, a.payload_hash,
                           a.previous_hash, a.row_hash, d.payload, d.globalindex, d.aggregateidentifier, d.sequencenumber
                      FROM audit_log a LEFT JOIN domainevententry d ON d.eventidentifier = a.event_id
                     ORDER BY a.log_index""")) {
                s.setFetchSize(FETCH);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        AuditEntry entry = new AuditEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                                rs.getString(6), rs.getString(7), rs.getBytes(8));
                        byte[] payload = rs.getBytes(11);
                        if (payload != null && (rs.getLong(12) != entry.globalIndex() || !rs.getString(13).equals(entry.aggregateId())
                                || rs.getLong(14) != entry.sequence())) {
                            differences.add(new Difference("event-moved", entry.logIndex(), entry.eventId(),
                                    "the event's place in the store changed"));
                        }
                        check.row(entry, payload, rs.getBytes(9), rs.getBytes(10));
                        if (differences.size() > maxDifferences) {
                            return new Report(check.entries(), count(c), checkpoints.size(), differences.subList(0, maxDifferences), true);
                        }
                    }
                }
            }
            check.end();
            long entries = check.entries();
            long events = count(c);
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT d.eventidentifier, d.globalindex FROM domainevententry d
                     WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.event_id = d.eventidentifier)
                       AND d.globalindex <= (SELECT COALESCE(max(global_index), -1) FROM audit_log)
                       AND d.timestamp < ? ORDER BY d.globalindex LIMIT ?""")) {
                // A transaction that committed after later ones leaves its events below the log's head until the
                // log reads them (it waits for such gaps up to ledger.events.gap-timeout-ms): only older ones differ.
                s.setString(1, Instant.now().minus(LATE_COMMIT).toString());
                s.setInt(2, maxDifferences);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        differences.add(new Difference("event-not-logged", null, rs.getString(1), "stored at global index " + rs.getLong(2)
                                + ", below the log's head, and in no row of the log"));
                    }
                }
            }
            c.rollback();
            boolean truncated = differences.size() > maxDifferences;
            return new Report(entries, events, checkpoints.size(), truncated ? differences.subList(0, maxDifferences) : differences,
                    truncated);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit log: " + e.getMessage(), e);
        }
    }

    private TreeMap<Long, byte[]> checkpoints(Connection c, List<Difference> differences) throws SQLException {
        TreeMap<Long, byte[]> roots = new TreeMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT tree_size, signed_note FROM audit_checkpoints ORDER BY tree_size");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                try {
                    Checkpoint checkpoint = Checkpoint.verify(rs.getString(2), keyName, publicKey);
                    if (checkpoint.size() != rs.getLong(1)) {
                        differences.add(new Difference("checkpoint-misfiled", rs.getLong(1), null, "it signs a size of " + checkpoint.size()));
                    }
                    roots.put(checkpoint.size(), checkpoint.root());
                } catch (IllegalArgumentException e) {
                    differences.add(new Difference("checkpoint-forged", rs.getLong(1), null, e.getMessage()));
                }
            }
        }
        return roots;
    }

    private static long count(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM domainevententry"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The right edge of a Merkle tree being built leaf by leaf: its root at any size in O(log n). */
    static final class CompactRange {
        private final List<byte[]> perfect = new ArrayList<>(); // index = level; null where the size has no such bit
        private long size;

        void append(byte[] leaf) {
            byte[] hash = leaf;
            int level = 0;
            long s = size;
            while ((s & 1) == 1) {
                hash = MerkleTree.nodeHash(perfect.get(level), hash);
                perfect.set(level, null);
                level++;
                s >>= 1;
            }
            while (perfect.size() <= level) {
                perfect.add(null);
            }
            perfect.set(level, hash);
            size++;
        }

        byte[] root() {
            byte[] root = null;
            for (byte[] node : perfect) {
                if (node != null) {
                    root = root == null ? node : MerkleTree.nodeHash(node, root);
                }
            }
            return root;
        }
    }
}
