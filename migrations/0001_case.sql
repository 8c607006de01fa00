-- The case file: one incident's traces and logs. See DESIGN.md "The case file".
-- Ids are BLOBs (trace 16 bytes, span 8 bytes); times are Unix nanoseconds (INTEGER);
-- attributes are JSON objects stored as TEXT.

CREATE TABLE sources (
    id            INTEGER PRIMARY KEY,
    path          TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    hash          TEXT    NOT NULL,          -- blake3 of the file's bytes as stored on disk
    format        TEXT,                      -- FORMATS name, NULL until sniffed
    status        TEXT    NOT NULL CHECK (status IN ('loading', 'complete', 'failed', 'interrupted')),
    service       TEXT,                      -- service name given by the user (--service), if any
    spans         INTEGER NOT NULL DEFAULT 0, -- span records decoded
    logs          INTEGER NOT NULL DEFAULT 0, -- log records stored (parsed and unparsed)
    unparsed      INTEGER NOT NULL DEFAULT 0,
    problems      INTEGER NOT NULL DEFAULT 0,
    errors        TEXT    NOT NULL DEFAULT '[]', -- JSON array of the first problems
    loader_pid    INTEGER,                   -- process that holds a 'loading' source
    started_ns    INTEGER NOT NULL,
    finished_ns   INTEGER
);
CREATE INDEX sources_hash ON sources (hash);

-- Resources and instrumentation scopes are interned: many spans share one row.
CREATE TABLE resources (
    id            INTEGER PRIMARY KEY,
    key           BLOB    NOT NULL UNIQUE,   -- blake3 of the canonical JSON below
    service       TEXT    NOT NULL,
    attributes    TEXT    NOT NULL,
    schema_url    TEXT    NOT NULL DEFAULT '',
    dropped_attributes_count INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE scopes (
    id            INTEGER PRIMARY KEY,
    key           BLOB    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    version       TEXT    NOT NULL,
    attributes    TEXT    NOT NULL,
    schema_url    TEXT    NOT NULL DEFAULT '',
    dropped_attributes_count INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE spans (
    trace_id       BLOB    NOT NULL,
    span_id        BLOB    NOT NULL,
    parent_span_id BLOB,
    trace_state    TEXT    NOT NULL DEFAULT '',
    flags          INTEGER NOT NULL DEFAULT 0,
    name           TEXT    NOT NULL,
    kind           INTEGER NOT NULL DEFAULT 0,   -- OTLP SpanKind number
    start_ns       INTEGER NOT NULL,
    end_ns         INTEGER NOT NULL,
    status_code    INTEGER NOT NULL DEFAULT 0,   -- 0 unset, 1 ok, 2 error
    status_message TEXT    NOT NULL DEFAULT '',
    service        TEXT    NOT NULL,
    attributes     TEXT    NOT NULL,
    resource_id    INTEGER NOT NULL REFERENCES resources (id),
    scope_id       INTEGER NOT NULL REFERENCES scopes (id),
    dropped_attributes_count INTEGER NOT NULL DEFAULT 0,
    dropped_events_count     INTEGER NOT NULL DEFAULT 0,
    dropped_links_count      INTEGER NOT NULL DEFAULT 0,
    source_id      INTEGER NOT NULL,             -- the source that first brought this span
    PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX spans_source ON spans (source_id);

CREATE TABLE span_events (
    trace_id      BLOB    NOT NULL,
    span_id       BLOB    NOT NULL,
    event_idx     INTEGER NOT NULL,
    time_ns       INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    attributes    TEXT    NOT NULL,
    dropped_attributes_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (trace_id, span_id, event_idx)
) WITHOUT ROWID;

CREATE TABLE span_links (
    trace_id        BLOB    NOT NULL,
    span_id         BLOB    NOT NULL,
    link_idx        INTEGER NOT NULL,
    linked_trace_id BLOB    NOT NULL,
    linked_span_id  BLOB    NOT NULL,
    trace_state     TEXT    NOT NULL DEFAULT '',
    flags           INTEGER NOT NULL DEFAULT 0,
    attributes      TEXT    NOT NULL,
    dropped_attributes_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (trace_id, span_id, link_idx)
) WITHOUT ROWID;

CREATE TABLE logs (
    id            INTEGER PRIMARY KEY,
    ts_ns         INTEGER,                   -- NULL when the record carries no time
    observed_ns   INTEGER,
    severity      INTEGER NOT NULL DEFAULT 0, -- OTel severity number, 0 = unspecified
    severity_text TEXT    NOT NULL DEFAULT '',
    body          TEXT    NOT NULL,           -- string body, or structured body as JSON
    service       TEXT    NOT NULL,
    trace_id      BLOB,
    span_id       BLOB,
    flags         INTEGER NOT NULL DEFAULT 0,
    attributes    TEXT    NOT NULL,
    resource_id   INTEGER REFERENCES resources (id),
    scope_id      INTEGER REFERENCES scopes (id),
    source_id     INTEGER NOT NULL,
    line          INTEGER,                    -- 1-based line in the source, when line-oriented
    unparsed      INTEGER NOT NULL DEFAULT 0, -- 1: body is a raw line we could not decode
    link          INTEGER NOT NULL DEFAULT 0  -- 0 unlinked, 1 span-linked, 2 trace-linked, 3 orphan
);
CREATE INDEX logs_source ON logs (source_id, line);
CREATE INDEX logs_trace ON logs (trace_id, span_id) WHERE trace_id IS NOT NULL;
CREATE INDEX logs_time ON logs (ts_ns);

-- One summary row per trace that has at least one span; rebuilt for the traces a load touches.
CREATE TABLE traces (
    trace_id      BLOB    PRIMARY KEY,
    root_service  TEXT    NOT NULL,
    root_name     TEXT    NOT NULL,
    start_ns      INTEGER NOT NULL,
    end_ns        INTEGER NOT NULL,
    duration_ns   INTEGER NOT NULL,
    spans         INTEGER NOT NULL,
    errors        INTEGER NOT NULL,
    services      INTEGER NOT NULL,
    logs          INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX traces_start ON traces (start_ns);
