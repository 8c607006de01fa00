//! `Reader::logs` and `Reader::log_context`: logs by a filter (a query, a trace,
//! a span, a link state) in time order, and the lines around one log in its file.
//! Also the log row as every log reader returns it (`LogView`, `LOG_COLUMNS`,
//! `log_view`). The search box's cursor pages, counts, histogram and facets are
//! `log_search`, `log_histogram` and `log_facets`.

use serde::Serialize;
use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row};

use super::rows::{hex_column, json_column, push_page, query_with};
use super::Reader;
use crate::ids::{SpanId, TraceId};
use crate::model::Link;
use crate::query::{LogSql, Param, Query};
use crate::store::StoreError;

/// A log record as the readers return it (`--json` field order).
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

/// The columns `log_view` reads, over `logs l JOIN sources src`.
pub(super) const LOG_COLUMNS: &str =
    "l.id, l.ts_ns, l.severity, l.severity_text, l.service, l.body, \
    l.trace_id, l.span_id, l.link, l.line, l.unparsed, l.attributes, src.path AS source";

impl Reader {
    /// Logs in time order (records without a time last, then in load order).
    pub async fn logs(&self, filter: &LogFilter) -> Result<Vec<LogView>, StoreError> {
        let resolved = self.with_regex_words(&filter.query).await?;
        let condition = LogSql::condition(&filter.query, &resolved);
        let mut sql = format!(
            "SELECT {LOG_COLUMNS} FROM logs l JOIN sources src ON src.id = l.source_id \
             WHERE 1 = 1 AND ({})",
            condition.sql
        );
        let mut params = condition.params;
        if let Some(trace_id) = filter.trace_id {
            sql.push_str(" AND l.trace_id = ?");
            params.push(Param::Blob(trace_id.0.to_vec()));
        }
        if let Some(span_id) = filter.span_id {
            sql.push_str(" AND l.span_id = ?");
            params.push(Param::Blob(span_id.0.to_vec()));
        }
        if let Some(link) = filter.link {
            sql.push_str(" AND l.link = ?");
            params.push(Param::Int(link as i64));
        }
        let (mut sql, mut params) = if filter.limit == 0 {
            sql.push_str(" ORDER BY l.ts_ns IS NULL, l.ts_ns, l.id");
            (sql, params)
        } else {
            first_in_time_order(&sql, &params, filter.limit.saturating_add(filter.offset))
        };
        push_page(&mut sql, &mut params, filter.limit, filter.offset);
        let rows = query_with(sql, &params).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(log_view).collect())
    }

    /// The log lines around log `log_id` in its source file: up to `before` lines
    /// before it and `after` after it, in file order.
    pub async fn log_context(
        &self,
        log_id: i64,
        before: u32,
        after: u32,
    ) -> Result<Vec<LogView>, StoreError> {
        let sql = format!(
            "WITH target AS (SELECT source_id, COALESCE(line, 0) AS line, id FROM logs WHERE id = ?) \
             SELECT * FROM ( \
               SELECT {LOG_COLUMNS} FROM logs l JOIN sources src ON src.id = l.source_id, target \
               WHERE l.source_id = target.source_id \
                 AND (COALESCE(l.line, 0), l.id) < (target.line, target.id) \
               ORDER BY COALESCE(l.line, 0) DESC, l.id DESC LIMIT ?) \
             UNION ALL \
             SELECT * FROM ( \
               SELECT {LOG_COLUMNS} FROM logs l JOIN sources src ON src.id = l.source_id, target \
               WHERE l.source_id = target.source_id \
                 AND (COALESCE(l.line, 0), l.id) >= (target.line, target.id) \
               ORDER BY COALESCE(l.line, 0), l.id LIMIT ?)"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(log_id)
            .bind(i64::from(before))
            .bind(i64::from(after) + 1)
            .fetch_all(&self.pool)
            .await?;
        let mut lines: Vec<LogView> = rows.iter().map(log_view).collect();
        lines.sort_by_key(|log| (log.line.unwrap_or(0), log.id));
        Ok(lines)
    }
}

/// The first `upto` rows of `matching` (a `SELECT … WHERE …` over `logs l`, with
/// its `params`) in time order, records without a time last, for a page to be cut
/// from: the timed ones and the untimed ones each read in their own order (the time
/// index serves the first: one `ORDER BY l.ts_ns IS NULL, …` sorted every match,
/// 1.5 s for the first log of 5M), then the two merged.
fn first_in_time_order(matching: &str, params: &[Param], upto: u64) -> (String, Vec<Param>) {
    let upto = Param::Int(upto.min(i64::MAX as u64) as i64);
    let sql = format!(
        "SELECT * FROM ( \
           SELECT * FROM ({matching} AND l.ts_ns IS NOT NULL ORDER BY l.ts_ns, l.id LIMIT ?) \
           UNION ALL \
           SELECT * FROM ({matching} AND l.ts_ns IS NULL ORDER BY l.id LIMIT ?)) \
         ORDER BY ts_ns IS NULL, ts_ns, id"
    );
    let mut all = params.to_vec();
    all.push(upto.clone());
    all.extend_from_slice(params);
    all.push(upto);
    (sql, all)
}

/// A row of `LOG_COLUMNS` as a `LogView`.
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
