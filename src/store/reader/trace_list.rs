//! `Reader::traces`: the trace list — trace summaries matching a search-box query
//! and the filter's ids, sorted by start, duration or errors, one page at a time
//! (`weft traces`, the app's trace table), and whether a trace is among the
//! slowest tenth (`is_slow`, the app's critical path default). One trace with its spans is
//! `trace_view`'s; the summaries themselves are kept by the writer.

use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::rows::{hex_column, push_page, query_with};
use super::Reader;
use crate::ids::{SpanId, TraceId};
use crate::query::{Param, Query, TraceSql};
use crate::store::StoreError;

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

/// The order of the trace list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TraceSort {
    #[default]
    Start,
    Duration,
    Errors,
}

impl Reader {
    /// Trace summaries matching the filter, sorted as it says.
    pub async fn traces(&self, filter: &TraceFilter) -> Result<Vec<TraceSummary>, StoreError> {
        let resolved = self.with_regex_words(&filter.query).await?;
        let condition = TraceSql::condition(&filter.query, &resolved);
        let mut sql = format!(
            "SELECT t.trace_id, t.root_service, t.root_name, t.start_ns, t.duration_ns, t.spans, \
             t.errors, t.logs FROM traces t WHERE 1 = 1 AND ({})",
            condition.sql
        );
        let mut params = condition.params;
        if let Some(trace_id) = filter.trace_id {
            sql.push_str(" AND t.trace_id = ?");
            params.push(Param::Blob(trace_id.0.to_vec()));
        }
        if let Some(span_id) = filter.span_id {
            sql.push_str(" AND t.trace_id IN (SELECT trace_id FROM spans WHERE span_id = ?)");
            params.push(Param::Blob(span_id.0.to_vec()));
        }
        sql.push_str(match filter.sort {
            TraceSort::Start => " ORDER BY t.start_ns, t.trace_id",
            TraceSort::Duration => " ORDER BY t.duration_ns DESC, t.trace_id",
            TraceSort::Errors => " ORDER BY t.errors DESC, t.start_ns, t.trace_id",
        });
        push_page(&mut sql, &mut params, filter.limit, filter.offset);
        let rows = query_with(sql, &params).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(trace_summary).collect())
    }
}

impl Reader {
    /// Whether trace `trace_id` is among the slowest tenth of the case's traces: fewer
    /// than a tenth of them last longer (two counts on `traces_duration`). False when
    /// the case has no such trace.
    pub async fn is_slow(&self, trace_id: TraceId) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM traces) AS total, \
             (SELECT COUNT(*) FROM traces WHERE duration_ns > d.duration_ns) AS longer \
             FROM traces d WHERE d.trace_id = ?",
        )
        .bind(trace_id.0.to_vec())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some_and(|row| {
            let (total, longer): (i64, i64) = (row.get("total"), row.get("longer"));
            longer * 10 < total
        }))
    }
}

fn trace_summary(row: &SqliteRow) -> TraceSummary {
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
