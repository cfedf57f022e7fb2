-- Outbound webhooks (service/webhook). V10 is another feature's; this one depends on none of it.

-- An account's subscriptions. The signing secret is kept encrypted (AES-256-GCM, nonce first, the
-- subscription id as associated data): signing needs it back, so it cannot be a hash. During a rotation
-- the previous secret signs too, until previous_secret_until.
CREATE TABLE webhook_subscriptions (
    subscription_id       VARCHAR(40)   PRIMARY KEY,
    account_id            VARCHAR(64)   NOT NULL,
    url                   VARCHAR(2048) NOT NULL,
    event_types           TEXT[]        NOT NULL,
    secret                BYTEA         NOT NULL,
    previous_secret       BYTEA,
    previous_secret_until TIMESTAMPTZ,
    created_at            TIMESTAMPTZ   NOT NULL,
    -- Set when the receiver answered 410 Gone: nothing more is sent to it.
    disabled_at           TIMESTAMPTZ
);
CREATE INDEX webhook_subscriptions_account ON webhook_subscriptions (account_id);

-- One row per event and subscription, made by the webhooks processor in the transaction that moves its
-- token; webhook_id is the Axon event's identifier, the same for every attempt. next_attempt_at is moved
-- forward when a worker claims the row, so no other instance sends it while the attempt is in flight.
CREATE TABLE webhook_deliveries (
    subscription_id VARCHAR(40)  NOT NULL REFERENCES webhook_subscriptions ON DELETE CASCADE,
    webhook_id      VARCHAR(255) NOT NULL,
    event_type      VARCHAR(32)  NOT NULL,
    payload         TEXT         NOT NULL,
    state           VARCHAR(16)  NOT NULL,
    attempts        INT          NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ,
    created_at      TIMESTAMPTZ  NOT NULL,
    finished_at     TIMESTAMPTZ,
    PRIMARY KEY (subscription_id, webhook_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';

-- Every attempt, for the delivery log: the receiver's status code, or why there was none.
CREATE TABLE webhook_attempts (
    subscription_id VARCHAR(40)  NOT NULL REFERENCES webhook_subscriptions ON DELETE CASCADE,
    webhook_id      VARCHAR(255) NOT NULL,
    attempt         INT          NOT NULL,
    event_type      VARCHAR(32)  NOT NULL,
    status_code     INT,
    error           VARCHAR(300),
    latency_ms      BIGINT       NOT NULL,
    attempted_at    TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (subscription_id, webhook_id, attempt)
);
CREATE INDEX webhook_attempts_log ON webhook_attempts (subscription_id, attempted_at DESC);
