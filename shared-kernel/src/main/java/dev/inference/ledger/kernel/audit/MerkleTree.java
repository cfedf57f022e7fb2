package dev.inference.ledger.kernel.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The Merkle tree of RFC 6962 (certificate transparency) over a log of entries: a leaf is
 * SHA-256(0x00 ‖ entry), a node SHA-256(0x01 ‖ left ‖ right), and a tree of n leaves splits at the
 * largest power of two below n. The hashes of whole aligned subtrees come from {@link Nodes}, so a root
 * or a proof over millions of leaves reads O(log² n) stored hashes; the verifications need nothing but
 * the proof, so an auditor checks a log offline.
 */
public final class MerkleTree {

    private static final byte LEAF = 0x00;
    private static final byte NODE = 0x01;
    private static final byte[] EMPTY = sha256(new byte[0]);

    /**
     * Where the hashes of whole subtrees are kept: the subtree of {@code 2^level} leaves starting at leaf
     * {@code index × 2^level} (level 0: the leaf hashes themselves).
     */
    @FunctionalInterface
    public interface Nodes {
        byte[] hash(int level, long index);
    }

    private final Nodes nodes;

    public MerkleTree(Nodes nodes) {
        this.nodes = nodes;
    }

    public static byte[] leafHash(byte[] entry) {
        return hash(LEAF, entry, null);
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        return hash(NODE, left, right);
    }

    /** The tree head of the first {@code size} leaves. */
    public byte[] root(long size) {
        return size == 0 ? EMPTY.clone() : mth(0, size);
    }

    /** RFC 6962 PATH(m, D[0:n]): the audit path of leaf {@code index} in the tree of {@code size} leaves. */
    public List<byte[]> inclusionProof(long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + size);
        }
        List<byte[]> proof = new ArrayList<>();
        path(index, 0, size, proof);
        return proof;
    }

    /** RFC 6962 PROOF(m, D[0:n]): that the tree of {@code size2} leaves extends the one of {@code size1}. */
    public List<byte[]> consistencyProof(long size1, long size2) {
        if (size1 < 0 || size1 > size2) {
            throw new IllegalArgumentException("a tree of " + size1 + " is not a prefix of one of " + size2);
        }
        List<byte[]> proof = new ArrayList<>();
        if (size1 > 0 && size1 < size2) {
            subproof(size1, 0, size2, true, proof);
        }
        return proof;
    }

    private void path(long m, long start, long end, List<byte[]> proof) {
        long n = end - start;
        if (n == 1) {
            return;
        }
        long k = split(n);
        if (m < k) {
            path(m, start, start + k, proof);
            proof.add(mth(start + k, end));
        } else {
            path(m - k, start + k, end, proof);
            proof.add(mth(start, start + k));
        }
    }

    private void subproof(long m, long start, long end, boolean complete, List<byte[]> proof) {
        long n = end - start;
        if (m == n) {
            if (!complete) {
                proof.add(mth(start, end));
            }
            return;
        }
        long k = split(n);
        if (m <= k) {
            subproof(m, start, start + k, complete, proof);
            proof.add(mth(start + k, end));
        } else {
            subproof(m - k, start + k, end, false, proof);
            proof.add(mth(start, start + k));
        }
    }

    /** MTH(D[start:end]), from stored whole subtrees wherever the range is one. */
    private byte[] mth(long start, long end) {
        long n = end - start;
        if (Long.bitCount(n) == 1 && start % n == 0) {
            return nodes.hash(Long.numberOfTrailingZeros(n), start / n);
        }
        long k = split(n);
        return nodeHash(mth(start, start + k), mth(start + k, end));
    }

    /** The largest power of two smaller than {@code n} (n ≥ 2). */
    static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    /** RFC 9162 2.1.3.2: whether {@code proof} shows {@code leafHash} at {@code index} in the tree of {@code size} with {@code root}. */
    public static boolean verifyInclusion(byte[] leafHash, long index, long size, List<byte[]> proof, byte[] root) {
        if (index < 0 || index >= size) {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, root);
    }

    /** RFC 9162 2.1.4.2: whether {@code proof} shows the tree ({@code size2}, {@code root2}) extends ({@code size1}, {@code root1}). */
    public static boolean verifyConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
        if (size1 < 0 || size1 > size2) {
            return false;
        }
        if (size1 == size2) {
            return proof.isEmpty() && MessageDigest.isEqual(root1, root2);
        }
        if (size1 == 0) {
            return proof.isEmpty();
        }
        if (proof.isEmpty()) {
            return false;
        }
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(size1) == 1) {
            path.add(0, root1);
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, root1) && MessageDigest.isEqual(sr, root2);
    }

    /** A tree whose leaves are all in memory: for a verifier holding a copy of the log, and for tests. */
    public static MerkleTree ofLeafHashes(List<byte[]> leafHashes) {
        return new MerkleTree(new InMemoryNodes(leafHashes));
    }

    private static final class InMemoryNodes implements Nodes {
        private final List<List<byte[]>> levels = new ArrayList<>();

        InMemoryNodes(List<byte[]> leaves) {
            List<byte[]> level = new ArrayList<>(leaves);
            while (!level.isEmpty()) {
                levels.add(level);
                List<byte[]> up = new ArrayList<>(level.size() / 2);
                for (int i = 0; i + 1 < level.size(); i += 2) {
                    up.add(nodeHash(level.get(i), level.get(i + 1)));
                }
                level = up;
            }
        }

        @Override
        public byte[] hash(int level, long index) {
            return levels.get(level).get((int) index);
        }
    }

    private static byte[] hash(byte prefix, byte[] a, byte[] b) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prefix);
            sha.update(a);
            if (b != null) {
                sha.update(b);
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] unhex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
