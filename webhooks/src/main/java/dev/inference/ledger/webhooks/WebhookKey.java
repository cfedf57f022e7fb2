package dev.inference.ledger.webhooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.inference.ledger.localinfra.OwnerOnlyFiles;

/**
 * Where the key that encrypts webhook secrets comes from: {@code LEDGER_WEBHOOKS_SECRET_KEY} (base64 of
 * 32 bytes). Only in the embedded mode may it be missing: a key is then generated once and kept in
 * {@value #KEY_FILE} in the data directory, readable by this user only, and read back at every later
 * start — unlike the admin token it is never replaced, since the stored secrets need it.
 */
final class WebhookKey {

    static final String KEY_FILE = "webhook-key";
    private static final Logger log = LoggerFactory.getLogger(WebhookKey.class);

    private WebhookKey() {
    }

    static byte[] resolve(String configured, boolean embedded, Path dataDir, SecureRandom random) {
        if (configured != null && !configured.isBlank()) {
            return decode(configured.strip(), "LEDGER_WEBHOOKS_SECRET_KEY");
        }
        if (!embedded) {
            throw new IllegalStateException("LEDGER_WEBHOOKS_SECRET_KEY is not set: a ledger on external PostgreSQL or Kafka needs "
                    + "the key that encrypts webhook secrets, base64 of 32 bytes (e.g. `openssl rand -base64 32`)");
        }
        Path file = dataDir.toAbsolutePath().resolve(KEY_FILE);
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file, StandardCharsets.US_ASCII).strip(), file.toString());
            }
            byte[] key = new byte[SecretCipher.KEY_BYTES];
            random.nextBytes(key);
            OwnerOnlyFiles.writeOnce(file, Base64.getEncoder().encodeToString(key));
            log.warn("LEDGER_WEBHOOKS_SECRET_KEY is not set: generated the key that encrypts webhook secrets, kept in {} "
                    + "(readable by this user only; losing it makes every subscription's secret unreadable)", file);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the webhook key " + file, e);
        }
    }

    private static byte[] decode(String base64, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(source + " is not base64: it must be base64 of 32 bytes (e.g. `openssl rand -base64 32`)");
        }
        if (key.length != SecretCipher.KEY_BYTES) {
            throw new IllegalStateException(source + " holds " + key.length + " bytes: the webhook secret key is base64 of "
                    + SecretCipher.KEY_BYTES + " bytes (e.g. `openssl rand -base64 32`)");
        }
        return key;
    }
}
