-- Issue 19: the traces with a log of a warning level or worse (`level:error`,
-- `level>=warn`) found without reading every log of every trace. Migration 0021
-- dropped `logs_severity_time`, and the trace list's and time density's
-- `t.trace_id IN (SELECT l.trace_id FROM logs l WHERE l.trace_id IS NOT NULL AND
-- <level>)` then walked `logs_trace` over every traced log: `weft traces level:error`
-- on the 5M-line case took 1.4 s, and the app's search settled in 7.4 s. This index
-- holds only the traced logs of WARN (13) or worse, so a bulk load sorts a few of its
-- lines; `TraceSql` adds the literal `l.severity >= 13` that lets SQLite use it when
-- the query's level term implies it (SQLite does not infer `>= 13` from `>= 17`).
CREATE INDEX logs_severe_trace ON logs (severity, trace_id)
    WHERE severity >= 13 AND trace_id IS NOT NULL;
