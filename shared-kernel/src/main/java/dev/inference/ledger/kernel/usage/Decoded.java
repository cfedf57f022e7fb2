package dev.inference.ledger.kernel.usage;

/** The outcome of reading one record's bytes: a usage record, or the reason it is not one. */
public sealed interface Decoded {

    record Valid(UsageRecord record) implements Decoded {
    }

    record Invalid(Rejection rejection) implements Decoded {
    }
}
