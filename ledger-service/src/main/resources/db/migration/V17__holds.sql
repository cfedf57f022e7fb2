-- Holds: money reserved for a request before it runs (HoldDesk). A row is the hold's current state, written
-- in the transaction that appends its event; the events are the history.
CREATE TABLE holds (
    hold_id     VARCHAR(64)     PRIMARY KEY,
    account_id  VARCHAR(64)     NOT NULL,
    api_key_id  VARCHAR(64),
    project_id  VARCHAR(64),
    member_id   VARCHAR(64),
    currency    CHAR(3)         NOT NULL,
    amount      NUMERIC(38, 12) NOT NULL,
    -- what the usage records naming the hold cost so far
    charged     NUMERIC(38, 12) NOT NULL DEFAULT 0,
    placed_at   TIMESTAMPTZ     NOT NULL,
    expires_at  TIMESTAMPTZ     NOT NULL,
    state       VARCHAR(16)     NOT NULL,
    ended_at    TIMESTAMPTZ
);
CREATE INDEX holds_open ON holds (account_id) WHERE state = 'open';

-- Per account with holds: how far into the account's events the desk has settled holds, and what the
-- reconciler needs to find the accounts with work (open holds; the first of them to expire; when the desk
-- last looked: an account it looks at often settles by itself).
CREATE TABLE hold_books (
    account_id    VARCHAR(64) PRIMARY KEY,
    seen_sequence BIGINT      NOT NULL,
    open_holds    INTEGER     NOT NULL,
    next_expiry   TIMESTAMPTZ,
    looked_at     TIMESTAMPTZ NOT NULL,
    -- raised by every change to the account's holds: a desk that kept its open holds at this version reads none
    version       BIGINT      NOT NULL
);
CREATE INDEX hold_books_open ON hold_books (account_id) WHERE open_holds > 0;

-- The authorize view's share of holds (GuardProjection): what the account's holds reserve, whether they
-- leave nothing available, and the budget scopes they fill ("project:p-1,apiKey:k-1") in held_period's month.
ALTER TABLE authorize_guards
    ADD COLUMN held             NUMERIC(38, 12) NOT NULL DEFAULT 0,
    ADD COLUMN held_out         BOOLEAN         NOT NULL DEFAULT false,
    ADD COLUMN held_period      VARCHAR(7),
    ADD COLUMN held_full_scopes TEXT            NOT NULL DEFAULT '';
