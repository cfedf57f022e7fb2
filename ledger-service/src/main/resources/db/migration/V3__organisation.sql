-- The organisation behind each account: its projects, members (with their role) and API keys.
CREATE TABLE organisation_scopes (
    account_id VARCHAR(64)  NOT NULL,
    kind       VARCHAR(16)  NOT NULL,  -- project | member | apiKey
    scope_id   VARCHAR(64)  NOT NULL,
    name       VARCHAR(200),
    role       VARCHAR(16),
    project_id VARCHAR(64),
    member_id  VARCHAR(64),
    added_at   TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (account_id, kind, scope_id)
);
