package dev.inference.ledger.kernel.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;

import org.junit.jupiter.api.Test;

class CheckpointTest {

    private static final String NAME = "ledger.example/audit";

    private static String signed(Checkpoint checkpoint, KeyPair keys) throws Exception {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(keys.getPrivate());
        signer.update(checkpoint.signedBytes());
        return checkpoint.signed(NAME, Checkpoint.raw(keys.getPublic()), signer.sign());
    }

    @Test
    void a_signed_checkpoint_is_a_c2sp_note_that_verifies_with_the_public_key_alone() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Checkpoint checkpoint = new Checkpoint(NAME, 8, MerkleTree.unhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"));
        String note = signed(checkpoint, keys);
        assertThat(note).startsWith(NAME + "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n\u2014 " + NAME + " ");
        String[] name = new String[1];
        byte[] key = Checkpoint.parseVerifierKey(Checkpoint.verifierKey(NAME, Checkpoint.raw(keys.getPublic())), name);
        assertThat(name[0]).isEqualTo(NAME);
        assertThat(Checkpoint.verify(note, NAME, key)).isEqualTo(checkpoint);
    }

    @Test
    void an_altered_or_forged_checkpoint_is_refused() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair forger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Checkpoint checkpoint = new Checkpoint(NAME, 8, new byte[32]);
        byte[] key = Checkpoint.raw(keys.getPublic());
        String note = signed(checkpoint, keys);
        assertThatThrownBy(() -> Checkpoint.verify(note.replace("\n8\n", "\n9\n"), NAME, key)).hasMessageContaining("altered or forged");
        assertThatThrownBy(() -> Checkpoint.verify(signed(checkpoint, forger), NAME, key)).hasMessageContaining("no signature");
        assertThatThrownBy(() -> Checkpoint.verify(note, "another/log", key)).hasMessageContaining("no signature");
    }
}
