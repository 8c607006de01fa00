//! Correlation, the join that is Weft's reason to be: the link state of every log
//! (`model::Link`: joined to its span, to its trace only, an orphan whose trace is
//! not in the case, or unlinked without a trace id) and the summary row of every
//! trace (`traces`: root, times, counts). See DESIGN.md "Correlation".
//!
//! Two ways to get there, one answer: a bulk load decides a log's link on insert
//! from the spans already in the case (`KnownSpans`); then, when a write brought
//! spans (which can change the link of any log of their traces, and the roots) or
//! left links undecided (follow appends), the traces it touched are recomputed
//! from the tables (`correlate_after_rows`, `recompute_touched`), so the result
//! does not depend on load order. Removals and service renames recompute the
//! traces they touch the same way.
//!
//! The touched traces are kept in `temp.touched`, a table of the writer's own
//! connection. Everything here runs inside the caller's transaction.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};

use rusqlite::{params, Connection};

use super::bulk::LoadSummary;
use super::rollups::{read_touched, FromMemory, TouchedParts};
use super::StoreError;
use crate::analysis::services::ServiceSpan;
use crate::ids::{SpanId, TraceId};
use crate::model::Link;

/// The spans of a case, for deciding the link of a log on insert: (trace id,
/// span id) pairs with their operation, and the trace ids they make.
#[derive(Default)]
pub(super) struct KnownSpans {
    /// Each span's operation, an index into `operations`.
    spans: HashMap<[u8; 24], u32>,
    traces: HashSet<[u8; 16]>,
    /// (service, name, kind), each once.
    operations: Vec<(String, String, i64)>,
    /// Indexes into `operations` by the hash of (service, name, kind), so that a
    /// span of a known operation is added without allocating its key.
    operation_ids: HashMap<u64, Vec<u32>>,
    hasher: RandomState,
}

impl KnownSpans {
    /// Every span in the case now.
    pub(super) fn read(conn: &Connection) -> Result<KnownSpans, StoreError> {
        let mut known = KnownSpans::default();
        let mut select =
            conn.prepare("SELECT trace_id, span_id, service, name, kind FROM spans")?;
        let mut rows = select.query([])?;
        while let Some(row) = rows.next()? {
            let (Ok(trace_id), Ok(span_id)) = (
                <[u8; 16]>::try_from(row.get_ref(0)?.as_blob().unwrap_or_default()),
                <[u8; 8]>::try_from(row.get_ref(1)?.as_blob().unwrap_or_default()),
            ) else {
                continue;
            };
            let service = row.get_ref(2)?.as_str().unwrap_or_default();
            let name = row.get_ref(3)?.as_str().unwrap_or_default();
            known.add(
                &TraceId(trace_id),
                &SpanId(span_id),
                service,
                name,
                row.get(4)?,
            );
        }
        Ok(known)
    }

    /// A span written (the first copy of a span id stays, as in the table).
    pub(super) fn add(
        &mut self,
        trace_id: &TraceId,
        span_id: &SpanId,
        service: &str,
        name: &str,
        kind: i64,
    ) {
        let key = span_key(trace_id, span_id);
        if !self.spans.contains_key(&key) {
            let id = self.operation_id(service, name, kind);
            self.spans.insert(key, id);
        }
        self.traces.insert(trace_id.0);
    }

    /// The index of (service, name, kind) in `operations`, added when new.
    fn operation_id(&mut self, service: &str, name: &str, kind: i64) -> u32 {
        let hash = self.hasher.hash_one((service, name, kind));
        let same = self.operation_ids.entry(hash).or_default();
        let found = same.iter().copied().find(|&id| {
            let (known_service, known_name, known_kind) = &self.operations[id as usize];
            known_service == service && known_name == name && *known_kind == kind
        });
        found.unwrap_or_else(|| {
            let id = self.operations.len() as u32;
            self.operations
                .push((service.to_string(), name.to_string(), kind));
            same.push(id);
            id
        })
    }

    /// The operation (an index for `operation`) of a span of the case.
    pub(super) fn operation_of(&self, trace_id: &TraceId, span_id: &SpanId) -> Option<u32> {
        self.spans.get(&span_key(trace_id, span_id)).copied()
    }

    /// (service, name, kind) of an operation index.
    pub(super) fn operation(&self, id: u32) -> &(String, String, i64) {
        &self.operations[id as usize]
    }

    /// The link of a log with these ids, as correlation would decide it now.
    pub(super) fn link(&self, trace_id: Option<&TraceId>, span_id: Option<&SpanId>) -> Link {
        let Some(trace_id) = trace_id else {
            return Link::Unlinked;
        };
        let span_linked =
            span_id.is_some_and(|span_id| self.spans.contains_key(&span_key(trace_id, span_id)));
        if span_linked {
            Link::Span
        } else if self.traces.contains(&trace_id.0) {
            Link::Trace
        } else {
            Link::Orphan
        }
    }
}

fn span_key(trace_id: &TraceId, span_id: &SpanId) -> [u8; 24] {
    let mut key = [0u8; 24];
    key[..16].copy_from_slice(&trace_id.0);
    key[16..].copy_from_slice(&span_id.0);
    key
}

/// Whether a write of rows makes its traces be recomputed (`correlate_after_rows`):
/// it brought spans, or logs whose links were left undecided.
pub(super) fn touches_traces(summary: &LoadSummary) -> bool {
    let links_known = summary.links_decided || summary.trace_logs.is_empty();
    !(summary.span_traces.is_empty() && links_known)
}

/// The correlation a write of rows causes, in its transaction. Rows with spans,
/// or logs whose links were left undecided, make their traces (and those of the
/// logs written) be recomputed (then `temp.touched` holds the traces of the write,
/// and `rollup`, when given, gets their parts from the same read of their spans);
/// logs alone whose links were decided on insert only add to the log counts of
/// their traces.
pub(super) fn correlate_after_rows(
    conn: &Connection,
    source_id: i64,
    summary: &LoadSummary,
    rollup: Option<&mut TouchedParts>,
) -> Result<(), StoreError> {
    if !touches_traces(summary) {
        let mut add =
            conn.prepare_cached("UPDATE traces SET logs = logs + ? WHERE trace_id = ?")?;
        for (trace_id, n) in &summary.trace_logs {
            add.execute(params![n, &trace_id[..]])?;
        }
        return Ok(());
    }
    clear_touched(conn)?;
    let mut touch = conn.prepare_cached("INSERT OR IGNORE INTO temp.touched VALUES (?)")?;
    for trace_id in summary.span_traces.iter().chain(summary.trace_logs.keys()) {
        touch.execute([&trace_id[..]])?;
    }
    super::log_counts::move_changed_links(conn, Some(source_id))?;
    let from_memory = summary
        .written_spans
        .as_ref()
        .map(|written| (written, &summary.errors_raised));
    summarize_touched(conn, rollup, from_memory)?;
    super::layouts::relayout_touched(conn)
}

/// Empties `temp.touched` (creating it when missing).
pub(super) fn clear_touched(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS touched (trace_id BLOB PRIMARY KEY); \
         DELETE FROM temp.touched;",
    )?;
    Ok(())
}

/// Puts into `temp.touched` (emptied first) the trace ids of source `source_id`'s
/// spans and logs.
pub(super) fn touch_traces_of_source(conn: &Connection, source_id: i64) -> Result<(), StoreError> {
    clear_touched(conn)?;
    for sql in [
        "INSERT OR IGNORE INTO temp.touched SELECT trace_id FROM spans WHERE source_id = ?",
        "INSERT OR IGNORE INTO temp.touched SELECT trace_id FROM logs \
         WHERE source_id = ? AND trace_id IS NOT NULL",
    ] {
        conn.execute(sql, [source_id])?;
    }
    Ok(())
}

/// Recomputes the link state of every log, the summary row and the kept layout
/// (`layouts.rs`) of every trace whose id is in `temp.touched`; the logs whose link changes move in the kept
/// log counts (those of complete and failed sources, and of source `finishing`).
pub(super) fn recompute_touched(
    conn: &Connection,
    finishing: Option<i64>,
) -> Result<(), StoreError> {
    super::log_counts::move_changed_links(conn, finishing)?;
    summarize_touched(conn, None, None)?;
    super::layouts::relayout_touched(conn)
}

/// The `traces` rows of the touched traces, made again from their spans, each
/// trace's spans read once (`rollups::read_touched`, or taken `from_memory`) and,
/// when `rollup` is given, given to it too.
fn summarize_touched(
    conn: &Connection,
    mut rollup: Option<&mut TouchedParts>,
    from_memory: Option<FromMemory<'_>>,
) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM traces WHERE trace_id IN (SELECT trace_id FROM temp.touched)",
        [],
    )?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO traces (trace_id, root_service, root_name, start_ns, end_ns, duration_ns, \
                             spans, errors, services, logs) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?;
    let mut count_logs = conn.prepare_cached("SELECT COUNT(*) FROM logs WHERE trace_id = ?")?;
    read_touched(
        conn,
        rollup.is_some(),
        from_memory,
        &mut |trace_id, spans| {
            if let Some(row) = trace_summary(spans.iter().map(|row| &row.span)) {
                let logs: i64 = count_logs.query_row([trace_id], |row| row.get(0))?;
                insert.execute(params![
                    trace_id,
                    row.root_service,
                    row.root_name,
                    row.start_ns,
                    row.end_ns,
                    row.end_ns - row.start_ns,
                    row.spans,
                    row.errors,
                    row.services,
                    logs,
                ])?;
            }
            if let Some(rollup) = rollup.as_deref_mut() {
                rollup.add(conn, trace_id, spans)?;
            }
            Ok(())
        },
    )
}

/// The summary of one trace made from its spans (a `traces` row without its log
/// count); `None` without spans.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct TraceSummary<'a> {
    pub(super) root_service: &'a str,
    pub(super) root_name: &'a str,
    pub(super) start_ns: i64,
    pub(super) end_ns: i64,
    pub(super) spans: i64,
    pub(super) errors: i64,
    pub(super) services: i64,
}

/// The summary of a trace's spans. The root is the earliest span whose parent is
/// not among them (ties broken by span id), the earliest of all if none is.
pub(super) fn trace_summary<'a, I>(spans: I) -> Option<TraceSummary<'a>>
where
    I: Iterator<Item = &'a ServiceSpan> + Clone,
{
    let ids: HashSet<&[u8]> = spans.clone().map(|span| span.span_id.as_slice()).collect();
    let root = spans.clone().min_by(|a, b| {
        let key = |span: &'a ServiceSpan| {
            let has_parent = span
                .parent_span_id
                .as_deref()
                .is_some_and(|parent| ids.contains(parent));
            (has_parent, span.start_ns, span.span_id.as_slice())
        };
        key(a).cmp(&key(b))
    })?;
    let mut services: HashSet<&str> = HashSet::new();
    let mut summary = TraceSummary {
        root_service: &root.service,
        root_name: &root.name,
        start_ns: i64::MAX,
        end_ns: i64::MIN,
        spans: 0,
        errors: 0,
        services: 0,
    };
    for span in spans {
        summary.start_ns = summary.start_ns.min(span.start_ns);
        summary.end_ns = summary.end_ns.max(span.start_ns + span.duration_ns);
        summary.spans += 1;
        summary.errors += i64::from(span.error);
        services.insert(&span.service);
    }
    summary.services = services.len() as i64;
    Some(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: u8, parent: Option<u8>, service: &str, start_ns: i64, error: bool) -> ServiceSpan {
        ServiceSpan {
            span_id: vec![id; 8],
            parent_span_id: parent.map(|parent| vec![parent; 8]),
            service: service.to_string(),
            name: format!("op{id}"),
            kind: 1,
            error,
            duration_ns: 10,
            start_ns,
            matched: true,
            attributes: None,
        }
    }

    #[test]
    fn a_trace_summary_takes_the_earliest_span_without_a_parent_in_the_trace_as_root() {
        // Span 2's parent (9) is not in the trace: it is a root, earlier than span 1.
        let spans = [
            span(1, None, "web", 100, false),
            span(2, Some(9), "edge", 50, true),
            span(3, Some(1), "db", 20, true),
            span(4, Some(1), "web", 200, false),
        ];
        let summary = trace_summary(spans.iter()).unwrap();
        assert_eq!(
            summary,
            TraceSummary {
                root_service: "edge",
                root_name: "op2",
                start_ns: 20,
                end_ns: 210,
                spans: 4,
                errors: 2,
                services: 3,
            }
        );
        // Every span with its parent in the trace (a cycle): the earliest, then
        // the lowest span id.
        let cycle = [
            span(5, Some(6), "a", 30, false),
            span(6, Some(5), "b", 30, false),
        ];
        assert_eq!(trace_summary(cycle.iter()).unwrap().root_name, "op5");
        assert_eq!(trace_summary([].iter()), None);
    }

    #[test]
    fn a_log_links_to_its_span_its_trace_or_nothing_known() {
        let mut known = KnownSpans::default();
        known.add(&TraceId([1; 16]), &SpanId([1; 8]), "web", "GET /", 2);
        assert_eq!(
            known.link(Some(&TraceId([1; 16])), Some(&SpanId([1; 8]))),
            Link::Span
        );
        assert_eq!(
            known.link(Some(&TraceId([1; 16])), Some(&SpanId([2; 8]))),
            Link::Trace
        );
        assert_eq!(known.link(Some(&TraceId([1; 16])), None), Link::Trace);
        assert_eq!(
            known.link(Some(&TraceId([2; 16])), Some(&SpanId([1; 8]))),
            Link::Orphan
        );
        assert_eq!(known.link(None, Some(&SpanId([1; 8]))), Link::Unlinked);
    }

    #[test]
    fn spans_of_one_operation_share_its_index_and_others_have_their_own() {
        let mut known = KnownSpans::default();
        let trace_id = TraceId([1; 16]);
        for (span, service, name, kind) in [
            (1, "web", "GET /", 2),
            (2, "web", "GET /", 2),
            (3, "web", "GET /", 3),
            (4, "db", "GET /", 2),
            (5, "web", "GET /x", 2),
        ] {
            known.add(&trace_id, &SpanId([span; 8]), service, name, kind);
        }
        // A second copy of a span keeps the first one's operation.
        known.add(&trace_id, &SpanId([1; 8]), "other", "other", 1);
        let operation = |span: u8| known.operation_of(&trace_id, &SpanId([span; 8])).unwrap();
        assert_eq!(operation(1), operation(2));
        let distinct: HashSet<u32> = [1, 3, 4, 5].into_iter().map(operation).collect();
        assert_eq!(distinct.len(), 4);
        assert_eq!(
            known.operation(operation(4)),
            &("db".to_string(), "GET /".to_string(), 2)
        );
        assert_eq!(
            known.operation(operation(1)),
            &("web".to_string(), "GET /".to_string(), 2)
        );
    }
}
