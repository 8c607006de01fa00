-- Service level objectives (issue 16): per operation (service and span name), a p95
-- latency target and/or an error-rate target, kept in the case so the colleague who
-- opens it sees them. See src/analysis/slo.rs for what they mean.
CREATE TABLE slos (
    id          INTEGER PRIMARY KEY,
    service     TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    p95_ns      INTEGER,
    error_rate  REAL,
    created_ns  INTEGER NOT NULL,
    UNIQUE (service, name)
);
