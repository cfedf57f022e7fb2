package dev.inference.ledger.kernel.hold;

import java.time.Instant;
import java.util.List;

import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;

/**
 * The life of a hold: money reserved for a request before it runs, ended by the usage that settles it,
 * a release, or its expiry. A hold never changes a balance, only what is available; each hold is its own
 * stream in the event store ({@link #STREAM_PREFIX}), placed at sequence 0 and ended at 1, so a
 * hold ends once whichever instance ends it.
 * <p>
 * Each event carries the account's {@link Standing} after it, decided under the account's hold lock, for
 * the authorize view to follow without knowing the account's other holds.
 */
public sealed interface HoldEvent {

    /** Hands this event to the method of {@code fold} for its type. */
    <R> R fold(Fold<R> fold);

    /**
     * A fold over these events: one method per event type, so that an event added here is a compile error in every
     * fold until it says what the event does to it.
     */
    interface Fold<R> {
        R on(HoldPlaced event);

        R on(HoldSettled event);

        R on(HoldReleased event);

        R on(HoldExpired event);
    }

    /**
     * The store's streams of holds: {@code hold/<accountId>/<holdId>}, never an account's own ('/' is not in an
     * id's alphabet), and naming the account so that a processor keeps an account's events in order without
     * reading them ({@link #accountOfStream}).
     */
    String STREAM_PREFIX = "hold/";

    String holdId();

    String accountId();

    Standing standing();

    static String stream(String accountId, String holdId) {
        return STREAM_PREFIX + accountId + "/" + holdId;
    }

    /** The account a stream of the store belongs to: the stream itself, or the account of a hold's stream. */
    static String accountOfStream(String stream) {
        return stream.startsWith(STREAM_PREFIX) ? stream.substring(STREAM_PREFIX.length(), stream.lastIndexOf('/')) : stream;
    }

    /**
     * What the account may still start after the event: {@code held}, the open holds' remaining amounts;
     * {@code available}, what a new hold may take on the account (null when nothing limits a postpaid
     * account); {@code fullScopes}, the budget scopes ({@code apiKey:key-1}) whose hard cap the holds and
     * the month's spend have reached.
     */
    record Standing(Money held, Money available, List<String> fullScopes) {
        public Standing {
            fullScopes = List.copyOf(fullScopes);
        }
    }

    /** {@code attribution}: the scopes the hold counts against (its API key, project and member). */
    record HoldPlaced(String holdId, String accountId, Attribution attribution, Money amount, Instant placedAt, Instant expiresAt,
                      Standing standing) implements HoldEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /**
     * Ended by the usage record that said so ({@code usageEventId}); {@code charged}, what every record
     * that named the hold cost; {@code overage}, what they cost beyond the hold (zero when within).
     */
    record HoldSettled(String holdId, String accountId, Money amount, Money charged, Money overage, String usageEventId,
                       Instant settledAt, Standing standing) implements HoldEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** The gateway gave the hold back: the request failed, or ended without usage. */
    record HoldReleased(String holdId, String accountId, Money amount, Money charged, Instant releasedAt, Standing standing)
            implements HoldEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** Neither settled nor released before {@code expiresAt}: ended at that moment by itself. */
    record HoldExpired(String holdId, String accountId, Money amount, Money charged, Instant expiredAt, Standing standing)
            implements HoldEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }
}
