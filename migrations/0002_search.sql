-- Search: full-text indexes (FTS5, external content: no text is stored twice) over
-- log bodies and over span names and attributes, filled by the writer when a source
-- completes; indexes for service and severity; times inferred for records without one.

CREATE VIRTUAL TABLE logs_fts USING fts5 (
    body,
    content = 'logs',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE spans_fts USING fts5 (
    name,
    attributes,
    content = 'spans',
    content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- 1 when ts_ns was not in the record but taken from the record before it in its file.
ALTER TABLE logs ADD COLUMN ts_inferred INTEGER NOT NULL DEFAULT 0;

CREATE INDEX logs_service_time ON logs (service, ts_ns);
CREATE INDEX logs_severity_time ON logs (severity, ts_ns);
CREATE INDEX spans_name ON spans (name);
CREATE INDEX traces_duration ON traces (duration_ns);
