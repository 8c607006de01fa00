//! `Reader::service_tally`: every span of the case, trace by trace, with whether a
//! query matches it, counted by `analysis::services` into RED per service and
//! operation and the call graph; and the logs per service matching the same query.
//! Spans are read in pages by their primary key (`span_pages`; memory: one page,
//! plus the durations the percentiles need).

use std::collections::HashMap;

use serde_json::Value;
use sqlx::Row;

use super::rows::query_with;
use super::Reader;
use crate::analysis::services::{ServiceSpan, ServiceTally, KIND_CLIENT};
use crate::analysis::KIND_PRODUCER;
use crate::query::{LogSql, Query, SpanSql};
use crate::severity::ERROR;
use crate::store::StoreError;

/// Logs per service: (all, at error or above).
pub type ServiceLogs = HashMap<String, (u64, u64)>;

impl Reader {
    /// The services analysis of the spans `query` matches (every span for the empty
    /// query), and each service's logs matching it.
    pub async fn service_tally(
        &self,
        query: &Query,
    ) -> Result<(ServiceTally, ServiceLogs), StoreError> {
        let resolved = self.with_regex_words(query).await?;
        let (matched_sql, matched_params) = match SpanSql::condition(query) {
            Some(condition) => (condition.sql, condition.params),
            None => ("0".to_string(), Vec::new()),
        };
        let mut tally = ServiceTally::default();
        let mut trace: Vec<u8> = Vec::new();
        let mut spans: Vec<ServiceSpan> = Vec::new();
        let columns = format!(
            "s.trace_id, s.span_id, s.parent_span_id, s.service, s.name, s.kind, \
             s.status_code, s.start_ns, s.end_ns - s.start_ns AS duration_ns, \
             CASE WHEN s.kind IN ({KIND_CLIENT}, {KIND_PRODUCER}) THEN s.attributes END \
               AS attributes, \
             ({matched_sql}) AS matched"
        );
        self.each_span_page(&columns, &matched_params, |rows| {
            for row in rows {
                let trace_id: Vec<u8> = row.get("trace_id");
                if trace_id != trace {
                    tally.add_trace(&spans);
                    spans.clear();
                    trace = trace_id;
                }
                let attributes: Option<String> = row.get("attributes");
                spans.push(ServiceSpan {
                    span_id: row.get("span_id"),
                    parent_span_id: row.get("parent_span_id"),
                    service: row.get("service"),
                    name: row.get("name"),
                    kind: row.get("kind"),
                    error: row.get::<i64, _>("status_code") == 2,
                    duration_ns: row.get("duration_ns"),
                    start_ns: row.get("start_ns"),
                    matched: row.get::<i64, _>("matched") != 0,
                    attributes: attributes
                        .and_then(|text| serde_json::from_str::<Value>(&text).ok()),
                });
            }
        })
        .await?;
        tally.add_trace(&spans);

        let logs = LogSql::condition(query, &resolved);
        let sql = format!(
            "SELECT l.service, COUNT(*) AS n, SUM(l.severity >= {ERROR}) AS errors \
             FROM logs l WHERE {} GROUP BY l.service",
            logs.sql
        );
        let per_service = query_with(sql, &logs.params)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                let (n, errors): (i64, i64) = (row.get("n"), row.get("errors"));
                (row.get("service"), (n as u64, errors as u64))
            })
            .collect();
        Ok((tally, per_service))
    }
}
