-- Kept layouts in fixed pieces (store/layouts.rs), so a window of a big trace's
-- rows reads the header and the pieces holding its rows, not the whole encoding
-- (issue 19: a window's cost does not depend on the trace's size). Piece `chunk`
-- of layout `layout_id` holds bytes `chunk * chunk_bytes` onward of
-- analysis::layout::encode; `trace_layouts.layout` is left empty. Layouts kept
-- before this migration are cut into pieces of 32 KiB here.
CREATE TABLE trace_layout_chunks (
    layout_id INTEGER NOT NULL,
    chunk     INTEGER NOT NULL,
    bytes     BLOB    NOT NULL,
    PRIMARY KEY (layout_id, chunk)
);

ALTER TABLE trace_layouts ADD COLUMN chunk_bytes INTEGER NOT NULL DEFAULT 0;

INSERT INTO trace_layout_chunks (layout_id, chunk, bytes)
WITH RECURSIVE pieces (layout_id, chunk, total) AS (
    SELECT id, 0, length(layout) FROM trace_layouts WHERE length(layout) > 0
    UNION ALL
    SELECT layout_id, chunk + 1, total FROM pieces WHERE (chunk + 1) * 32768 < total
)
SELECT p.layout_id, p.chunk, substr(t.layout, p.chunk * 32768 + 1, 32768)
FROM pieces p JOIN trace_layouts t ON t.id = p.layout_id;

UPDATE trace_layouts SET layout = X'', chunk_bytes = 32768;
