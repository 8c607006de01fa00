//! What `weft export` reads: the records of a selection back as the model's
//! `Span`s and `LogRecord`s, with everything the store kept of them (trace
//! state, flags, dropped counts, events, links, resources and scopes with their
//! schema URLs), a page at a time so that memory does not grow with the case:
//! trace ids in keyset pages, the spans of a page of traces in keyset pages, and
//! logs in pages of their row id. Turning records into OTLP messages is
//! `crate::export`'s; which traces and logs a query selects is `query::sql`'s.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::rows::query_with;
use super::Reader;
use crate::id_forms::IdForms;
use crate::ids::{SpanId, TraceId};
use crate::model::{Attributes, LogRecord, Resource, Scope, Span, SpanEvent, SpanLink, StatusCode};
use crate::query::{Condition, LogSql, Param, Query, TraceSql};
use crate::store::StoreError;

/// Which records an export takes: the traces matching `query` or named in
/// `trace_ids` with all their spans and logs, plus the logs matching `query`.
/// Neither given: the whole case.
#[derive(Debug, Clone, Default)]
pub struct RecordSelection {
    pub query: Option<Query>,
    pub trace_ids: Vec<TraceId>,
}

impl RecordSelection {
    /// True when the selection is the whole case.
    pub fn is_whole_case(&self) -> bool {
        self.query.is_none() && self.trace_ids.is_empty()
    }
}

/// The SQL conditions of a selection: over `traces t` and over
/// `logs l JOIN sources src`. Built once per export (a regex's words looked up).
#[derive(Debug, Clone)]
pub struct SelectionSql {
    traces: Condition,
    logs: Condition,
}

/// Resources and scopes read so far, shared by the records that point to them
/// (a case has few of them, so they are kept for the whole export).
#[derive(Debug, Default)]
pub struct InternedRows {
    resources: HashMap<i64, Arc<Resource>>,
    scopes: HashMap<i64, Arc<Scope>>,
}

/// A log as the export reads it: its row id (the page cursor) and the record.
#[derive(Debug, Clone)]
pub struct ExportLog {
    pub id: i64,
    pub record: LogRecord,
}

impl Reader {
    /// The conditions of `selection`, for `export_trace_ids` and `export_logs`.
    pub async fn selection_sql(
        &self,
        selection: &RecordSelection,
    ) -> Result<SelectionSql, StoreError> {
        if selection.is_whole_case() {
            return Ok(SelectionSql {
                traces: Condition {
                    sql: "1".into(),
                    params: Vec::new(),
                },
                logs: Condition {
                    sql: "1".into(),
                    params: Vec::new(),
                },
            });
        }
        let mut trace_parts: Vec<Condition> = Vec::new();
        let mut log_parts: Vec<Condition> = Vec::new();
        if !selection.trace_ids.is_empty() {
            let marks = vec!["?"; selection.trace_ids.len()].join(", ");
            let ids: Vec<Param> = selection
                .trace_ids
                .iter()
                .map(|id| Param::Blob(id.0.to_vec()))
                .collect();
            trace_parts.push(Condition {
                sql: format!("t.trace_id IN ({marks})"),
                params: ids.clone(),
            });
            log_parts.push(Condition {
                sql: format!("l.trace_id IN ({marks})"),
                params: ids,
            });
        }
        if let Some(query) = &selection.query {
            let resolved = self.with_regex_words(query).await?;
            let traces = TraceSql::condition(query, &resolved);
            // The logs of the selected traces, and the logs the query matches itself.
            log_parts.push(Condition {
                sql: format!(
                    "l.trace_id IN (SELECT t.trace_id FROM traces t WHERE {})",
                    traces.sql
                ),
                params: traces.params.clone(),
            });
            log_parts.push(LogSql::condition(query, &resolved));
            trace_parts.push(traces);
        }
        Ok(SelectionSql {
            traces: any_of(trace_parts),
            logs: any_of(log_parts),
        })
    }

    /// Up to `limit` ids of selected traces that have spans, after `after`, in id order.
    pub async fn export_trace_ids(
        &self,
        selection: &SelectionSql,
        after: Option<TraceId>,
        limit: u32,
    ) -> Result<Vec<TraceId>, StoreError> {
        let mut params = selection.traces.params.clone();
        params.push(Param::Blob(after.map_or_else(Vec::new, |id| id.0.to_vec())));
        params.push(Param::Int(i64::from(limit)));
        let sql = format!(
            "SELECT t.trace_id FROM traces t WHERE ({}) AND t.trace_id > ? \
             ORDER BY t.trace_id LIMIT ?",
            selection.traces.sql
        );
        let rows = query_with(sql, &params).fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .filter_map(|row| TraceId::from_bytes(row.get::<&[u8], _>("trace_id")))
            .collect())
    }

    /// Up to `limit` spans of the traces `trace_ids`, after `after` in (trace id, span
    /// id) order, each with its events and links and its resource and scope.
    pub async fn export_spans(
        &self,
        trace_ids: &[TraceId],
        after: Option<(TraceId, SpanId)>,
        limit: u32,
        interned: &mut InternedRows,
    ) -> Result<Vec<Span>, StoreError> {
        if trace_ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; trace_ids.len()].join(", ");
        let mut params: Vec<Param> = trace_ids
            .iter()
            .map(|id| Param::Blob(id.0.to_vec()))
            .collect();
        let (after_trace, after_span) = after.map_or((Vec::new(), Vec::new()), |(trace, span)| {
            (trace.0.to_vec(), span.0.to_vec())
        });
        params.extend([
            Param::Blob(after_trace),
            Param::Blob(after_span),
            Param::Int(i64::from(limit)),
        ]);
        let sql = format!(
            "SELECT trace_id, span_id, parent_span_id, trace_state, flags, name, kind, start_ns, \
             end_ns, status_code, status_message, attributes, resource_id, scope_id, \
             dropped_attributes_count, dropped_events_count, dropped_links_count \
             FROM spans WHERE trace_id IN ({marks}) AND (trace_id, span_id) > (?, ?) \
             ORDER BY trace_id, span_id LIMIT ?"
        );
        let rows = query_with(sql, &params).fetch_all(&self.pool).await?;
        let mut spans = Vec::with_capacity(rows.len());
        for row in &rows {
            let resource = self.resource(interned, row.get("resource_id")).await?;
            let scope = self.scope(interned, row.get("scope_id")).await?;
            let (Some(trace_id), Some(span_id)) = (
                TraceId::from_bytes(row.get::<&[u8], _>("trace_id")),
                SpanId::from_bytes(row.get::<&[u8], _>("span_id")),
            ) else {
                continue;
            };
            spans.push(Span {
                trace_id,
                span_id,
                parent_span_id: row
                    .get::<Option<&[u8]>, _>("parent_span_id")
                    .and_then(SpanId::from_bytes),
                trace_state: row.get("trace_state"),
                flags: count(row, "flags"),
                name: row.get("name"),
                kind: row.get::<i64, _>("kind") as i32,
                start_ns: row.get("start_ns"),
                end_ns: row.get("end_ns"),
                status_code: StatusCode::from_i64(row.get("status_code")),
                status_message: row.get("status_message"),
                attributes: attributes(row, "attributes"),
                events: Vec::new(),
                links: Vec::new(),
                dropped_attributes_count: count(row, "dropped_attributes_count"),
                dropped_events_count: count(row, "dropped_events_count"),
                dropped_links_count: count(row, "dropped_links_count"),
                resource,
                scope,
                id_forms: IdForms::default(),
            });
        }
        let (Some(first), Some(last)) = (spans.first(), spans.last()) else {
            return Ok(spans);
        };
        // Events and links of the page: the key range of its spans, in the traces asked for.
        let mut range = params[..trace_ids.len()].to_vec();
        range.extend([
            Param::Blob(first.trace_id.0.to_vec()),
            Param::Blob(first.span_id.0.to_vec()),
            Param::Blob(last.trace_id.0.to_vec()),
            Param::Blob(last.span_id.0.to_vec()),
        ]);
        let within = format!(
            "trace_id IN ({marks}) AND (trace_id, span_id) >= (?, ?) \
             AND (trace_id, span_id) <= (?, ?)"
        );
        let index: HashMap<([u8; 16], [u8; 8]), usize> = spans
            .iter()
            .enumerate()
            .map(|(at, span)| ((span.trace_id.0, span.span_id.0), at))
            .collect();
        let event_rows = query_with(
            format!(
                "SELECT trace_id, span_id, time_ns, name, attributes, dropped_attributes_count \
                 FROM span_events WHERE {within} ORDER BY trace_id, span_id, event_idx"
            ),
            &range,
        )
        .fetch_all(&self.pool)
        .await?;
        for row in &event_rows {
            if let Some(&at) = index.get(&key_of(row, "trace_id", "span_id")) {
                spans[at].events.push(SpanEvent {
                    time_ns: row.get("time_ns"),
                    name: row.get("name"),
                    attributes: attributes(row, "attributes"),
                    dropped_attributes_count: count(row, "dropped_attributes_count"),
                });
            }
        }
        let link_rows = query_with(
            format!(
                "SELECT trace_id, span_id, linked_trace_id, linked_span_id, trace_state, flags, \
                 attributes, dropped_attributes_count \
                 FROM span_links WHERE {within} ORDER BY trace_id, span_id, link_idx"
            ),
            &range,
        )
        .fetch_all(&self.pool)
        .await?;
        for row in &link_rows {
            let Some(&at) = index.get(&key_of(row, "trace_id", "span_id")) else {
                continue;
            };
            let (Some(trace_id), Some(span_id)) = (
                TraceId::from_bytes(row.get::<&[u8], _>("linked_trace_id")),
                SpanId::from_bytes(row.get::<&[u8], _>("linked_span_id")),
            ) else {
                continue;
            };
            spans[at].links.push(SpanLink {
                trace_id,
                span_id,
                trace_state: row.get("trace_state"),
                flags: count(row, "flags"),
                attributes: attributes(row, "attributes"),
                dropped_attributes_count: count(row, "dropped_attributes_count"),
            });
        }
        Ok(spans)
    }

    /// Up to `limit` selected logs with a row id above `after_id`, in row id (load) order.
    pub async fn export_logs(
        &self,
        selection: &SelectionSql,
        after_id: i64,
        limit: u32,
        interned: &mut InternedRows,
    ) -> Result<Vec<ExportLog>, StoreError> {
        let mut params = selection.logs.params.clone();
        params.extend([Param::Int(after_id), Param::Int(i64::from(limit))]);
        let sql = format!(
            "SELECT l.id, l.ts_ns, l.observed_ns, l.severity, l.severity_text, l.body, l.service, \
             l.trace_id, l.span_id, l.flags, l.attributes, l.resource_id, l.scope_id, l.line, \
             l.unparsed, l.ts_inferred \
             FROM logs l JOIN sources src ON src.id = l.source_id \
             WHERE ({}) AND l.id > ? ORDER BY l.id LIMIT ?",
            selection.logs.sql
        );
        let rows = query_with(sql, &params).fetch_all(&self.pool).await?;
        let mut logs = Vec::with_capacity(rows.len());
        for row in &rows {
            let resource = match row.get::<Option<i64>, _>("resource_id") {
                Some(id) => Some(self.resource(interned, id).await?),
                None => None,
            };
            let scope = match row.get::<Option<i64>, _>("scope_id") {
                Some(id) => Some(self.scope(interned, id).await?),
                None => None,
            };
            logs.push(ExportLog {
                id: row.get("id"),
                record: LogRecord {
                    ts_ns: row.get("ts_ns"),
                    observed_ns: row.get("observed_ns"),
                    severity: u8::try_from(row.get::<i64, _>("severity")).unwrap_or(0),
                    severity_text: row.get("severity_text"),
                    body: row.get("body"),
                    trace_id: row
                        .get::<Option<&[u8]>, _>("trace_id")
                        .and_then(TraceId::from_bytes),
                    span_id: row
                        .get::<Option<&[u8]>, _>("span_id")
                        .and_then(SpanId::from_bytes),
                    flags: count(row, "flags"),
                    attributes: attributes(row, "attributes"),
                    attributes_json: None,
                    service: Some(row.get("service")),
                    resource,
                    scope,
                    line: row.get::<Option<i64>, _>("line").map(|line| line as u64),
                    unparsed: row.get("unparsed"),
                    ts_inferred: row.get("ts_inferred"),
                    id_forms: IdForms::default(),
                },
            });
        }
        Ok(logs)
    }

    async fn resource(
        &self,
        interned: &mut InternedRows,
        id: i64,
    ) -> Result<Arc<Resource>, StoreError> {
        if let Some(resource) = interned.resources.get(&id) {
            return Ok(resource.clone());
        }
        let row = sqlx::query(
            "SELECT service, attributes, schema_url, dropped_attributes_count \
             FROM resources WHERE id = ?",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let resource = Arc::new(Resource {
            service: row.get("service"),
            attributes: attributes(&row, "attributes"),
            schema_url: row.get("schema_url"),
            dropped_attributes_count: count(&row, "dropped_attributes_count"),
        });
        interned.resources.insert(id, resource.clone());
        Ok(resource)
    }

    async fn scope(&self, interned: &mut InternedRows, id: i64) -> Result<Arc<Scope>, StoreError> {
        if let Some(scope) = interned.scopes.get(&id) {
            return Ok(scope.clone());
        }
        let row = sqlx::query(
            "SELECT name, version, attributes, schema_url, dropped_attributes_count \
             FROM scopes WHERE id = ?",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let scope = Arc::new(Scope {
            name: row.get("name"),
            version: row.get("version"),
            attributes: attributes(&row, "attributes"),
            schema_url: row.get("schema_url"),
            dropped_attributes_count: count(&row, "dropped_attributes_count"),
        });
        interned.scopes.insert(id, scope.clone());
        Ok(scope)
    }
}

/// Any of `parts` (false when empty).
fn any_of(parts: Vec<Condition>) -> Condition {
    if parts.is_empty() {
        return Condition {
            sql: "0".into(),
            params: Vec::new(),
        };
    }
    Condition {
        sql: parts
            .iter()
            .map(|part| format!("({})", part.sql))
            .collect::<Vec<_>>()
            .join(" OR "),
        params: parts.into_iter().flat_map(|part| part.params).collect(),
    }
}

/// A JSON object column as attributes; anything else (never written) as none.
fn attributes(row: &SqliteRow, column: &str) -> Attributes {
    match serde_json::from_str::<Value>(row.get(column)) {
        Ok(Value::Object(map)) => map,
        _ => Attributes::new(),
    }
}

fn count(row: &SqliteRow, column: &str) -> u32 {
    u32::try_from(row.get::<i64, _>(column)).unwrap_or(0)
}

fn key_of(row: &SqliteRow, trace: &str, span: &str) -> ([u8; 16], [u8; 8]) {
    let trace_id = TraceId::from_bytes(row.get::<&[u8], _>(trace)).map_or([0; 16], |id| id.0);
    let span_id = SpanId::from_bytes(row.get::<&[u8], _>(span)).map_or([0; 8], |id| id.0);
    (trace_id, span_id)
}
