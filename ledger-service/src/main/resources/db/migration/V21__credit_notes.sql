-- Credit notes for part of an invoice, and the refunds of those settled by one: the refund worker reads its queue here.
ALTER TABLE invoices ADD COLUMN credited NUMERIC(38, 12) NOT NULL DEFAULT 0;

CREATE TABLE invoice_credit_notes (
    credit_note_number VARCHAR(32)     COLLATE "C" PRIMARY KEY,
    credit_note_id     VARCHAR(300)    COLLATE "C" NOT NULL,
    invoice_id         VARCHAR(128)    COLLATE "C" NOT NULL,
    account_id         VARCHAR(64)     COLLATE "C" NOT NULL,
    amount             NUMERIC(38, 12) NOT NULL,
    currency           CHAR(3)         NOT NULL,
    settlement         VARCHAR(16)     NOT NULL,
    reason             VARCHAR(500)    NOT NULL,
    usage_event_id     VARCHAR(256)    COLLATE "C",
    credited_at        TIMESTAMPTZ     NOT NULL,
    -- A refund's state: pending until the provider answers, then refunded or failed.
    refund_status      VARCHAR(16),
    refund_reference   VARCHAR(128),
    refund_reason      VARCHAR(500),
    next_refund_at     TIMESTAMPTZ,
    UNIQUE (invoice_id, credit_note_id)
);
CREATE INDEX invoice_credit_notes_invoice ON invoice_credit_notes (invoice_id);
CREATE INDEX invoice_credit_notes_refunds ON invoice_credit_notes (next_refund_at) WHERE next_refund_at IS NOT NULL;

-- Invoice lines now also name volume tiers and an account's terms ("input (tier 2) (commitment:<id>)"), credit notes
-- credited from an earlier invoice and the rest of a reversed record's cost ("reversal:<eventId>").
ALTER TABLE invoice_lines ALTER COLUMN component TYPE VARCHAR(200), ALTER COLUMN item TYPE VARCHAR(300);

-- An entry's reference may name what a reversal gave back or carried ("reversal:<eventId>", up to 265 characters).
ALTER TABLE ledger_entries ALTER COLUMN reference TYPE VARCHAR(300);
