-- Clock skew adjustments the user chose to apply (issue 15): per trace, the hosts
-- whose times are shown shifted by `delta_ns` (how far the host's clock runs ahead;
-- shown times subtract it). The stored spans are never rewritten; removing the
-- rows of a trace undoes the adjustment. See src/analysis/skew.rs.
CREATE TABLE skew_adjustments (
    trace_id  BLOB    NOT NULL,
    host      TEXT    NOT NULL,
    service   TEXT    NOT NULL,
    delta_ns  INTEGER NOT NULL,
    spans     INTEGER NOT NULL,
    PRIMARY KEY (trace_id, host)
) WITHOUT ROWID;
