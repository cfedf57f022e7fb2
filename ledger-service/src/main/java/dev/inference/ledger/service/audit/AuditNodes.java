package dev.inference.ledger.service.audit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.inference.ledger.kernel.audit.MerkleTree;

/**
 * The hashes of the Merkle tree's whole aligned subtrees, kept in {@code audit_nodes}: appending leaf i
 * adds it and every subtree it completes (two rows a leaf on average), so a root or a proof reads a few
 * dozen rows, whatever the size of the log.
 */
final class AuditNodes implements MerkleTree.Nodes {

    private final JdbcTemplate jdbc;
    /** Nodes read or written within one batch of appends. */
    private final Map<Long, byte[]> known = new HashMap<>();

    AuditNodes(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public byte[] hash(int level, long index) {
        return known.computeIfAbsent(key(level, index), k -> {
            List<byte[]> rows = jdbc.query("SELECT hash FROM audit_nodes WHERE level = ? AND idx = ?", (rs, n) -> rs.getBytes(1),
                    level, index);
            if (rows.isEmpty()) {
                throw new IllegalStateException("the audit tree has no node " + level + "/" + index);
            }
            return rows.get(0);
        });
    }

    /** Adds leaf {@code index} and the subtrees it completes; returns the rows to insert (level, index, hash). */
    void append(long index, byte[] leaf, List<Object[]> rows) {
        int level = 0;
        long i = index;
        byte[] hash = leaf;
        known.put(key(0, i), hash);
        rows.add(new Object[] {level, i, hash});
        while ((i & 1) == 1) {
            hash = MerkleTree.nodeHash(hash(level, i - 1), hash);
            level++;
            i >>= 1;
            known.put(key(level, i), hash);
            rows.add(new Object[] {level, i, hash});
        }
    }

    private static long key(int level, long index) {
        return ((long) level << 56) | index;
    }
}
