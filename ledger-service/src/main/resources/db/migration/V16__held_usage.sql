-- Usage records above the review ceiling, held until an admin approves (charges) or rejects them.
CREATE TABLE held_usage (
    account_id     VARCHAR(64)     NOT NULL,
    usage_event_id VARCHAR(256)    NOT NULL,
    occurred_at    TIMESTAMPTZ     NOT NULL,
    kind           VARCHAR(16)     NOT NULL,
    item           VARCHAR(128)    NOT NULL,
    cost           NUMERIC(38, 12) NOT NULL,
    ceiling        NUMERIC(38, 12) NOT NULL,
    held_at        TIMESTAMPTZ     NOT NULL,
    PRIMARY KEY (account_id, usage_event_id)
);
