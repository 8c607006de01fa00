//! `Reader::trace`: one trace as the waterfall and `weft trace` show it — its
//! spans in start order with their events, links, resource, scope and logs, and
//! the logs of the trace that name no span of the case. Which traces match a
//! query is `trace_list`'s.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use sqlx::Row;

use super::logs::{LogFilter, LogView};
use super::rows::{hex_column, json_column};
use super::Reader;
use crate::ids::TraceId;
use crate::model::{Link, StatusCode};
use crate::store::StoreError;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TraceView {
    pub trace_id: String,
    pub spans: Vec<SpanView>,
    /// Logs of the trace whose span is not in the case (trace-linked).
    pub trace_logs: Vec<LogView>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpanView {
    pub span_id: String,
    pub parent_span_id: Option<String>,
    pub name: String,
    pub service: String,
    pub start_ns: i64,
    pub end_ns: i64,
    pub status: StatusCode,
    pub status_message: String,
    pub kind: i64,
    pub attributes: Value,
    pub events: Vec<EventView>,
    pub links: Vec<LinkView>,
    /// Shared by the spans of one resource (parsed once per trace).
    pub resource: Arc<Value>,
    pub scope: ScopeView,
    /// How many logs are span-linked to this span.
    pub log_count: usize,
    pub logs: Vec<LogView>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EventView {
    pub time_ns: i64,
    pub name: String,
    pub attributes: Value,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LinkView {
    pub trace_id: String,
    pub span_id: String,
    pub attributes: Value,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScopeView {
    pub name: String,
    pub version: String,
    pub attributes: Arc<Value>,
}

impl Reader {
    /// One trace: its spans in start order, each with its logs, and the logs of the
    /// trace that name no span of the case. `None` when the case holds neither.
    pub async fn trace(&self, trace_id: TraceId) -> Result<Option<TraceView>, StoreError> {
        let trace_key = trace_id.0.to_vec();
        let span_rows = sqlx::query(
            "SELECT s.span_id, s.parent_span_id, s.name, s.service, s.start_ns, s.end_ns, \
                    s.status_code, s.status_message, s.kind, s.attributes, s.resource_id, \
                    s.scope_id \
             FROM spans s WHERE s.trace_id = ? ORDER BY s.start_ns, s.span_id",
        )
        .bind(&trace_key)
        .fetch_all(&self.pool)
        .await?;
        // Resources and scopes once each: a trace's spans share a few of them.
        let resources: HashMap<i64, Arc<Value>> = sqlx::query(
            "SELECT id, attributes FROM resources WHERE id IN \
             (SELECT resource_id FROM spans WHERE trace_id = ?)",
        )
        .bind(&trace_key)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| (row.get("id"), Arc::new(json_column(row, "attributes"))))
        .collect();
        let scopes: HashMap<i64, ScopeView> = sqlx::query(
            "SELECT id, name, version, attributes FROM scopes WHERE id IN \
             (SELECT scope_id FROM spans WHERE trace_id = ?)",
        )
        .bind(&trace_key)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| {
            let scope = ScopeView {
                name: row.get("name"),
                version: row.get("version"),
                attributes: Arc::new(json_column(row, "attributes")),
            };
            (row.get("id"), scope)
        })
        .collect();
        let event_rows = sqlx::query(
            "SELECT span_id, time_ns, name, attributes FROM span_events WHERE trace_id = ? \
             ORDER BY span_id, event_idx",
        )
        .bind(&trace_key)
        .fetch_all(&self.pool)
        .await?;
        let link_rows = sqlx::query(
            "SELECT span_id, linked_trace_id, linked_span_id, attributes FROM span_links \
             WHERE trace_id = ? ORDER BY span_id, link_idx",
        )
        .bind(&trace_key)
        .fetch_all(&self.pool)
        .await?;
        let logs = self
            .logs(&LogFilter {
                trace_id: Some(trace_id),
                ..LogFilter::default()
            })
            .await?;
        if span_rows.is_empty() && logs.is_empty() {
            return Ok(None);
        }
        let mut spans: Vec<SpanView> = span_rows
            .iter()
            .map(|row| SpanView {
                span_id: hex_column(row, "span_id").unwrap_or_default(),
                parent_span_id: hex_column(row, "parent_span_id"),
                name: row.get("name"),
                service: row.get("service"),
                start_ns: row.get("start_ns"),
                end_ns: row.get("end_ns"),
                status: StatusCode::from_i64(row.get("status_code")),
                status_message: row.get("status_message"),
                kind: row.get("kind"),
                attributes: json_column(row, "attributes"),
                events: Vec::new(),
                links: Vec::new(),
                resource: resources
                    .get(&row.get::<i64, _>("resource_id"))
                    .cloned()
                    .unwrap_or_default(),
                scope: scopes
                    .get(&row.get::<i64, _>("scope_id"))
                    .cloned()
                    .unwrap_or_default(),
                log_count: 0,
                logs: Vec::new(),
            })
            .collect();
        let index: HashMap<String, usize> = spans
            .iter()
            .enumerate()
            .map(|(at, span)| (span.span_id.clone(), at))
            .collect();
        for row in &event_rows {
            if let Some(&at) = hex_column(row, "span_id").and_then(|id| index.get(&id)) {
                spans[at].events.push(EventView {
                    time_ns: row.get("time_ns"),
                    name: row.get("name"),
                    attributes: json_column(row, "attributes"),
                });
            }
        }
        for row in &link_rows {
            if let Some(&at) = hex_column(row, "span_id").and_then(|id| index.get(&id)) {
                spans[at].links.push(LinkView {
                    trace_id: hex_column(row, "linked_trace_id").unwrap_or_default(),
                    span_id: hex_column(row, "linked_span_id").unwrap_or_default(),
                    attributes: json_column(row, "attributes"),
                });
            }
        }
        let mut trace_logs = Vec::new();
        for log in logs {
            match log.span_id.as_ref().and_then(|id| index.get(id)) {
                Some(&at) if log.link == Link::Span => {
                    spans[at].log_count += 1;
                    spans[at].logs.push(log);
                }
                _ => trace_logs.push(log),
            }
        }
        Ok(Some(TraceView {
            trace_id: trace_id.to_hex(),
            spans,
            trace_logs,
        }))
    }
}
