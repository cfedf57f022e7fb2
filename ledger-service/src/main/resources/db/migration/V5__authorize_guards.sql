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

-- Accounts from before this migration, as the views and the event store have them now (the view
-- re-applies the events after its position on top, which sets the same values again).
INSERT INTO authorize_guards (account_id, suspended, exhausted)
SELECT account_id, status = 'suspended', billing_mode = 'prepaid' AND balance <= 0 FROM account_balances;

INSERT INTO authorize_blocks (account_id, scope, period)
SELECT account_id, scope, period FROM (
    SELECT DISTINCT ON (e.aggregateidentifier, p ->> 'scope', p ->> 'scopeId')
           e.aggregateidentifier AS account_id, (p ->> 'scope') || ':' || (p ->> 'scopeId') AS scope,
           p ->> 'period' AS period, e.payloadtype LIKE '%$BudgetBlocked' AS blocked
      FROM domainevententry e
     CROSS JOIN LATERAL (SELECT convert_from(e.payload, 'UTF8')::jsonb AS p) payload
     WHERE e.payloadtype LIKE '%$BudgetBlocked' OR e.payloadtype LIKE '%$BudgetUnblocked'
     ORDER BY e.aggregateidentifier, p ->> 'scope', p ->> 'scopeId', e.sequencenumber DESC) latest
 WHERE blocked;
