-- Log counts per second, service, severity, source and link state (issue 19, "Big
-- cases"): what the case counters, the log histogram and facets and the log count
-- read for the empty query and queries of `service:`, `level:`, `source:`, `link:`,
-- `after:` and `before:` terms instead of counting millions of log rows. Kept by
-- the writer (src/store/log_counts.rs) in the transaction of each write of rows
-- (`finish_source`: loads and follow appends), removal of a source, rename of a
-- service and change of a log's link state. They count the logs of complete and
-- failed sources: while a source is loading the readers count the rows instead.
CREATE TABLE log_counts (
    second    INTEGER NOT NULL,  -- floor(ts_ns / 1 s); -9223372036854775808: no time
    service   TEXT    NOT NULL,
    severity  INTEGER NOT NULL,
    source_id INTEGER NOT NULL,
    link      INTEGER NOT NULL,  -- model::Link
    n         INTEGER NOT NULL,
    PRIMARY KEY (second, service, severity, source_id, link)
) WITHOUT ROWID;

INSERT INTO log_counts (second, service, severity, source_id, link, n)
    SELECT CASE WHEN ts_ns IS NULL THEN -9223372036854775808
                WHEN ts_ns >= 0 THEN ts_ns / 1000000000
                ELSE -((-1 - ts_ns) / 1000000000) - 1 END,
           service, severity, source_id, link, COUNT(*)
    FROM logs
    WHERE source_id IN (SELECT id FROM sources WHERE status IN ('complete', 'failed'))
    GROUP BY 1, 2, 3, 4, 5;
