-- Log counts per second and severity, kept by the writer as sources finish (and are
-- removed), so the volume histogram of all logs needs no scan of the logs.
CREATE TABLE log_seconds (
    second   INTEGER NOT NULL,  -- ts_ns / 1e9
    severity INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (second, severity)
) WITHOUT ROWID;

INSERT INTO log_seconds (second, severity, n)
    SELECT ts_ns / 1000000000, severity, COUNT(*) FROM logs
    WHERE ts_ns IS NOT NULL AND source_id IN (SELECT id FROM sources WHERE status IN ('complete', 'failed'))
    GROUP BY 1, 2;
