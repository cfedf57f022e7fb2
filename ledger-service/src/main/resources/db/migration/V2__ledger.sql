-- Every usage eventId ever charged, per account. Permanent: a duplicate a year late is still one.
CREATE TABLE charged_usage (
    account_id VARCHAR(64)  NOT NULL,
    event_id   VARCHAR(256) NOT NULL,
    charged_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, event_id)
);

-- Where each consumer group resumes; written in the transaction that charges the batch.
CREATE TABLE ingest_offsets (
    consumer_group VARCHAR(255) NOT NULL,
    topic          VARCHAR(255) NOT NULL,
    partition      INTEGER      NOT NULL,
    next_offset    BIGINT       NOT NULL,
    updated_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, topic, partition)
);

-- Accounts that exist, written in the transaction that opens them (a subscribing projection), so
-- that the ingest can tell an unknown account without waiting for the asynchronous projections.
CREATE TABLE accounts (
    account_id VARCHAR(64) PRIMARY KEY,
    currency   CHAR(3)     NOT NULL,
    opened_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE account_balances (
    account_id     VARCHAR(64)    PRIMARY KEY,
    name           VARCHAR(200)   NOT NULL,
    billing_mode   VARCHAR(16)    NOT NULL,
    currency       CHAR(3)        NOT NULL,
    balance        NUMERIC(38, 12) NOT NULL,
    unbilled       NUMERIC(38, 12) NOT NULL,
    lifetime_spend NUMERIC(38, 12) NOT NULL,
    tier           INTEGER        NOT NULL,
    status         VARCHAR(32)    NOT NULL,
    as_of          TIMESTAMPTZ    NOT NULL,
    last_sequence  BIGINT         NOT NULL
);

-- One row per account event that moves money, in the account's own order (its event sequence).
-- The balance is the sum of balance_change, the unbilled usage the sum of unbilled_change. What was
-- charged and at which prices is not copied here: it is read from the event the entry came from.
CREATE TABLE ledger_entries (
    account_id      VARCHAR(64)     NOT NULL,
    sequence        BIGINT          NOT NULL,
    entry_type      VARCHAR(32)     NOT NULL,
    reference       VARCHAR(256)    NOT NULL,
    balance_change  NUMERIC(38, 12) NOT NULL,
    unbilled_change NUMERIC(38, 12) NOT NULL,
    balance_after   NUMERIC(38, 12) NOT NULL,
    occurred_at    TIMESTAMPTZ     NOT NULL,
    recorded_at    TIMESTAMPTZ     NOT NULL,
    PRIMARY KEY (account_id, sequence)
);

-- Bearer tokens, by the SHA-256 of the token: the token itself is shown once and never stored.
CREATE TABLE api_tokens (
    token_hash CHAR(64)    PRIMARY KEY,
    role       VARCHAR(16) NOT NULL,
    account_id VARCHAR(64),
    bootstrap  BOOLEAN     NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- HTTP writes by Idempotency-Key: the first answer is kept and replayed for the same request.
CREATE TABLE idempotent_requests (
    scope           VARCHAR(128) NOT NULL,
    idempotency_key VARCHAR(256) NOT NULL,
    request_hash    CHAR(64)     NOT NULL,
    status          INTEGER      NOT NULL,
    response_body   TEXT         NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, idempotency_key)
);
