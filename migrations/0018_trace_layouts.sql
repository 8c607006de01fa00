-- The layout of each big trace (store/layouts.rs: analysis::layout encoded), kept
-- so a window of its rows is read without laying out every span again. Written in
-- the transaction that recomputes the trace (correlate::recompute_touched), which
-- first deletes the trace's old one; `id` is never reused, so a reader's cache of a
-- layout is keyed by it.
CREATE TABLE trace_layouts (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    trace_id  BLOB    NOT NULL UNIQUE,
    services  TEXT    NOT NULL,   -- JSON array: the service of index i in the rows
    layout    BLOB    NOT NULL
);
