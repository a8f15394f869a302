-- The nightly pipeline and the other scheduled jobs: one row per run, so a
-- failed or missed night is on record and the next start knows where the
-- last good night ended.
CREATE TABLE job_runs (
    run_id      BIGINT NOT NULL,
    job         VARCHAR NOT NULL,        -- nightly | escalation
    night       DATE,                    -- the hotel-local day a nightly run is of
    trigger     VARCHAR NOT NULL,        -- schedule | catch_up | manual | cli
    status      VARCHAR NOT NULL,        -- running | succeeded | failed | skipped | interrupted
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    steps       VARCHAR NOT NULL,        -- JSON: [{name, ms, counts, error}]
    error       VARCHAR NOT NULL
);
