package dev.inference.ledger.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.inference.ledger.kernel.audit.Checkpoint;
import dev.inference.ledger.localinfra.OwnerOnlyFiles;

/**
 * The Ed25519 key that signs the audit log's checkpoints: {@code LEDGER_AUDIT_SIGNING_KEY}, base64 of a
 * 32-byte seed ({@code openssl rand -base64 32}), from which the key pair is derived. Only in the
 * embedded mode may it be missing: a seed is then generated once into {@value #KEY_FILE} in the data
 * directory, owner-only, and never replaced, since the checkpoints auditors hold were signed with it.
 */
public final class AuditSigningKey {

    public static final String KEY_FILE = "audit-signing-key";
    private static final Logger log = LoggerFactory.getLogger(AuditSigningKey.class);

    private final String name;
    private final KeyPair keys;

    private AuditSigningKey(String name, KeyPair keys) {
        this.name = name;
        this.keys = keys;
    }

    public static AuditSigningKey resolve(String name, String configured, boolean embedded, Path dataDir) {
        return new AuditSigningKey(name, fromSeed(seed(configured, embedded, dataDir)));
    }

    /** The key's name: the log's origin. */
    public String name() {
        return name;
    }

    public byte[] rawPublicKey() {
        return Checkpoint.raw(keys.getPublic());
    }

    /** The C2SP verifier key auditors configure: {@code <name>+<key id>+<base64 key>}. */
    public String verifierKey() {
        return Checkpoint.verifierKey(name, rawPublicKey());
    }

    public String sign(Checkpoint checkpoint) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(keys.getPrivate());
            signer.update(checkpoint.signedBytes());
            return checkpoint.signed(name, rawPublicKey(), signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with Ed25519", e);
        }
    }

    private static byte[] seed(String configured, boolean embedded, Path dataDir) {
        if (configured != null && !configured.isBlank()) {
            return decode(configured.strip(), "LEDGER_AUDIT_SIGNING_KEY");
        }
        if (!embedded) {
            throw new IllegalStateException("LEDGER_AUDIT_SIGNING_KEY is not set: a ledger on external PostgreSQL or Kafka needs the "
                    + "seed of the key that signs its audit checkpoints, base64 of 32 bytes (e.g. `openssl rand -base64 32`)");
        }
        Path file = dataDir.toAbsolutePath().resolve(KEY_FILE);
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file, StandardCharsets.US_ASCII).strip(), file.toString());
            }
            byte[] seed = new byte[32];
            new SecureRandom().nextBytes(seed);
            OwnerOnlyFiles.writeOnce(file, Base64.getEncoder().encodeToString(seed));
            log.warn("LEDGER_AUDIT_SIGNING_KEY is not set: generated the audit signing key, kept in {} (readable by this user only)", file);
            return seed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the audit signing key " + file, e);
        }
    }

    private static byte[] decode(String base64, String source) {
        byte[] seed;
        try {
            seed = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(source + " is not base64: it must be base64 of a 32-byte seed (`openssl rand -base64 32`)");
        }
        if (seed.length != 32) {
            throw new IllegalStateException(source + " holds " + seed.length + " bytes: the audit signing key is base64 of 32 bytes");
        }
        return seed;
    }

    /** Ed25519's private key is its seed: the JDK derives the pair from the 32 bytes its random source gives. */
    private static KeyPair fromSeed(byte[] seed) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
                }
            });
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has Ed25519", e);
        }
    }
}
