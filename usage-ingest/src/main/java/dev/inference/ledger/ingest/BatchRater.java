package dev.inference.ledger.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.inference.ledger.kernel.input.Identifier;
import dev.inference.ledger.kernel.pricing.CatalogHistory;
import dev.inference.ledger.kernel.pricing.Rated;
import dev.inference.ledger.kernel.pricing.Rating;
import dev.inference.ledger.kernel.usage.Decoded;
import dev.inference.ledger.kernel.usage.Rejection;
import dev.inference.ledger.kernel.usage.UsageDecoder;
import dev.inference.ledger.kernel.usage.UsageRecord;
import dev.inference.ledger.kernel.usage.UsageWindow;

/** Turns polled records into a rated batch and the dead letters of those that cannot be charged. */
final class BatchRater {

    private final UsageDecoder decoder;
    private final CatalogHistory catalogs;

    BatchRater(CatalogHistory catalogs, UsageWindow window) {
        this.catalogs = catalogs;
        this.decoder = new UsageDecoder(window);
    }

    record Result(RatedBatch batch, List<DeadLetter> deadLetters) {
    }

    Result rate(String consumerGroup, List<SourcePosition> polled) {
        List<RatedUsage> usage = new ArrayList<>(polled.size());
        List<DeadLetter> deadLetters = new ArrayList<>();
        Map<TopicPartitionId, Long> nextOffsets = new HashMap<>();
        for (SourcePosition position : polled) {
            nextOffsets.merge(position.topicPartition(), position.offset() + 1, Math::max);
            Decoded decoded = decoder.decode(position.value());
            if (decoded instanceof Decoded.Invalid invalid) {
                deadLetters.add(new DeadLetter(position, invalid.rejection()));
                continue;
            }
            UsageRecord record = ((Decoded.Valid) decoded).record();
            Rejection wrongKey = keyMismatch(position.key(), record);
            if (wrongKey != null) {
                deadLetters.add(new DeadLetter(position, wrongKey));
                continue;
            }
            Rated rated = catalogs.inForceAt(record.occurredAt())
                    .map(catalog -> Rating.rate(record, catalog))
                    .orElseGet(() -> new Rated.Unpriced(new Rejection(Rejection.UNKNOWN_PRICE,
                            "no price catalog was in force at " + record.occurredAt())));
            if (rated instanceof Rated.Priced priced) {
                usage.add(new RatedUsage(record, priced.charge(), position));
            } else {
                deadLetters.add(new DeadLetter(position, ((Rated.Unpriced) rated).rejection()));
            }
        }
        return new Result(new RatedBatch(consumerGroup, usage, nextOffsets), deadLetters);
    }

    /**
     * The contract keys every record by its account, so that one partition, and so one consumer, holds all
     * of an account's usage: a record under another key could be charged concurrently with its account's
     * other records, by another instance.
     */
    private static Rejection keyMismatch(byte[] key, UsageRecord record) {
        if (key == null) {
            return new Rejection(Rejection.KEY_MISMATCH, "the record has no key; usage is keyed by its accountId '"
                    + record.accountId() + "'");
        }
        String text = new String(key, StandardCharsets.UTF_8);
        if (!text.equals(record.accountId())) {
            return new Rejection(Rejection.KEY_MISMATCH, "the record's key '" + Identifier.echo(text) + "' is not its accountId '"
                    + record.accountId() + "'");
        }
        return null;
    }
}
