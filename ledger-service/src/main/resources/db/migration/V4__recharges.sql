-- Every recharge, due at its next attempt until it is settled; the recharge worker's queue. A settled
-- row stays, so that a replayed RechargeRequested cannot put a finished recharge back in the queue.
CREATE TABLE recharges_due (
    recharge_id VARCHAR(100)    PRIMARY KEY,
    account_id  VARCHAR(64)     NOT NULL,
    amount      NUMERIC(38, 12) NOT NULL,
    currency    CHAR(3)         NOT NULL,
    attempt     INT             NOT NULL,
    due_at      TIMESTAMPTZ     NOT NULL,
    settled_at  TIMESTAMPTZ
);
CREATE INDEX recharges_due_at ON recharges_due (due_at) WHERE settled_at IS NULL;
CREATE INDEX recharges_due_account ON recharges_due (account_id) WHERE settled_at IS NULL;

-- The simulated payment provider's own book: what a real provider remembers per idempotency key,
-- so that a request asked again (after our crash) gets the first answer and never pays twice.
CREATE TABLE simulated_payments (
    idempotency_key VARCHAR(140)    PRIMARY KEY,
    account_id      VARCHAR(64)     NOT NULL,
    amount          NUMERIC(38, 12) NOT NULL,
    currency        CHAR(3)         NOT NULL,
    succeeded       BOOLEAN         NOT NULL,
    reference       VARCHAR(100),
    reason          VARCHAR(200),
    created_at      TIMESTAMPTZ     NOT NULL
);
CREATE INDEX simulated_payments_account ON simulated_payments (account_id);

-- Each account's auto-recharge settings, for staff to read back.
CREATE TABLE auto_recharge_settings (
    account_id VARCHAR(64)     PRIMARY KEY,
    enabled    BOOLEAN         NOT NULL,
    threshold  NUMERIC(38, 12) NOT NULL,
    amount     NUMERIC(38, 12) NOT NULL,
    currency   CHAR(3)         NOT NULL,
    updated_at TIMESTAMPTZ     NOT NULL
);
