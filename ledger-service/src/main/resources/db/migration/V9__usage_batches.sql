-- Usage is charged as one event per account per ingest batch (UsageBatchCharged); see docs/events.md.

-- Dedupe keys compare byte-wise (COLLATE "C"): the cheapest index descent, and no locale can make two
-- different event ids equal. record_hash is the first 16 bytes of the SHA-256 of the record's content,
-- so a repeated eventId with another body is told apart (conflicting-duplicate); null for keys stored
-- before it was kept.
ALTER TABLE charged_usage
    ALTER COLUMN account_id TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN event_id TYPE VARCHAR(256) COLLATE "C",
    ADD COLUMN record_hash BYTEA;

-- How many usage records the balances and entries have taken in: an entry row is one money event, and
-- a usage batch's row stands for all of its records (the API lists them one by one, from the event).
ALTER TABLE account_balances ADD COLUMN usage_records BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ledger_entries
    ADD COLUMN usage_records INTEGER NOT NULL DEFAULT 0,
    ALTER COLUMN reference DROP NOT NULL;
UPDATE ledger_entries SET usage_records = 1 WHERE entry_type = 'usage';
UPDATE account_balances b SET usage_records = e.n
  FROM (SELECT account_id, count(*) AS n FROM ledger_entries WHERE entry_type = 'usage' GROUP BY account_id) e
 WHERE e.account_id = b.account_id;

-- Balances are updated in place at every batch: room on the page keeps those updates HOT.
ALTER TABLE account_balances SET (fillfactor = 70);
