-- The full-text indexes without per-row column sizes (`columnsize = 0`): nothing
-- ranks by bm25, and the sizes cost ~10 bytes a log line (4 % of a case).
DROP TABLE logs_fts;
CREATE VIRTUAL TABLE logs_fts USING fts5 (
    body,
    content = 'logs',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    columnsize = 0
);
INSERT INTO logs_fts (logs_fts) VALUES ('rebuild');

DROP TABLE spans_fts;
CREATE VIRTUAL TABLE spans_fts USING fts5 (
    name,
    attributes,
    content = 'spans',
    content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2',
    columnsize = 0
);
INSERT INTO spans_fts (spans_fts) VALUES ('rebuild');
