package dev.inference.ledger.kernel.audit;

import static dev.inference.ledger.kernel.audit.MerkleTree.hex;
import static dev.inference.ledger.kernel.audit.MerkleTree.unhex;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** RFC 6962's published test vectors, then every leaf and every prefix of larger trees, and tampering. */
class MerkleTreeTest {

    private static final List<String> ENTRIES = List.of("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
            "606162636465666768696a6b6c6d6e6f");
    private static final List<String> ROOTS = List.of(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    private static MerkleTree reference() {
        return MerkleTree.ofLeafHashes(ENTRIES.stream().map(e -> MerkleTree.leafHash(unhex(e))).toList());
    }

    @Test
    void the_tree_heads_are_rfc_6962s() {
        for (int size = 0; size <= ENTRIES.size(); size++) {
            assertThat(hex(reference().root(size))).as("size " + size).isEqualTo(ROOTS.get(size));
        }
    }

    @Test
    void the_proofs_are_rfc_6962s() {
        assertThat(reference().inclusionProof(0, 8)).extracting(MerkleTree::hex).containsExactly(
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
        assertThat(reference().inclusionProof(5, 8)).extracting(MerkleTree::hex).containsExactly(
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
        assertThat(reference().consistencyProof(2, 8)).extracting(MerkleTree::hex).containsExactly(
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
    }

    @Test
    void every_leaf_and_every_prefix_of_larger_trees_proves_and_nothing_altered_does() {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            leaves.add(MerkleTree.leafHash(new byte[] {(byte) i, (byte) (i * 7)}));
        }
        MerkleTree tree = MerkleTree.ofLeafHashes(leaves);
        byte[] wrong = MerkleTree.leafHash(new byte[] {42});
        for (int size = 1; size <= leaves.size(); size++) {
            byte[] root = tree.root(size);
            for (int i = 0; i < size; i++) {
                List<byte[]> proof = tree.inclusionProof(i, size);
                assertThat(MerkleTree.verifyInclusion(leaves.get(i), i, size, proof, root)).as(i + " in " + size).isTrue();
                assertThat(MerkleTree.verifyInclusion(wrong, i, size, proof, root)).isFalse();
                if (size > 1) {
                    assertThat(MerkleTree.verifyInclusion(leaves.get(i), (i + 1) % size, size, proof, root)).isFalse();
                }
            }
            for (int first = 1; first <= size; first++) {
                List<byte[]> proof = tree.consistencyProof(first, size);
                assertThat(MerkleTree.verifyConsistency(first, size, tree.root(first), root, proof)).as(first + " to " + size).isTrue();
                if (first < size) {
                    assertThat(MerkleTree.verifyConsistency(first, size, wrong, root, proof)).isFalse();
                    assertThat(MerkleTree.verifyConsistency(first, size, tree.root(first), wrong, proof)).isFalse();
                }
            }
        }
    }
}
