package dev.inference.ledger.kernel.usage;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A fingerprint of what a usage record says, kept with its dedupe key: a repeated {@code eventId}
 * with the same fingerprint is a duplicate, with another one a conflict. It is taken over the decoded
 * fields, not the bytes, so that a publisher that re-serializes a record (another field order,
 * "1.50" for "1.5") is not taken for a conflict. 16 bytes of SHA-256: collisions are out of reach.
 */
public final class RecordHash {

    public static final int BYTES = 16;
    private static final char SEPARATOR = '\u0000';
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(RecordHash::sha256);

    private RecordHash() {
    }

    public static byte[] of(UsageRecord r) {
        StringBuilder text = new StringBuilder(256);
        append(text, r.eventId());
        append(text, r.kind().wire());
        append(text, r.accountId());
        append(text, r.occurredAt());
        append(text, r.source());
        var a = r.attribution();
        append(text, a == null ? null : a.apiKeyId());
        append(text, a == null ? null : a.projectId());
        append(text, a == null ? null : a.memberId());
        append(text, r.model());
        append(text, r.provider());
        var t = r.tokens();
        append(text, t == null ? null : t.input());
        append(text, t == null ? null : t.cachedInput());
        append(text, t == null ? null : t.output());
        append(text, r.meter());
        append(text, decimal(r.seconds()));
        append(text, r.replicas());
        append(text, r.state());
        append(text, r.unit());
        append(text, decimal(r.quantity()));
        var i = r.interval();
        append(text, i == null ? null : i.key());
        if (a != null && a.traceId() != null) {
            append(text, a.traceId()); // only when present: a record without a trace hashes as it always did
        }
        if (a != null && a.holdId() != null) {
            text.append("hold");
            append(text, a.holdId());
            append(text, a.endsHold());
        }
        return Arrays.copyOf(SHA_256.get().digest(text.toString().getBytes(StandardCharsets.UTF_8)), BYTES);
    }

    private static void append(StringBuilder text, Object value) {
        // null and "" differ: a marker, then the value
        if (value == null) {
            text.append('-');
        } else {
            text.append('+').append(value);
        }
        text.append(SEPARATOR);
    }

    private static String decimal(BigDecimal value) {
        return value == null ? null : value.stripTrailingZeros().toPlainString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
