package dev.inference.ledger.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCipherTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static SecretCipher cipher() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return new SecretCipher(key, RANDOM);
    }

    @Test
    void a_secret_round_trips_and_is_not_stored_in_the_clear_nor_twice_the_same() {
        SecretCipher cipher = cipher();
        byte[] first = cipher.encrypt("whsub_1", SECRET.getBytes(StandardCharsets.US_ASCII));
        byte[] second = cipher.encrypt("whsub_1", SECRET.getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(cipher.decrypt("whsub_1", first), StandardCharsets.US_ASCII)).isEqualTo(SECRET);
        assertThat(first).isNotEqualTo(second).hasSize(12 + SECRET.length() + 16);
        assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("MfKQ9r8G");
    }

    @Test
    void a_tampered_ciphertext_another_row_or_another_key_is_refused() {
        SecretCipher cipher = cipher();
        byte[] stored = cipher.encrypt("whsub_1", SECRET.getBytes(StandardCharsets.US_ASCII));
        for (int position : new int[] {0, 12, stored.length - 1}) {
            byte[] tampered = stored.clone();
            tampered[position] ^= 1;
            assertThatThrownBy(() -> cipher.decrypt("whsub_1", tampered)).hasMessageContaining("does not decrypt");
        }
        assertThatThrownBy(() -> cipher.decrypt("whsub_2", stored)).hasMessageContaining("does not decrypt");
        assertThatThrownBy(() -> cipher().decrypt("whsub_1", stored)).hasMessageContaining("does not decrypt");
        assertThatThrownBy(() -> cipher.decrypt("whsub_1", new byte[20])).hasMessageContaining("too short");
    }

    @Test
    void outside_the_embedded_mode_a_missing_or_malformed_key_stops_the_start_with_a_clear_sentence(@TempDir Path dir) {
        assertThatThrownBy(() -> WebhookKey.resolve("", false, dir, RANDOM))
                .hasMessageContaining("LEDGER_WEBHOOKS_SECRET_KEY is not set").hasMessageContaining("openssl rand -base64 32");
        assertThatThrownBy(() -> WebhookKey.resolve(Base64.getEncoder().encodeToString(new byte[16]), false, dir, RANDOM))
                .hasMessageContaining("holds 16 bytes");
        assertThatThrownBy(() -> WebhookKey.resolve("not base64!", true, dir, RANDOM)).hasMessageContaining("is not base64");
        assertThat(WebhookKey.resolve(Base64.getEncoder().encodeToString(new byte[32]), false, dir, RANDOM)).hasSize(32);
        assertThat(dir.resolve(WebhookKey.KEY_FILE)).doesNotExist();
    }

    @Test
    void in_the_embedded_mode_a_key_is_generated_once_owner_only_and_read_back_at_the_next_start(@TempDir Path dir) throws Exception {
        byte[] generated = WebhookKey.resolve(null, true, dir, RANDOM);
        Path file = dir.resolve(WebhookKey.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(WebhookKey.resolve("", true, dir, RANDOM)).isEqualTo(generated);
        // A secret stored before a restart still decrypts after it.
        byte[] stored = new SecretCipher(generated, RANDOM).encrypt("whsub_1", SECRET.getBytes(StandardCharsets.US_ASCII));
        assertThat(new SecretCipher(WebhookKey.resolve("", true, dir, RANDOM), RANDOM).decrypt("whsub_1", stored))
                .asString(StandardCharsets.US_ASCII).isEqualTo(SECRET);
    }
}
