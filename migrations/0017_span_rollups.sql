-- Aggregates the services readers answer from (issue 16: `weft map|services|operations`
-- and the Services view), kept by the writer in the transaction that finishes a load,
-- a follow append, a removal or a rename (src/store/rollups.rs). They count the rows
-- of complete and failed sources: while a source is loading the readers scan instead.
--
-- One row per role of a span (analysis::services::SpanRole: its service, name and
-- kind, the edge from its parent's service, the virtual node it called) and minute
-- of its start, with every span's call in `calls_blob` (src/store/rollup_blob.rs:
-- 16 bytes a span, sorted by duration), so percentiles stay exact.
CREATE TABLE span_rollups (
    minute      INTEGER NOT NULL,  -- floor(start_ns / 60 s)
    service     TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    kind        INTEGER NOT NULL,
    caller_edge INTEGER NOT NULL,  -- 0 no edge from the parent, 1 a call, 2 a message
    caller      TEXT    NOT NULL,  -- the parent's service ('' when caller_edge = 0)
    has_peer    INTEGER NOT NULL,  -- 1: a CLIENT/PRODUCER span with no child in another service
    peer        TEXT    NOT NULL,  -- the virtual node it called ('' when has_peer = 0)
    calls       INTEGER NOT NULL,
    errors      INTEGER NOT NULL,
    calls_blob  BLOB    NOT NULL,
    PRIMARY KEY (minute, service, name, kind, caller_edge, caller, has_peer, peer)
) WITHOUT ROWID;

-- Logs per service (their own service), and per operation of the span they are
-- joined to, by the log's own service (so a `service:` query selects them).
CREATE TABLE service_logs (
    service     TEXT    PRIMARY KEY,
    logs        INTEGER NOT NULL,
    errors      INTEGER NOT NULL   -- severity >= 17 (ERROR)
) WITHOUT ROWID;

CREATE TABLE operation_logs (
    log_service TEXT    NOT NULL,
    service     TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    kind        INTEGER NOT NULL,
    logs        INTEGER NOT NULL,
    errors      INTEGER NOT NULL,
    PRIMARY KEY (log_service, service, name, kind)
) WITHOUT ROWID;

-- 1 once the tables above hold the case; a case loaded before this migration gets
-- them built by its next write turn (until then the readers scan).
CREATE TABLE rollups_state (
    built INTEGER NOT NULL
);
INSERT INTO rollups_state (built)
    SELECT NOT EXISTS (SELECT 1 FROM spans) AND NOT EXISTS (SELECT 1 FROM logs);
