-- Dead letters the ledger decides inside a batch's transaction, written with its charges and published
-- to Kafka only after that transaction committed; a row is deleted once the broker acknowledged it, so
-- a crash in between publishes it again (at least once on the DLQ, never lost).
CREATE TABLE dead_letter_outbox (
    id            BIGSERIAL    PRIMARY KEY,
    topic         VARCHAR(255) NOT NULL,
    partition     INTEGER      NOT NULL,
    record_offset BIGINT       NOT NULL,
    record_key    BYTEA,
    record_value  BYTEA        NOT NULL,
    reason        VARCHAR(100) NOT NULL,
    detail        TEXT         NOT NULL
);

-- A recharge attempt asked again with the same idempotency key after the provider gave no definite
-- answer: how many times it went unanswered so far.
ALTER TABLE recharges_due ADD COLUMN unanswered INT NOT NULL DEFAULT 0;

-- The simulated provider's answers lost as if the processor were down (the payment itself may be booked).
ALTER TABLE simulated_payments ADD COLUMN answers_lost INT NOT NULL DEFAULT 0;
