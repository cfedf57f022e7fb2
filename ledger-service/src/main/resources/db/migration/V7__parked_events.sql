-- Events a projection could not apply, with the later events of the same account (aggregate), held back
-- in their order until an admin retries them (service/parking). Only where each event is stored is kept:
-- a retry reads the event itself from the event store again.
CREATE TABLE parked_events (
    processor       VARCHAR(64)  NOT NULL,
    aggregate_id    VARCHAR(255) NOT NULL,
    sequence_number BIGINT       NOT NULL,
    event_id        VARCHAR(255) NOT NULL,
    event_type      VARCHAR(255) NOT NULL,
    -- Why the event failed; null for a later event parked behind it.
    cause           TEXT,
    parked_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (processor, aggregate_id, sequence_number)
);
