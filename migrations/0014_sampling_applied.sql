-- The tail sampling simulation the user applied last (issue 17: "the trace list
-- filtered to kept / dropped"): the policy text (the app's sampling panel shows it
-- again when the case is reopened), the query that chose the traces simulated, and
-- each simulated trace's decision, read by the query term `sampled:kept|dropped`.
-- Written only by `Writer::apply_sampling` (`store/sampled.rs`), which replaces
-- both tables' rows in one transaction, so they always belong to one simulation.
-- Traces loaded after it are neither kept nor dropped until the next one.
CREATE TABLE sampling_applied (
    id         INTEGER PRIMARY KEY CHECK (id = 1),  -- one row: the last applied
    config     TEXT    NOT NULL,                    -- the Collector YAML as given
    query      TEXT    NOT NULL,                    -- '' = every trace of the case
    applied_ns INTEGER NOT NULL,
    traces     INTEGER NOT NULL,
    kept       INTEGER NOT NULL
);

CREATE TABLE sampled_traces (
    trace_id BLOB    NOT NULL PRIMARY KEY,
    kept     INTEGER NOT NULL                        -- 1 kept, 0 dropped
) WITHOUT ROWID;
