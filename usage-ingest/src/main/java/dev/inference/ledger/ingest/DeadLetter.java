package dev.inference.ledger.ingest;

import dev.inference.ledger.kernel.usage.Rejection;

/** A record that cannot be charged, with its original bytes and the reason. */
public record DeadLetter(SourcePosition position, Rejection rejection) {
}
