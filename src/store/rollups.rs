//! The services rollups (migration 0017): what `weft map|services|operations` and
//! the Services view read instead of every span (`reader/services.rs`). Kept by the
//! writer in the transaction that changes the rows they count, so they are case
//! data with the same crash guarantees as the rows.
//!
//! They count the rows of *counted* sources (complete or failed: what the readers
//! see once no load runs). A span's part in them (`analysis::services::SpanRole`)
//! depends on its trace: its parent's service, whether a child of another service
//! called out of it. So a write recomputes the traces it touched (`temp.touched`,
//! filled by `correlate`): each touched trace is read once, its spans' roles and
//! its logs' operations computed for the case *before* the write and *after* it
//! (rows told apart by source and row id, `State`), and only the difference is
//! applied: calls taken out of and put into the rows of their (role, minute), log
//! counts subtracted and added. A fresh load thus costs one read of its traces;
//! a follow append, the few traces it touched and the minute rows they fall in.
//!
//! Logs per service depend on no trace: a write adds its logs' counts
//! (`LoadSummary::service_logs`); a removal or rename subtracts with SQL. Logs per
//! operation of a load whose log links were decided on insert and which brought
//! no spans come from the insert too (`LoadSummary::operation_logs`): such a load
//! touches no trace.
//!
//! Cost, measured on the generator's medium set (release build): building the
//! rollups of its 200k spans from the tables takes 1.2 s (what a fresh load of its
//! traces pays at its end); with its 1M logs already in the case, 5.2 s (each
//! touched trace's logs are read for the operation counts: loading logs before
//! their traces costs that). A load of logs after their traces pays only the
//! counting on insert. The rows: 1 346 (role, minute) rows, 16 bytes a span.
//!
//! Known gap: a load killed after raising the error status of a stored span of
//! another source (`BulkWriter::write_span`) leaves that status, which the rollups
//! do not count (the scan does) until the case's rollups are built again.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::bulk::LoadSummary;
use super::rollup_blob;
use super::written_spans::WrittenSpans;
use super::StoreError;
use crate::analysis::services::{span_roles, Call, ServiceSpan, SpanRole, KIND_CLIENT};
use crate::analysis::KIND_PRODUCER;
use crate::severity::ERROR;

/// A minute, the time unit of the rollup rows.
pub const MINUTE_NS: i64 = 60_000_000_000;

/// Operation logs key: (log's service, span's service, span's name, span's kind).
pub type OperationLogKey = (String, String, String, i64);

/// The key of a `span_rollups` row: a role and a minute.
type RowKey = (SpanRole, i64);

/// Which rows of the touched traces one state of the case holds.
#[derive(Debug, Clone)]
pub(super) struct State {
    /// Sources whose rows count.
    sources: HashSet<i64>,
    /// Rows of this source above these ids (span rowid, log id) do not count: the
    /// rows of a follow append, before it.
    without_new: Option<(i64, i64, i64)>,
    /// Spans whose error status the write raised: not errors in this state.
    errors_raised: HashSet<([u8; 16], [u8; 8])>,
}

impl State {
    /// The complete and failed sources of the case now, plus `also`.
    pub(super) fn counted(conn: &Connection, also: Option<i64>) -> Result<State, StoreError> {
        let mut sources: HashSet<i64> = conn
            .prepare("SELECT id FROM sources WHERE status IN ('complete', 'failed')")?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        sources.extend(also);
        Ok(State {
            sources,
            without_new: None,
            errors_raised: HashSet::new(),
        })
    }

    fn holds_span(&self, source_id: i64, rowid: i64) -> bool {
        self.sources.contains(&source_id)
            && !self
                .without_new
                .is_some_and(|(source, after, _)| source == source_id && rowid > after)
    }

    fn holds_log(&self, source_id: i64, id: i64) -> bool {
        self.sources.contains(&source_id)
            && !self
                .without_new
                .is_some_and(|(source, _, after)| source == source_id && id > after)
    }
}

/// What the touched traces put into the rollups in one state of the case.
#[derive(Debug, Default)]
pub(super) struct Parts {
    calls: HashMap<RowKey, Vec<Call>>,
    operation_logs: HashMap<OperationLogKey, (i64, i64)>,
}

/// A span row of a touched trace.
pub(super) struct SpanRow {
    pub(super) span: ServiceSpan,
    pub(super) source_id: i64,
    pub(super) rowid: i64,
}

/// A log of a touched trace that names a span.
struct LogRow {
    span_id: Vec<u8>,
    service: String,
    error: bool,
    source_id: i64,
    id: i64,
}

/// What `read_touched` gives each trace's id and spans to.
pub(super) type EachTrace<'a> = dyn FnMut(&[u8], &[SpanRow]) -> Result<(), StoreError> + 'a;

/// Where `read_touched` takes the spans from: the kept spans of a load into an
/// empty table (`WrittenSpans`) with the error statuses its later copies raised
/// (`LoadSummary::errors_raised`), instead of the table.
pub(super) type FromMemory<'a> = (&'a WrittenSpans, &'a HashSet<([u8; 16], [u8; 8])>);

/// Reads the spans of each trace of `temp.touched` once, in trace id order, and
/// gives them to `each` (an empty slice for a trace without spans). The
/// attributes of CLIENT and PRODUCER spans are parsed only `with_attributes`
/// (what the rollups need; the trace summaries do not). With `from_memory`, the
/// spans come from there (the same rows, in the same order; `it::rollups` and
/// `it::correlation` compare the results with brute force after such loads).
pub(super) fn read_touched(
    conn: &Connection,
    with_attributes: bool,
    from_memory: Option<FromMemory<'_>>,
    each: &mut EachTrace<'_>,
) -> Result<(), StoreError> {
    let traces: Vec<Vec<u8>> = conn
        .prepare("SELECT trace_id FROM temp.touched ORDER BY trace_id")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    if let Some((written, errors_raised)) = from_memory {
        let mut spans: Vec<SpanRow> = Vec::new();
        for trace_id in &traces {
            spans.clear();
            written.rows_of(trace_id, with_attributes, errors_raised, &mut spans);
            each(trace_id, &spans)?;
        }
        return Ok(());
    }
    let mut select_spans = conn.prepare_cached(&format!(
        "SELECT span_id, parent_span_id, service, name, kind, status_code, start_ns, \
         end_ns - start_ns, CASE WHEN ?2 AND kind IN ({KIND_CLIENT}, {KIND_PRODUCER}) \
         THEN attributes END, source_id, rowid FROM spans WHERE trace_id = ?1"
    ))?;
    let mut spans: Vec<SpanRow> = Vec::new();
    for trace_id in &traces {
        spans.clear();
        let mut rows = select_spans.query(params![trace_id, with_attributes])?;
        while let Some(row) = rows.next()? {
            let attributes: Option<String> = row.get(8)?;
            spans.push(SpanRow {
                span: ServiceSpan {
                    span_id: row.get(0)?,
                    parent_span_id: row.get(1)?,
                    service: row.get(2)?,
                    name: row.get(3)?,
                    kind: row.get(4)?,
                    error: row.get::<_, i64>(5)? == 2,
                    start_ns: row.get(6)?,
                    duration_ns: row.get(7)?,
                    matched: true,
                    attributes: attributes
                        .and_then(|text| serde_json::from_str::<Value>(&text).ok()),
                },
                source_id: row.get(9)?,
                rowid: row.get(10)?,
            });
        }
        each(trace_id, &spans)?;
    }
    Ok(())
}

/// The parts of touched traces in each of several states, added trace by trace
/// (`read_touched` gives the spans; each trace's logs are read here).
pub(super) struct TouchedParts {
    states: Vec<State>,
    parts: Vec<Parts>,
    logs: Vec<LogRow>,
}

impl TouchedParts {
    pub(super) fn new(states: Vec<State>) -> TouchedParts {
        let parts = states.iter().map(|_| Parts::default()).collect();
        TouchedParts {
            states,
            parts,
            logs: Vec::new(),
        }
    }

    /// Adds one touched trace, whose spans are `spans`.
    pub(super) fn add(
        &mut self,
        conn: &Connection,
        trace_id: &[u8],
        spans: &[SpanRow],
    ) -> Result<(), StoreError> {
        if spans.is_empty() {
            // Logs of a trace without spans join no operation.
            return Ok(());
        }
        let mut select_logs = conn.prepare_cached(&format!(
            "SELECT span_id, service, severity >= {ERROR}, source_id, id FROM logs \
             WHERE trace_id = ? AND span_id IS NOT NULL"
        ))?;
        self.logs.clear();
        let mut rows = select_logs.query([trace_id])?;
        while let Some(row) = rows.next()? {
            self.logs.push(LogRow {
                span_id: row.get(0)?,
                service: row.get(1)?,
                error: row.get(2)?,
                source_id: row.get(3)?,
                id: row.get(4)?,
            });
        }
        for (state, parts) in self.states.iter().zip(self.parts.iter_mut()) {
            add_trace(state, trace_id, spans, &self.logs, parts);
        }
        Ok(())
    }

    pub(super) fn into_parts(self) -> Vec<Parts> {
        self.parts
    }
}

/// The parts of the touched traces in each of `states`.
pub(super) fn parts_of_touched(
    conn: &Connection,
    states: &[&State],
) -> Result<Vec<Parts>, StoreError> {
    let mut touched = TouchedParts::new(states.iter().map(|state| (*state).clone()).collect());
    read_touched(conn, true, None, &mut |trace_id, spans| {
        touched.add(conn, trace_id, spans)
    })?;
    Ok(touched.into_parts())
}

/// Adds what one trace's rows that `state` holds put into the rollups.
fn add_trace(state: &State, trace_id: &[u8], rows: &[SpanRow], logs: &[LogRow], parts: &mut Parts) {
    let spans: Vec<ServiceSpan> = rows
        .iter()
        .filter(|row| state.holds_span(row.source_id, row.rowid))
        .map(|row| {
            let mut span = row.span.clone();
            if span.error && !state.errors_raised.is_empty() {
                let raised = <[u8; 16]>::try_from(trace_id)
                    .ok()
                    .zip(<[u8; 8]>::try_from(span.span_id.as_slice()).ok())
                    .is_some_and(|key| state.errors_raised.contains(&key));
                span.error = !raised;
            }
            span
        })
        .collect();
    if spans.is_empty() {
        return;
    }
    for (span, role) in spans.iter().zip(span_roles(&spans)) {
        let minute = span.start_ns.div_euclid(MINUTE_NS);
        parts
            .calls
            .entry((role, minute))
            .or_default()
            .push(Call::of(span));
    }
    let by_id: HashMap<&[u8], &ServiceSpan> = spans
        .iter()
        .map(|span| (span.span_id.as_slice(), span))
        .collect();
    for log in logs {
        if !state.holds_log(log.source_id, log.id) {
            continue;
        }
        let Some(span) = by_id.get(log.span_id.as_slice()) else {
            continue;
        };
        let key = (
            log.service.clone(),
            span.service.clone(),
            span.name.clone(),
            span.kind,
        );
        let counts = parts.operation_logs.entry(key).or_default();
        counts.0 += 1;
        counts.1 += i64::from(log.error);
    }
}

/// Applies the change from `before` to `after` to the rollup tables.
pub(super) fn apply(conn: &Connection, before: Parts, after: Parts) -> Result<(), StoreError> {
    let Parts {
        calls: mut removed,
        operation_logs: logs_before,
    } = before;
    let mut changes: Vec<(RowKey, Vec<Call>, Vec<Call>)> = Vec::new();
    for (key, mut added) in after.calls {
        let mut gone = removed.remove(&key).unwrap_or_default();
        added.sort_unstable();
        gone.sort_unstable();
        if added != gone {
            changes.push((key, added, gone));
        }
    }
    changes.extend(
        removed
            .into_iter()
            .map(|(key, gone)| (key, Vec::new(), gone)),
    );
    for ((role, minute), added, gone) in changes {
        change_row(conn, &role, minute, added, gone)?;
    }

    let mut deltas: HashMap<OperationLogKey, (i64, i64)> = after.operation_logs;
    for (key, (logs, errors)) in logs_before {
        let delta = deltas.entry(key).or_default();
        delta.0 -= logs;
        delta.1 -= errors;
    }
    add_operation_logs(conn, deltas.iter().filter(|(_, delta)| **delta != (0, 0)))
}

/// Takes `gone` out of the row of (`role`, `minute`) and puts `added` in.
fn change_row(
    conn: &Connection,
    role: &SpanRole,
    minute: i64,
    added: Vec<Call>,
    gone: Vec<Call>,
) -> Result<(), StoreError> {
    let (caller_edge, caller) = match &role.caller {
        None => (0, ""),
        Some((caller, false)) => (1, caller.as_str()),
        Some((caller, true)) => (2, caller.as_str()),
    };
    let (has_peer, peer) = match &role.peer {
        None => (false, ""),
        Some(peer) => (true, peer.as_str()),
    };
    let key = params![
        minute,
        role.service,
        role.name,
        role.kind,
        caller_edge,
        caller,
        has_peer,
        peer
    ];
    let existing: Option<Vec<u8>> = conn
        .prepare_cached(
            "SELECT calls_blob FROM span_rollups WHERE minute = ? AND service = ? AND name = ? \
             AND kind = ? AND caller_edge = ? AND caller = ? AND has_peer = ? AND peer = ?",
        )?
        .query_row(key, |row| row.get(0))
        .optional()?;
    let existing = match existing {
        Some(blob) => rollup_blob::decode(&blob).map_err(|error| {
            rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Blob,
                Box::new(error),
            )
        })?,
        None => Vec::new(),
    };
    let calls = rollup_blob::merge(existing, added, gone);
    if calls.is_empty() {
        conn.prepare_cached(
            "DELETE FROM span_rollups WHERE minute = ? AND service = ? AND name = ? \
             AND kind = ? AND caller_edge = ? AND caller = ? AND has_peer = ? AND peer = ?",
        )?
        .execute(key)?;
        return Ok(());
    }
    let errors = calls.iter().filter(|call| call.error).count() as i64;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO span_rollups (minute, service, name, kind, caller_edge, caller, \
         has_peer, peer, calls, errors, calls_blob) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        minute,
        role.service,
        role.name,
        role.kind,
        caller_edge,
        caller,
        has_peer,
        peer,
        calls.len() as i64,
        errors,
        rollup_blob::encode(&calls)
    ])?;
    Ok(())
}

/// Adds counts (negative: subtracts) to `operation_logs`, dropping rows left at 0.
fn add_operation_logs<'a>(
    conn: &Connection,
    deltas: impl Iterator<Item = (&'a OperationLogKey, &'a (i64, i64))>,
) -> Result<(), StoreError> {
    let mut add = conn.prepare_cached(
        "INSERT INTO operation_logs (log_service, service, name, kind, logs, errors) \
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (log_service, service, name, kind) \
         DO UPDATE SET logs = logs + excluded.logs, errors = errors + excluded.errors",
    )?;
    for ((log_service, service, name, kind), (logs, errors)) in deltas {
        add.execute(params![log_service, service, name, kind, logs, errors])?;
    }
    conn.execute("DELETE FROM operation_logs WHERE logs = 0", [])?;
    Ok(())
}

/// Adds counts (negative: subtracts) to `service_logs`, dropping rows left at 0.
fn add_service_logs<'a>(
    conn: &Connection,
    deltas: impl Iterator<Item = (&'a String, &'a (i64, i64))>,
) -> Result<(), StoreError> {
    let mut add = conn.prepare_cached(
        "INSERT INTO service_logs (service, logs, errors) VALUES (?, ?, ?) \
         ON CONFLICT (service) DO UPDATE SET logs = logs + excluded.logs, \
         errors = errors + excluded.errors",
    )?;
    for (service, (logs, errors)) in deltas {
        add.execute(params![service, logs, errors])?;
    }
    conn.execute("DELETE FROM service_logs WHERE logs = 0", [])?;
    Ok(())
}

/// The rollups of a write of rows of source `source_id` (a load's or a follow
/// append's), in its transaction, before `correlate_after_rows`: the counts that
/// need no trace are added here; when the write touches traces, the returned
/// parts are filled by `correlate_after_rows` from the one read of their spans
/// it makes for their summaries, then applied (`TouchedParts::apply`). `None`
/// when the rollups are not built or the write touches no trace.
pub(super) fn before_correlation(
    conn: &Connection,
    source_id: i64,
    summary: &LoadSummary,
) -> Result<Option<TouchedParts>, StoreError> {
    if !built(conn)? {
        return Ok(None);
    }
    add_service_logs(conn, summary.service_logs.iter())?;
    if !super::correlate::touches_traces(summary) {
        add_operation_logs(conn, summary.operation_logs.iter())?;
        return Ok(None);
    }
    let mut before = State::counted(conn, None)?;
    before.without_new = Some((source_id, summary.spans_after_rowid, summary.logs_after_id));
    before.errors_raised = summary.errors_raised.clone();
    let after = State::counted(conn, Some(source_id))?;
    Ok(Some(TouchedParts::new(vec![before, after])))
}

impl TouchedParts {
    /// Applies the change from the first state to the second (`before_correlation`).
    pub(super) fn apply(self, conn: &Connection) -> Result<(), StoreError> {
        let mut parts = self.into_parts().into_iter();
        let before = parts.next().unwrap_or_default();
        let after = parts.next().unwrap_or_default();
        apply(conn, before, after)
    }
}

/// Takes the logs that `condition` (SQL over `logs`, with `params`) selects out of
/// `service_logs`.
pub(super) fn subtract_service_logs(
    conn: &Connection,
    condition: &str,
    params: impl rusqlite::Params,
) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT service, COUNT(*), SUM(severity >= {ERROR}) FROM logs WHERE {condition} \
         GROUP BY service"
    );
    let counted: Vec<(String, (i64, i64))> = conn
        .prepare(&sql)?
        .query_map(params, |row| {
            Ok((
                row.get(0)?,
                (-row.get::<_, i64>(1)?, -row.get::<_, i64>(2)?),
            ))
        })?
        .collect::<Result<_, _>>()?;
    add_service_logs(
        conn,
        counted.iter().map(|(service, delta)| (service, delta)),
    )
}

/// Adds `logs` logs, `errors` of them at error or above, to `service`.
pub(super) fn add_to_service(
    conn: &Connection,
    service: &str,
    logs: i64,
    errors: i64,
) -> Result<(), StoreError> {
    add_service_logs(conn, [(&service.to_string(), &(logs, errors))].into_iter())
}

/// Whether the rollups hold the case (`rollups_state`, migration 0017).
pub(super) fn built(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn
        .query_row("SELECT built FROM rollups_state", [], |row| row.get(0))
        .optional()?
        .unwrap_or(false))
}

/// Whether `source_id` is a complete or failed source, whose rows the rollups count.
pub(super) fn counts_source(conn: &Connection, source_id: i64) -> Result<bool, StoreError> {
    Ok(built(conn)?
        && conn
            .query_row(
                "SELECT status IN ('complete', 'failed') FROM sources WHERE id = ?",
                [source_id],
                |row| row.get(0),
            )
            .optional()?
            .unwrap_or(false))
}

/// Builds the rollups of a case loaded before them (migration 0017 marks it), in
/// one transaction; nothing when they are built.
pub(super) fn build_if_missing(conn: &mut Connection) -> Result<(), StoreError> {
    let deferred: i64 = conn.query_row("SELECT COUNT(*) FROM deferred_indexes", [], |row| {
        row.get(0)
    })?;
    if built(conn)? || deferred > 0 {
        // Without the indexes a live load dropped, reading trace by trace would crawl:
        // the turn after that load builds them.
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for sql in [
        "DELETE FROM span_rollups",
        "DELETE FROM service_logs",
        "DELETE FROM operation_logs",
    ] {
        tx.execute(sql, [])?;
    }
    super::correlate::clear_touched(&tx)?;
    tx.execute(
        "INSERT OR IGNORE INTO temp.touched SELECT DISTINCT trace_id FROM spans",
        [],
    )?;
    let counted = State::counted(&tx, None)?;
    let [after]: [Parts; 1] = parts_of_touched(&tx, &[&counted])?
        .try_into()
        .expect("one state");
    apply(&tx, Parts::default(), after)?;
    tx.execute(
        &format!(
            "INSERT INTO service_logs (service, logs, errors) \
             SELECT service, COUNT(*), SUM(severity >= {ERROR}) FROM logs \
             WHERE source_id IN (SELECT id FROM sources WHERE status IN ('complete', 'failed')) \
             GROUP BY service"
        ),
        [],
    )?;
    tx.execute("UPDATE rollups_state SET built = 1", [])?;
    tx.commit()?;
    Ok(())
}
