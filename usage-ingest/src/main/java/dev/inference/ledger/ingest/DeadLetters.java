package dev.inference.ledger.ingest;

import java.util.List;

/** Publishes dead letters and returns only once the broker has acknowledged every one. */
public interface DeadLetters {

    void publish(List<DeadLetter> letters);
}
