package dev.inference.ledger.kernel.pricing;

import dev.inference.ledger.kernel.usage.Rejection;

/** The outcome of rating a usage record: its charge, or why it has no price. */
public sealed interface Rated {

    record Priced(Charge charge) implements Rated {
    }

    record Unpriced(Rejection rejection) implements Rated {
    }
}
