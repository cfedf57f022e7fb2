-- The auditor's log: one row per ledger event in the order the log read them, each holding the SHA-256
-- of the event's payload bytes as stored, chained to the row before; the leaves of an RFC 6962 Merkle
-- tree over the log (audit_nodes: the hashes of whole aligned subtrees); and the signed tree heads.
CREATE TABLE audit_log (
    log_index     BIGINT       PRIMARY KEY,
    global_index  BIGINT       NOT NULL UNIQUE,
    event_id      VARCHAR(255) NOT NULL UNIQUE,
    aggregate_id  VARCHAR(255) NOT NULL,
    sequence      BIGINT       NOT NULL,
    event_type    VARCHAR(255) NOT NULL,
    recorded_at   VARCHAR(255) NOT NULL,
    payload_hash  BYTEA        NOT NULL,
    previous_hash BYTEA        NOT NULL,
    row_hash      BYTEA        NOT NULL
);
CREATE INDEX audit_log_by_aggregate ON audit_log (aggregate_id, sequence);

CREATE TABLE audit_nodes (
    level SMALLINT NOT NULL,
    idx   BIGINT   NOT NULL,
    hash  BYTEA    NOT NULL,
    PRIMARY KEY (level, idx)
);

CREATE TABLE audit_checkpoints (
    tree_size   BIGINT      PRIMARY KEY,
    root        BYTEA       NOT NULL,
    signed_note TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- Append-only, refused by the database itself (a superuser may still disable the trigger: say so).
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_nodes_append_only BEFORE UPDATE OR DELETE ON audit_nodes
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_nodes_no_truncate BEFORE TRUNCATE ON audit_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
