-- Each account's commitments, for the clock that ends them at their term's end. What each has consumed lives in the
-- account itself (the aggregate): read there.
CREATE TABLE commitments (
    account_id    VARCHAR(64)     COLLATE "C" NOT NULL,
    commitment_id VARCHAR(64)     COLLATE "C" NOT NULL,
    amount        NUMERIC(38, 12) NOT NULL,
    currency      CHAR(3)         NOT NULL,
    starts_at     TIMESTAMPTZ     NOT NULL,
    ends_at       TIMESTAMPTZ     NOT NULL,
    ended_at      TIMESTAMPTZ,
    true_up       NUMERIC(38, 12),
    PRIMARY KEY (account_id, commitment_id)
);
CREATE INDEX commitments_due ON commitments (ends_at) WHERE ended_at IS NULL;
