//! Read-only queries over a case for the CLI and the app: stats, the trace list,
//! one trace with its spans and logs, log pages, sources. The structs here are
//! the `--json` contract of DESIGN.md "CLI": field names and order matter.
//! Every list takes a limit and an offset; nothing here writes.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};

use super::search::TraceSort;
use super::StoreError;
use crate::ids::{SpanId, TraceId};
use crate::model::{Link, StatusCode};
use crate::query::{Condition, LogSql, Param, Query, TraceSql};

/// Read-only pool for the UI and the CLI; cheap to clone.
#[derive(Clone)]
pub struct Reader {
    pub(super) pool: SqlitePool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Stats {
    pub sources: i64,
    pub traces: i64,
    pub spans: i64,
    pub error_spans: i64,
    pub logs: i64,
    pub logs_span_linked: i64,
    pub logs_trace_linked: i64,
    pub logs_orphan: i64,
    pub logs_unlinked: i64,
    pub services: Vec<ServiceStats>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceStats {
    pub name: String,
    pub spans: i64,
    pub logs: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TraceSummary {
    pub trace_id: String,
    pub root_service: String,
    pub root_name: String,
    pub start_ns: i64,
    pub duration_ns: i64,
    pub spans: i64,
    pub errors: i64,
    pub logs: i64,
}

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

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogView {
    pub id: i64,
    pub ts_ns: Option<i64>,
    pub severity: i64,
    pub severity_text: String,
    pub service: String,
    pub body: String,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    pub link: Link,
    pub source: String,
    pub line: Option<i64>,
    pub unparsed: bool,
    pub attributes: Value,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SourceView {
    pub id: i64,
    pub path: String,
    pub size: i64,
    pub format: Option<String>,
    /// A `SourceStatus`, as text.
    #[cfg_attr(feature = "ts", ts(as = "super::SourceStatus"))]
    pub status: String,
    pub spans: i64,
    pub logs: i64,
    pub unparsed: i64,
    pub problems: i64,
    pub errors: Value,
}

/// Which traces to list; `limit` 0 means no limit.
#[derive(Debug, Clone, Default)]
pub struct TraceFilter {
    /// The search-box query (`Query::default()` for all).
    pub query: Query,
    pub trace_id: Option<TraceId>,
    /// Traces that contain this span.
    pub span_id: Option<SpanId>,
    pub sort: TraceSort,
    pub limit: u64,
    pub offset: u64,
}

/// Which logs to list, in time order; `limit` 0 means no limit.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    /// The search-box query (`Query::default()` for all).
    pub query: Query,
    pub trace_id: Option<TraceId>,
    pub span_id: Option<SpanId>,
    pub link: Option<Link>,
    pub limit: u64,
    pub offset: u64,
}

pub(super) const LOG_COLUMNS: &str =
    "l.id, l.ts_ns, l.severity, l.severity_text, l.service, l.body, \
    l.trace_id, l.span_id, l.link, l.line, l.unparsed, l.attributes, src.path AS source";

impl Reader {
    pub(super) fn new(pool: SqlitePool) -> Self {
        Reader { pool }
    }

    pub async fn stats(&self) -> Result<Stats, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM sources WHERE status = 'complete') AS sources, \
                    (SELECT COUNT(*) FROM traces) AS traces, \
                    (SELECT COUNT(*) FROM spans) AS spans, \
                    (SELECT COUNT(*) FROM spans WHERE status_code = 2) AS error_spans",
        )
        .fetch_one(&self.pool)
        .await?;
        let mut by_link = [0i64; 4];
        for link_row in sqlx::query("SELECT link, COUNT(*) AS n FROM logs GROUP BY link")
            .fetch_all(&self.pool)
            .await?
        {
            let link: i64 = link_row.get("link");
            by_link[link.clamp(0, 3) as usize] += link_row.get::<i64, _>("n");
        }
        let mut services: BTreeMap<String, ServiceStats> = BTreeMap::new();
        for (sql, is_spans) in [
            (
                "SELECT service, COUNT(*) AS n FROM spans GROUP BY service",
                true,
            ),
            (
                "SELECT service, COUNT(*) AS n FROM logs GROUP BY service",
                false,
            ),
        ] {
            for service_row in sqlx::query(sql).fetch_all(&self.pool).await? {
                let name: String = service_row.get("service");
                let count: i64 = service_row.get("n");
                let entry = services.entry(name.clone()).or_insert(ServiceStats {
                    name,
                    spans: 0,
                    logs: 0,
                });
                if is_spans {
                    entry.spans = count;
                } else {
                    entry.logs = count;
                }
            }
        }
        Ok(Stats {
            sources: row.get("sources"),
            traces: row.get("traces"),
            spans: row.get("spans"),
            error_spans: row.get("error_spans"),
            logs: by_link.iter().sum(),
            logs_span_linked: by_link[Link::Span as usize],
            logs_trace_linked: by_link[Link::Trace as usize],
            logs_orphan: by_link[Link::Orphan as usize],
            logs_unlinked: by_link[Link::Unlinked as usize],
            services: services.into_values().collect(),
        })
    }

    /// Trace summaries matching the filter, sorted as it says.
    pub async fn traces(&self, filter: &TraceFilter) -> Result<Vec<TraceSummary>, StoreError> {
        let condition = TraceSql::condition(&self.with_regex_words(&filter.query).await?);
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT t.trace_id, t.root_service, t.root_name, t.start_ns, t.duration_ns, t.spans, \
             t.errors, t.logs FROM traces t WHERE 1 = 1",
        );
        push_condition(&mut query, &condition);
        if let Some(trace_id) = filter.trace_id {
            query
                .push(" AND t.trace_id = ")
                .push_bind(trace_id.0.to_vec());
        }
        if let Some(span_id) = filter.span_id {
            query
                .push(" AND t.trace_id IN (SELECT trace_id FROM spans WHERE span_id = ")
                .push_bind(span_id.0.to_vec())
                .push(")");
        }
        query.push(match filter.sort {
            TraceSort::Start => " ORDER BY t.start_ns, t.trace_id",
            TraceSort::Duration => " ORDER BY t.duration_ns DESC, t.trace_id",
            TraceSort::Errors => " ORDER BY t.errors DESC, t.start_ns, t.trace_id",
        });
        push_page(&mut query, filter.limit, filter.offset);
        let rows = query.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(trace_summary).collect())
    }

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

    /// Logs in time order (records without a time last, then in load order).
    pub async fn logs(&self, filter: &LogFilter) -> Result<Vec<LogView>, StoreError> {
        let mut query = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {LOG_COLUMNS} FROM logs l JOIN sources src ON src.id = l.source_id WHERE 1 = 1"
        ));
        let condition = LogSql::condition(&self.with_regex_words(&filter.query).await?);
        push_condition(&mut query, &condition);
        if let Some(trace_id) = filter.trace_id {
            query
                .push(" AND l.trace_id = ")
                .push_bind(trace_id.0.to_vec());
        }
        if let Some(span_id) = filter.span_id {
            query
                .push(" AND l.span_id = ")
                .push_bind(span_id.0.to_vec());
        }
        if let Some(link) = filter.link {
            query.push(" AND l.link = ").push_bind(link as i64);
        }
        query.push(" ORDER BY l.ts_ns IS NULL, l.ts_ns, l.id");
        push_page(&mut query, filter.limit, filter.offset);
        let rows = query.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(log_view).collect())
    }

    /// Every source of the case, in load order.
    pub async fn sources(&self) -> Result<Vec<SourceView>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, path, size, format, status, spans, logs, unparsed, problems, errors \
             FROM sources ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| SourceView {
                id: row.get("id"),
                path: row.get("path"),
                size: row.get("size"),
                format: row.get("format"),
                status: row.get("status"),
                spans: row.get("spans"),
                logs: row.get("logs"),
                unparsed: row.get("unparsed"),
                problems: row.get("problems"),
                errors: json_column(row, "errors"),
            })
            .collect())
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// Appends ` AND (condition)`, binding its parameters in order.
fn push_condition(query: &mut QueryBuilder<Sqlite>, condition: &Condition) {
    query.push(" AND (");
    let mut pieces = condition.sql.split('?');
    query.push(pieces.next().unwrap_or_default());
    for (piece, param) in pieces.zip(&condition.params) {
        match param {
            Param::Int(value) => query.push_bind(*value),
            Param::Real(value) => query.push_bind(*value),
            Param::Text(value) => query.push_bind(value.clone()),
            Param::Blob(value) => query.push_bind(value.clone()),
        };
        query.push(piece);
    }
    query.push(")");
}

pub(super) fn trace_summary(row: &SqliteRow) -> TraceSummary {
    TraceSummary {
        trace_id: hex_column(row, "trace_id").unwrap_or_default(),
        root_service: row.get("root_service"),
        root_name: row.get("root_name"),
        start_ns: row.get("start_ns"),
        duration_ns: row.get("duration_ns"),
        spans: row.get("spans"),
        errors: row.get("errors"),
        logs: row.get("logs"),
    }
}

fn push_page(query: &mut QueryBuilder<Sqlite>, limit: u64, offset: u64) {
    let limit = if limit == 0 {
        -1
    } else {
        limit.min(i64::MAX as u64) as i64
    };
    query.push(" LIMIT ").push_bind(limit);
    query
        .push(" OFFSET ")
        .push_bind(offset.min(i64::MAX as u64) as i64);
}

pub(super) fn log_view(row: &SqliteRow) -> LogView {
    LogView {
        id: row.get("id"),
        ts_ns: row.get("ts_ns"),
        severity: row.get("severity"),
        severity_text: row.get("severity_text"),
        service: row.get("service"),
        body: row.get("body"),
        trace_id: hex_column(row, "trace_id"),
        span_id: hex_column(row, "span_id"),
        link: Link::from_i64(row.get("link")),
        source: row.get("source"),
        line: row.get("line"),
        unparsed: row.get("unparsed"),
        attributes: json_column(row, "attributes"),
    }
}

fn hex_column(row: &SqliteRow, column: &str) -> Option<String> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let bytes: Option<&[u8]> = row.get(column);
    bytes.map(|bytes| {
        let mut text = String::with_capacity(bytes.len() * 2);
        for byte in bytes {
            text.push(char::from(DIGITS[usize::from(byte >> 4)]));
            text.push(char::from(DIGITS[usize::from(byte & 0xf)]));
        }
        text
    })
}

fn json_column(row: &SqliteRow, column: &str) -> Value {
    let text: String = row.get(column);
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}
