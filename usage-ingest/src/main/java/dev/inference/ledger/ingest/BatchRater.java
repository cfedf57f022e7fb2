package dev.inference.ledger.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.inference.ledger.kernel.pricing.CatalogHistory;
import dev.inference.ledger.kernel.pricing.Rated;
import dev.inference.ledger.kernel.pricing.Rating;
import dev.inference.ledger.kernel.usage.Decoded;
import dev.inference.ledger.kernel.usage.Rejection;
import dev.inference.ledger.kernel.usage.UsageDecoder;

/** Turns polled records into a rated batch and the dead letters of those that cannot be charged. */
final class BatchRater {

    private final UsageDecoder decoder = new UsageDecoder();
    private final CatalogHistory catalogs;

    BatchRater(CatalogHistory catalogs) {
        this.catalogs = catalogs;
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
            var record = ((Decoded.Valid) decoded).record();
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
}
