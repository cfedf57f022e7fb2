-- Invoicing. Numbers and the carried rounding are written in the transaction that issues the invoice;
-- the other tables are projections of the Invoice's and the Account's events.

-- Gapless yearly series (INV, CN): a number taken by a transaction that rolls back is given again.
CREATE TABLE invoice_series (
    series      VARCHAR(8) NOT NULL,
    year        INTEGER    NOT NULL,
    last_number BIGINT     NOT NULL,
    PRIMARY KEY (series, year)
);

-- The rounding each account's last invoice left over, for its next one.
CREATE TABLE invoice_carry (
    account_id VARCHAR(64)     PRIMARY KEY,
    carried    NUMERIC(38, 12) NOT NULL
);

CREATE TABLE invoices (
    invoice_id      VARCHAR(128)    PRIMARY KEY,
    number          VARCHAR(32)     NOT NULL UNIQUE,
    account_id      VARCHAR(64)     NOT NULL,
    kind            VARCHAR(16)     NOT NULL,
    currency        CHAR(3)         NOT NULL,
    period_start    TIMESTAMPTZ     NOT NULL,
    period_end      TIMESTAMPTZ     NOT NULL,
    exact_charges   NUMERIC(38, 12) NOT NULL,
    carried_in      NUMERIC(38, 12) NOT NULL,
    total           NUMERIC(38, 12) NOT NULL,
    carried_out     NUMERIC(38, 12) NOT NULL,
    issued_at       TIMESTAMPTZ     NOT NULL,
    status          VARCHAR(16)     NOT NULL,
    payment_round   INTEGER         NOT NULL DEFAULT 1,
    payment_attempt INTEGER         NOT NULL DEFAULT 1,
    next_payment_at TIMESTAMPTZ,
    payment_reference VARCHAR(128),
    failure_reason  VARCHAR(500),
    paid_at         TIMESTAMPTZ,
    credit_note     VARCHAR(32)     UNIQUE,
    void_reason     VARCHAR(500),
    last_sequence   BIGINT          NOT NULL
);
CREATE INDEX invoices_by_account ON invoices (account_id, issued_at);
CREATE INDEX invoices_payment_due ON invoices (next_payment_at) WHERE next_payment_at IS NOT NULL;

CREATE TABLE invoice_lines (
    invoice_id        VARCHAR(128)    NOT NULL,
    line_no           INTEGER         NOT NULL,
    kind              VARCHAR(16)     NOT NULL,
    item              VARCHAR(128)    NOT NULL,
    provider          VARCHAR(64),
    component         VARCHAR(64)     NOT NULL,
    price_unit        VARCHAR(64),
    unit_price        NUMERIC(38, 12),
    quantity          NUMERIC(38, 12),
    exact_amount      NUMERIC(38, 12) NOT NULL,
    amount            NUMERIC(38, 12) NOT NULL,
    records           BIGINT          NOT NULL,
    first_occurred_at TIMESTAMPTZ,
    last_occurred_at  TIMESTAMPTZ,
    PRIMARY KEY (invoice_id, line_no)
);

-- The card on file of each account, as the account recorded it.
CREATE TABLE payment_methods (
    account_id        VARCHAR(64)  PRIMARY KEY,
    payment_method_id VARCHAR(64)  NOT NULL,
    description       VARCHAR(200) NOT NULL,
    attached_at       TIMESTAMPTZ  NOT NULL
);

-- Monthly runs: a period is invoiced once; the row is claimed for a while by the instance running it.
CREATE TABLE billing_runs (
    period        CHAR(7)      PRIMARY KEY,
    claimed_by    VARCHAR(128) NOT NULL,
    claimed_until TIMESTAMPTZ  NOT NULL,
    accounts      INTEGER      NOT NULL DEFAULT 0,
    invoices      INTEGER      NOT NULL DEFAULT 0,
    completed_at  TIMESTAMPTZ
);

-- The registry (written with each account's opening) knows its billing mode: the monthly run reads it
-- there, not from a projection that may lag behind an account opened just before the month's end.
ALTER TABLE accounts ADD COLUMN billing_mode VARCHAR(16);
UPDATE accounts a SET billing_mode = b.billing_mode FROM account_balances b WHERE b.account_id = a.account_id;

-- A postpaid account may spend only with a card on file.
ALTER TABLE authorize_guards ADD COLUMN no_payment_method BOOLEAN NOT NULL DEFAULT false;
UPDATE authorize_guards g SET no_payment_method = true
  FROM account_balances b WHERE b.account_id = g.account_id AND b.billing_mode = 'postpaid';
