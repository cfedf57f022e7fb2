-- Events a projection's position passed over while they were not yet committed: the processor gave up
-- waiting for them (its gap timeout or maximum gap offset, AxonFramework #4829). Recorded in the
-- transaction that moved the position on; applied by the processor itself once committed
-- (service/projection/LateEvents), or forgotten once no transaction that could still commit them is left.
CREATE TABLE projection_gaps (
    processor    VARCHAR(64) NOT NULL,
    segment      INTEGER     NOT NULL,
    global_index BIGINT      NOT NULL,
    noticed_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- pg_snapshot_xmax when noticed: once the oldest open transaction is at or past it, whatever held the
    -- index has ended, and an index still without its event was rolled back.
    open_before  BIGINT      NOT NULL,
    -- Why applying the event failed; it then waits for an operator (health DOWN).
    failure      TEXT,
    PRIMARY KEY (processor, segment, global_index)
);
