package dev.inference.ledger.service.account.entries;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Where an entry is: the sequence of the account event it comes from and, in a usage batch, the index
 * of its record. Clients see it as an opaque string; a bare number (the cursor of earlier versions,
 * an event sequence) still reads as "after every entry of that event".
 */
public record EntryCursor(long sequence, int index) {

    /** Before the first entry of any account. */
    public static final EntryCursor START = new EntryCursor(-1, Integer.MAX_VALUE);

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    public String encode() {
        return ENCODER.encodeToString((sequence + "." + index).getBytes(StandardCharsets.US_ASCII));
    }

    /** The cursor a client sent back, or empty when it is not one. */
    public static Optional<EntryCursor> decode(String text) {
        try {
            if (text.chars().allMatch(Character::isDigit) && text.length() <= 18) {
                return Optional.of(new EntryCursor(Long.parseLong(text), Integer.MAX_VALUE));
            }
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII).split("\\.", -1);
            if (parts.length != 2) {
                return Optional.empty();
            }
            EntryCursor cursor = new EntryCursor(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
            return cursor.sequence >= 0 && cursor.index >= 0 ? Optional.of(cursor) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
