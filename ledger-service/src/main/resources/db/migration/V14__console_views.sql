-- What the console shows of an account's controls: its budgets as last set (their spend this month is read
-- from the usage roll-up), and the top-ups held for an admin's review until approved or rejected.
CREATE TABLE account_budgets (
    account_id  VARCHAR(64)     NOT NULL,
    scope       VARCHAR(16)     NOT NULL,
    scope_id    VARCHAR(64)     NOT NULL,
    period      VARCHAR(16)     NOT NULL,
    hard_cap    NUMERIC(38, 12) NOT NULL,
    soft_alerts TEXT            NOT NULL,
    set_at      TIMESTAMPTZ     NOT NULL,
    PRIMARY KEY (account_id, scope, scope_id)
);

CREATE TABLE held_top_ups (
    account_id VARCHAR(64)     NOT NULL,
    top_up_id  VARCHAR(128)    NOT NULL,
    amount     NUMERIC(38, 12) NOT NULL,
    held_at    TIMESTAMPTZ     NOT NULL,
    PRIMARY KEY (account_id, top_up_id)
);

-- Each run of 'audit verify' against this database, as it concluded (its full report stays with whoever ran it).
CREATE TABLE audit_verifications (
    id               BIGSERIAL        PRIMARY KEY,
    ran_at           TIMESTAMPTZ      NOT NULL,
    verified         BOOLEAN          NOT NULL,
    log_entries      BIGINT           NOT NULL,
    events           BIGINT           NOT NULL,
    usage_records    BIGINT           NOT NULL,
    accounts         INTEGER          NOT NULL,
    invoices         INTEGER          NOT NULL,
    seconds          DOUBLE PRECISION NOT NULL,
    differences      INTEGER          NOT NULL,
    first_difference TEXT
);
