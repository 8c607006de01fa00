-- The postmortem notebook (issue 18): marks on a trace, a span, a log line, a time
-- range or a search, and notes with no evidence, each with a Markdown note, tags, a
-- colour, who wrote it and when, and the time of its evidence (`at_ns`, settable by
-- hand) under a phase heading. The user's own data: nothing a load writes touches it.
-- A log is anchored by its source's content hash, its line (NULL for document
-- formats) and its place among the source's logs of that line (`log_index`, from 0),
-- so a reload of the source, which gives new log ids, still finds it; `log_id` is
-- the id it had when marked. A mark whose target left the case stays and is
-- reported as missing (store/marks.rs).
CREATE TABLE marks (
    id               INTEGER PRIMARY KEY,
    kind             TEXT    NOT NULL CHECK (kind IN ('trace', 'span', 'log', 'range', 'search', 'note')),
    trace_id         BLOB,
    span_id          BLOB,
    log_id           INTEGER,
    log_source_hash  TEXT,
    log_line         INTEGER,
    log_index        INTEGER,
    from_ns          INTEGER,
    to_ns            INTEGER,
    query            TEXT,
    note             TEXT    NOT NULL DEFAULT '',
    colour           TEXT,
    author           TEXT    NOT NULL,
    created_ns       INTEGER NOT NULL,
    at_ns            INTEGER NOT NULL,
    phase            TEXT,
    position         INTEGER NOT NULL DEFAULT 0   -- order among marks of equal at_ns
);
CREATE INDEX marks_trace ON marks (trace_id, span_id) WHERE trace_id IS NOT NULL;
CREATE INDEX marks_log ON marks (log_source_hash, log_line) WHERE log_source_hash IS NOT NULL;

CREATE TABLE mark_tags (
    mark_id  INTEGER NOT NULL,
    tag      TEXT    NOT NULL,
    PRIMARY KEY (mark_id, tag)
) WITHOUT ROWID;
CREATE INDEX mark_tags_tag ON mark_tags (tag);
