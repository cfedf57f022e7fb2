-- Usage analytics: what each account used and paid, summed by the hour of occurrence and by everything
-- a breakdown can ask for (kind, model or meter, provider, API key, project, member, source); absent
-- attribution is '' so the key stays a primary key. Kept by the account views from the usage events,
-- in the same transaction as the entries, so its sums equal theirs.
CREATE TABLE usage_rollup (
    account_id          VARCHAR(64)     NOT NULL,
    hour                TIMESTAMPTZ     NOT NULL,
    kind                VARCHAR(16)     NOT NULL,
    item                VARCHAR(128)    NOT NULL,
    provider            VARCHAR(64)     NOT NULL,
    api_key_id          VARCHAR(64)     NOT NULL,
    project_id          VARCHAR(64)     NOT NULL,
    member_id           VARCHAR(64)     NOT NULL,
    source              VARCHAR(128)    NOT NULL,
    records             BIGINT          NOT NULL,
    input_tokens        BIGINT          NOT NULL,
    cached_input_tokens BIGINT          NOT NULL,
    output_tokens       BIGINT          NOT NULL,
    seconds             NUMERIC(38, 12) NOT NULL,
    units               NUMERIC(38, 12) NOT NULL,
    cost                NUMERIC(38, 12) NOT NULL,
    PRIMARY KEY (account_id, hour, kind, item, provider, api_key_id, project_id, member_id, source)
);

-- The same by the day (UTC): a month by day reads thirty rows a breakdown instead of seven hundred; a
-- period that does not start or end at midnight takes its edges from the hours.
CREATE TABLE usage_daily (LIKE usage_rollup INCLUDING ALL);
ALTER TABLE usage_daily RENAME COLUMN hour TO day;

-- Every usage record that named a trace (an agent run): its calls, one row each.
CREATE TABLE usage_trace_calls (
    account_id          VARCHAR(64)     NOT NULL,
    trace_id            VARCHAR(128)    NOT NULL,
    event_id            VARCHAR(256)    NOT NULL,
    occurred_at         TIMESTAMPTZ     NOT NULL,
    kind                VARCHAR(16)     NOT NULL,
    item                VARCHAR(128)    NOT NULL,
    provider            VARCHAR(64)     NOT NULL,
    api_key_id          VARCHAR(64)     NOT NULL,
    project_id          VARCHAR(64)     NOT NULL,
    member_id           VARCHAR(64)     NOT NULL,
    source              VARCHAR(128)    NOT NULL,
    input_tokens        BIGINT          NOT NULL,
    cached_input_tokens BIGINT          NOT NULL,
    output_tokens       BIGINT          NOT NULL,
    seconds             NUMERIC(38, 12) NOT NULL,
    units               NUMERIC(38, 12) NOT NULL,
    cost                NUMERIC(38, 12) NOT NULL,
    PRIMARY KEY (account_id, trace_id, event_id)
);
CREATE INDEX usage_trace_calls_by_time ON usage_trace_calls (account_id, occurred_at);
