//! `Reader::service_tally`: RED per service and operation and the call graph
//! (`analysis::services::ServiceTally`) of the spans a query matches, and the logs
//! per service and per operation matching it. Two ways, one answer:
//! - **rollups** (`span_rollups`, `service_logs`, `operation_logs`, migration 0017,
//!   kept by the writer: `store/rollups.rs`) for the queries they answer exactly —
//!   the empty query and `service:` terms — once built and while no source is
//!   loading (they count complete and failed sources), read in one snapshot;
//! - **the scan**: every span of the case, trace by trace, with whether the query
//!   matches it, read in pages by the primary key (`span_pages`; memory: one page,
//!   plus the durations the percentiles need), and the logs counted with SQL.
//!
//! Measured on the generator's sets (release build, a 2-core machine shared with
//! other work): from the rollups, `weft map|services|operations --json` answer in
//! 50–120 ms on the medium set (200k spans, 1M logs) and 144–223 ms on the large
//! one (1M spans, 5M logs; `make bench BENCH=large` prints them), against 4.4–6.8 s
//! for the sqlx scan of the medium set. The scan (rusqlite, one statement) of the
//! medium set's spans takes 0.7 s where the sqlx pages took 3.7 s; a query whose log
//! condition looks up each log's span (`status:error`) takes ~3 s in all (was 8.5 s).

use std::collections::HashMap;

use serde_json::Value;
use sqlx::Row;

use super::rows::query_with;
use super::Reader;
use crate::analysis::services::{
    Call, ServiceSpan, ServiceTally, SpanRole, TallyLogs, KIND_CLIENT,
};
use crate::analysis::KIND_PRODUCER;
use crate::query::{LogSql, Param, Query, SpanSql, TermKind};
use crate::severity::ERROR;
use crate::store::rollup_blob;
use crate::store::StoreError;

/// Logs per service: (all, at error or above).
pub type ServiceLogs = HashMap<String, (u64, u64)>;

/// The `service:` terms of a query made of nothing else, as (name, negated): what
/// the rollups can answer (`None`: another term).
pub fn rollup_filter(query: &Query) -> Option<Vec<(String, bool)>> {
    query
        .terms
        .iter()
        .map(|term| match &term.kind {
            TermKind::Service(name) => Some((name.clone(), term.negated)),
            _ => None,
        })
        .collect()
}

/// Whether a service passes every `service:` term of a rollup filter.
fn passes(filter: &[(String, bool)], service: &str) -> bool {
    filter
        .iter()
        .all(|(name, negated)| (name == service) != *negated)
}

impl Reader {
    /// The services analysis of the spans `query` matches (every span for the empty
    /// query), and the logs matching it per service and per operation: from the
    /// rollups when they answer the query, else by a scan (the same answer).
    pub async fn service_tally(
        &self,
        query: &Query,
    ) -> Result<(ServiceTally, TallyLogs), StoreError> {
        if let Some(filter) = rollup_filter(query) {
            if let Some(found) = self.service_tally_from_rollups(&filter).await? {
                return Ok(found);
            }
        }
        self.service_tally_by_scan(query).await
    }

    /// `service_tally` from the rollups, for a query of `service:` terms (`filter`);
    /// `None` when they do not hold the case now (not built yet, or a source loading).
    pub async fn service_tally_from_rollups(
        &self,
        filter: &[(String, bool)],
    ) -> Result<Option<(ServiceTally, TallyLogs)>, StoreError> {
        // One read transaction: the rollups and the check that they are whole are of
        // one snapshot of the case.
        let mut tx = self.pool.begin().await?;
        let whole: bool = sqlx::query_scalar(
            "SELECT IFNULL((SELECT built FROM rollups_state), 0) \
               AND NOT EXISTS (SELECT 1 FROM sources WHERE status = 'loading')",
        )
        .fetch_one(&mut *tx)
        .await?;
        if !whole {
            return Ok(None);
        }
        let rows = sqlx::query(
            "SELECT service, name, kind, caller_edge, caller, has_peer, peer, calls_blob \
             FROM span_rollups",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut roles: HashMap<SpanRole, Vec<Call>> = HashMap::new();
        let mut tally = ServiceTally::default();
        for row in &rows {
            let service: String = row.get(0);
            if !passes(filter, &service) {
                tally.see(&service);
                continue;
            }
            let caller_edge: i64 = row.get(3);
            let role = SpanRole {
                service,
                name: row.get(1),
                kind: row.get(2),
                caller: (caller_edge != 0).then(|| (row.get(4), caller_edge == 2)),
                peer: row.get::<bool, _>(5).then(|| row.get(6)),
            };
            let blob: &[u8] = row.get(7);
            rollup_blob::decode_into(blob, roles.entry(role).or_default())
                .map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
        }
        for (role, calls) in &roles {
            tally.add_calls(role, calls);
        }
        let mut logs = TallyLogs::default();
        for row in sqlx::query("SELECT service, logs, errors FROM service_logs")
            .fetch_all(&mut *tx)
            .await?
        {
            let service: String = row.get(0);
            if passes(filter, &service) {
                let (n, errors): (i64, i64) = (row.get(1), row.get(2));
                logs.services.insert(service, (n as u64, errors as u64));
            }
        }
        for row in
            sqlx::query("SELECT log_service, service, name, kind, logs, errors FROM operation_logs")
                .fetch_all(&mut *tx)
                .await?
        {
            if passes(filter, row.get(0)) {
                let (n, errors): (i64, i64) = (row.get(4), row.get(5));
                let counts = logs
                    .operations
                    .entry((row.get(1), row.get(2), row.get(3)))
                    .or_default();
                counts.0 += n as u64;
                counts.1 += errors as u64;
            }
        }
        tx.commit().await?;
        Ok(Some((tally, logs)))
    }

    /// `service_tally` by reading every span (any query).
    pub async fn service_tally_by_scan(
        &self,
        query: &Query,
    ) -> Result<(ServiceTally, TallyLogs), StoreError> {
        let resolved = self.with_regex_words(query).await?;
        let (matched_sql, matched_params) = match SpanSql::condition(query) {
            Some(condition) => (condition.sql, condition.params),
            None => ("0".to_string(), Vec::new()),
        };
        let has_regex = query
            .terms
            .iter()
            .any(|term| matches!(term.kind, TermKind::Regex(_)));
        let tally = if has_regex {
            // `REGEXP` is a function of the sqlx connections only.
            self.scan_pages(&matched_sql, &matched_params).await?
        } else {
            let path = self.path.clone();
            tokio::task::spawn_blocking(move || scan_spans(&path, &matched_sql, &matched_params))
                .await
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))?
        };

        // The logs per service and per operation of their span in one pass: a query's
        // log condition may look up each log's span (`status:error`, `duration>…`).
        let logs = LogSql::condition(query, &resolved);
        let sql = format!(
            "SELECT l.service AS log_service, s.service, s.name, s.kind, COUNT(*) AS n, \
             SUM(l.severity >= {ERROR}) AS errors \
             FROM logs l LEFT JOIN spans s ON l.span_id IS NOT NULL \
               AND s.trace_id = l.trace_id AND s.span_id = l.span_id \
             WHERE {} GROUP BY l.service, s.service, s.name, s.kind",
            logs.sql
        );
        let mut counted = TallyLogs::default();
        for row in query_with(sql, &logs.params).fetch_all(&self.pool).await? {
            let (n, errors): (i64, i64) = (row.get("n"), row.get("errors"));
            let (n, errors) = (n as u64, errors as u64);
            let service = counted.services.entry(row.get("log_service")).or_default();
            service.0 += n;
            service.1 += errors;
            if let Some(span_service) = row.get::<Option<String>, _>("service") {
                let operation = counted
                    .operations
                    .entry((span_service, row.get("name"), row.get("kind")))
                    .or_default();
                operation.0 += n;
                operation.1 += errors;
            }
        }
        Ok((tally, counted))
    }

    /// Every span through the pool's pages (`span_pages`), with whether
    /// `matched_sql` holds, counted trace by trace.
    async fn scan_pages(
        &self,
        matched_sql: &str,
        matched_params: &[Param],
    ) -> Result<ServiceTally, StoreError> {
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
        self.each_span_page(&columns, matched_params, |rows| {
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
        Ok(tally)
    }
}

/// Every span of the case at `path` in (trace id, span id) order, with whether
/// `matched_sql` (over `spans s`, with `params`) holds, counted trace by trace: one
/// statement on a read-only rusqlite connection (one snapshot), since sqlx's cost
/// per row (its worker thread, a channel, columns looked up by name) was most of
/// the scan — measured on the generator's medium set (200k spans, release build):
/// see the module comment.
fn scan_spans(
    path: &std::path::Path,
    matched_sql: &str,
    params: &[Param],
) -> Result<ServiceTally, StoreError> {
    use rusqlite::types::Value as SqlValue;
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    let sql = format!(
        "SELECT s.trace_id, s.span_id, s.parent_span_id, s.service, s.name, s.kind, \
         s.status_code, s.start_ns, s.end_ns - s.start_ns, \
         CASE WHEN s.kind IN ({KIND_CLIENT}, {KIND_PRODUCER}) THEN s.attributes END, \
         ({matched_sql}) FROM spans s ORDER BY s.trace_id, s.span_id"
    );
    let values = params.iter().map(|param| match param {
        Param::Int(value) => SqlValue::Integer(*value),
        Param::Real(value) => SqlValue::Real(*value),
        Param::Text(value) => SqlValue::Text(value.clone()),
        Param::Blob(value) => SqlValue::Blob(value.clone()),
    });
    let mut select = conn.prepare(&sql)?;
    let mut rows = select.query(rusqlite::params_from_iter(values))?;
    let mut tally = ServiceTally::default();
    let mut trace: Vec<u8> = Vec::new();
    let mut spans: Vec<ServiceSpan> = Vec::new();
    while let Some(row) = rows.next()? {
        let trace_id = row.get_ref(0)?.as_blob().unwrap_or_default();
        if trace_id != trace.as_slice() {
            tally.add_trace(&spans);
            spans.clear();
            trace = trace_id.to_vec();
        }
        let attributes = row.get_ref(9)?.as_str_or_null().unwrap_or_default();
        spans.push(ServiceSpan {
            span_id: row.get(1)?,
            parent_span_id: row.get(2)?,
            service: row.get(3)?,
            name: row.get(4)?,
            kind: row.get(5)?,
            error: row.get::<_, i64>(6)? == 2,
            start_ns: row.get(7)?,
            duration_ns: row.get(8)?,
            matched: row.get::<_, Option<i64>>(10)?.unwrap_or(0) != 0,
            attributes: attributes.and_then(|text| serde_json::from_str::<Value>(text).ok()),
        });
    }
    tally.add_trace(&spans);
    Ok(tally)
}
