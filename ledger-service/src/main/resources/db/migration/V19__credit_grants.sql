-- Every credit grant of a prepaid account (top-ups and recharges are purchased grants named after them), and what each
-- usage batch drew from which grant. What a grant has left lives in the account itself (the aggregate): read there.
CREATE TABLE credit_grants (
    account_id   VARCHAR(64)     COLLATE "C" NOT NULL,
    grant_id     VARCHAR(300)    COLLATE "C" NOT NULL,
    kind         VARCHAR(16)     NOT NULL,
    amount       NUMERIC(38, 12) NOT NULL,
    currency     CHAR(3)         NOT NULL,
    priority     INTEGER         NOT NULL,
    effective_at TIMESTAMPTZ     NOT NULL,
    expires_at   TIMESTAMPTZ,
    reason       VARCHAR(500),
    granted_at   TIMESTAMPTZ     NOT NULL,
    -- When the account must look at the grant next: its effective time while it waits, its expiry once it counts.
    due_at       TIMESTAMPTZ,
    ended        VARCHAR(16),
    ended_amount NUMERIC(38, 12),
    ended_at     TIMESTAMPTZ,
    PRIMARY KEY (account_id, grant_id)
);
CREATE INDEX credit_grants_due ON credit_grants (due_at) WHERE due_at IS NOT NULL;

CREATE TABLE credit_draws (
    account_id VARCHAR(64)     COLLATE "C" NOT NULL,
    sequence   BIGINT          NOT NULL,
    grant_id   VARCHAR(300)    COLLATE "C" NOT NULL,
    amount     NUMERIC(38, 12) NOT NULL,
    charged_at TIMESTAMPTZ     NOT NULL,
    PRIMARY KEY (account_id, sequence, grant_id)
);
