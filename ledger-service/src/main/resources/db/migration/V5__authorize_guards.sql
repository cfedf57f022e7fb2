-- What the gateway's authorize check needs of each account, kept by the account-views processor so that
-- an instance starting up loads it (with that processor's position) instead of replaying every event.
CREATE TABLE authorize_guards (
    account_id VARCHAR(64) PRIMARY KEY,
    suspended  BOOLEAN     NOT NULL DEFAULT false,
    exhausted  BOOLEAN     NOT NULL DEFAULT false
);

-- Budget scopes blocked, with the month of the block ("apiKey:key-1" → "2026-11").
CREATE TABLE authorize_blocks (
    account_id VARCHAR(64)  NOT NULL,
    scope      VARCHAR(140) NOT NULL,
    period     VARCHAR(7)   NOT NULL,
    PRIMARY KEY (account_id, scope)
);
