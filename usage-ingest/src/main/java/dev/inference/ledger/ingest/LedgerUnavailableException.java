package dev.inference.ledger.ingest;

/** The ledger could not be reached (database down, connection lost): retry later, skip nothing. */
public class LedgerUnavailableException extends RuntimeException {

    public LedgerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
