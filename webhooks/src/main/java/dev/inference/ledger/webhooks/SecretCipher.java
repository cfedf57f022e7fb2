package dev.inference.ledger.webhooks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps webhook secrets encrypted at rest with AES-256-GCM: a fresh 12-byte nonce per encryption, stored
 * in front of the ciphertext and its 16-byte tag. The subscription id is the associated data, so a
 * ciphertext copied onto another subscription's row does not decrypt there.
 */
public final class SecretCipher {

    static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random;

    SecretCipher(byte[] key, SecureRandom random) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("the webhook secret key has " + KEY_BYTES + " bytes, not " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
        this.random = random;
    }

    byte[] encrypt(String subscriptionId, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, subscriptionId);
            return ByteBuffer.allocate(NONCE_BYTES + cipher.getOutputSize(plaintext.length))
                    .put(nonce).put(cipher.doFinal(plaintext)).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /** The plaintext; refuses a ciphertext that was altered, belongs to another row or another key. */
    byte[] decrypt(String subscriptionId, byte[] stored) {
        if (stored.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalStateException("the stored secret of " + subscriptionId + " is too short to be a ciphertext");
        }
        try {
            return cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(stored, NONCE_BYTES), subscriptionId)
                    .doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("the stored secret of " + subscriptionId
                    + " does not decrypt: altered, or encrypted under another ledger.webhooks.secret-key");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String subscriptionId) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(subscriptionId.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
