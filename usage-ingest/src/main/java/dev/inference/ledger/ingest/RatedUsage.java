package dev.inference.ledger.ingest;

import dev.inference.ledger.kernel.pricing.Charge;
import dev.inference.ledger.kernel.usage.UsageRecord;

/** A valid usage record with the charge the catalog in force at its occurrence gives it. */
public record RatedUsage(UsageRecord record, Charge charge, SourcePosition position) {
}
