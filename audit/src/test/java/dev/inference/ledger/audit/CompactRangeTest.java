package dev.inference.ledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.audit.MerkleTree;

class CompactRangeTest {

    @Test
    void the_verifiers_running_root_is_the_tree_head_at_every_size() {
        List<byte[]> leaves = new ArrayList<>();
        AuditVerifier.CompactRange range = new AuditVerifier.CompactRange();
        for (int i = 0; i < 100; i++) {
            byte[] leaf = MerkleTree.leafHash(new byte[] {(byte) i});
            leaves.add(leaf);
            range.append(leaf);
            assertThat(range.root()).as("size " + (i + 1)).isEqualTo(MerkleTree.ofLeafHashes(leaves).root(i + 1));
        }
    }
}
