package dev.inference.ledger.kernel.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * A signed tree head in the C2SP checkpoint format (a signed note): the log's origin, its size and its
 * root, then a blank line and one signature line {@code — <key name> <base64(key id ‖ Ed25519 signature)>}.
 * The key id is the first four bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key). Anyone holding the
 * public key verifies a checkpoint with this class alone.
 */
public record Checkpoint(String origin, long size, byte[] root) {

    private static final String DASH = "\u2014 ";
    private static final byte ED25519 = 0x01;
    /** The DER prefix of an X.509 Ed25519 public key, before its 32 raw bytes. */
    private static final byte[] X509_PREFIX = Base64.getDecoder().decode("MCowBQYDK2VwAyEA");

    public Checkpoint {
        if (origin == null || origin.isBlank() || origin.contains("\n") || size < 0 || root == null || root.length != 32) {
            throw new IllegalArgumentException("a checkpoint has an origin of one line, a size of zero or more and a 32-byte root");
        }
        root = root.clone();
    }

    /** The note's text: what is signed. */
    public String body() {
        return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
    }

    /** The signed note: the body, a blank line, the signature line. */
    public String signed(String keyName, byte[] rawPublicKey, byte[] signature) {
        byte[] line = new byte[4 + signature.length];
        System.arraycopy(keyId(keyName, rawPublicKey), 0, line, 0, 4);
        System.arraycopy(signature, 0, line, 4, signature.length);
        return body() + "\n" + DASH + keyName + " " + Base64.getEncoder().encodeToString(line) + "\n";
    }

    /** The bytes Ed25519 signs: the body in UTF-8. */
    public byte[] signedBytes() {
        return body().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a signed note and checks its signature by {@code keyName} with the raw 32-byte Ed25519 public key.
     * Throws {@link IllegalArgumentException} naming what is wrong.
     */
    public static Checkpoint verify(String note, String keyName, byte[] rawPublicKey) {
        int split = note.indexOf("\n\n");
        if (split < 0) {
            throw new IllegalArgumentException("not a signed note: no blank line before the signatures");
        }
        String[] body = note.substring(0, split + 1).split("\n");
        if (body.length < 3) {
            throw new IllegalArgumentException("a checkpoint body has an origin, a size and a root");
        }
        Checkpoint checkpoint = new Checkpoint(body[0], Long.parseLong(body[1]), Base64.getDecoder().decode(body[2]));
        byte[] id = keyId(keyName, rawPublicKey);
        for (String line : note.substring(split + 2).split("\n")) {
            if (!line.startsWith(DASH + keyName + " ")) {
                continue;
            }
            byte[] signed = Base64.getDecoder().decode(line.substring(DASH.length() + keyName.length() + 1));
            if (signed.length != 68 || !MessageDigest.isEqual(Arrays.copyOf(signed, 4), id)) {
                continue;
            }
            if (ed25519Verifies(rawPublicKey, note.substring(0, split + 1).getBytes(StandardCharsets.UTF_8),
                    Arrays.copyOfRange(signed, 4, 68))) {
                return checkpoint;
            }
            throw new IllegalArgumentException("the signature of " + keyName + " does not verify: the checkpoint was altered or forged");
        }
        throw new IllegalArgumentException("no signature by " + keyName + " with this key");
    }

    /** The C2SP verifier key: {@code <name>+<hex key id>+<base64(0x01 ‖ public key)>}. */
    public static String verifierKey(String keyName, byte[] rawPublicKey) {
        byte[] typed = new byte[33];
        typed[0] = ED25519;
        System.arraycopy(rawPublicKey, 0, typed, 1, 32);
        return keyName + "+" + MerkleTree.hex(keyId(keyName, rawPublicKey)) + "+" + Base64.getEncoder().encodeToString(typed);
    }

    /** The raw 32-byte key of a verifier key, checking its name and id. */
    public static byte[] parseVerifierKey(String verifierKey, String[] nameOut) {
        String[] parts = verifierKey.strip().split("\\+", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a verifier key is <name>+<key id>+<base64 key>");
        }
        byte[] typed = Base64.getDecoder().decode(parts[2]);
        if (typed.length != 33 || typed[0] != ED25519) {
            throw new IllegalArgumentException("not an Ed25519 verifier key");
        }
        byte[] raw = Arrays.copyOfRange(typed, 1, 33);
        if (!MerkleTree.hex(keyId(parts[0], raw)).equals(parts[1])) {
            throw new IllegalArgumentException("the verifier key's id does not match its name and key");
        }
        nameOut[0] = parts[0];
        return raw;
    }

    static byte[] keyId(String keyName, byte[] rawPublicKey) {
        byte[] name = keyName.getBytes(StandardCharsets.UTF_8);
        byte[] input = new byte[name.length + 2 + rawPublicKey.length];
        System.arraycopy(name, 0, input, 0, name.length);
        input[name.length] = 0x0A;
        input[name.length + 1] = ED25519;
        System.arraycopy(rawPublicKey, 0, input, name.length + 2, rawPublicKey.length);
        return Arrays.copyOf(MerkleTree.sha256(input), 4);
    }

    /** An Ed25519 public key from its raw 32 bytes. */
    public static PublicKey publicKey(byte[] raw) {
        byte[] der = new byte[X509_PREFIX.length + raw.length];
        System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
        System.arraycopy(raw, 0, der, X509_PREFIX.length, raw.length);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }

    /** The raw 32 bytes of an Ed25519 public key. */
    public static byte[] raw(PublicKey key) {
        byte[] der = key.getEncoded();
        return Arrays.copyOfRange(der, der.length - 32, der.length);
    }

    private static boolean ed25519Verifies(byte[] rawPublicKey, byte[] message, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(publicKey(rawPublicKey));
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Checkpoint c && c.origin.equals(origin) && c.size == size && Arrays.equals(c.root, root);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * origin.hashCode() + Long.hashCode(size)) + Arrays.hashCode(root);
    }

    @Override
    public String toString() {
        return body();
    }
}
