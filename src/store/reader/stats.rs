//! `Reader::stats`: what a case holds — sources, traces, spans, logs by link
//! state, and spans and logs per service (`weft stats`, the app's counters).
//! Counts only; the records themselves are read by the other readers. While no
//! source loads, the logs come from the kept log counts (`log_counts`) and the
//! spans from the services rollups (`span_rollups`, when built): no row is read
//! but the traces' count.

use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::Reader;
use crate::model::Link;
use crate::store::StoreError;

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

impl Reader {
    pub async fn stats(&self) -> Result<Stats, StoreError> {
        if self.log_counts_hold().await? {
            let rollups_built: bool =
                sqlx::query_scalar("SELECT IFNULL((SELECT built FROM rollups_state), 0)")
                    .fetch_one(&self.pool)
                    .await?;
            if rollups_built {
                return self.stats_of_counts().await;
            }
        }
        self.stats_by_rows().await
    }

    /// `stats` from the kept log counts and the services rollups, which hold the
    /// case while no source loads.
    async fn stats_of_counts(&self) -> Result<Stats, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM sources WHERE status = 'complete') AS sources, \
                    (SELECT COUNT(*) FROM traces) AS traces, \
                    (SELECT IFNULL(SUM(calls), 0) FROM span_rollups) AS spans, \
                    (SELECT IFNULL(SUM(errors), 0) FROM span_rollups) AS error_spans",
        )
        .fetch_one(&self.pool)
        .await?;
        let by_link = sqlx::query("SELECT link, SUM(n) AS n FROM log_counts GROUP BY link")
            .fetch_all(&self.pool)
            .await?;
        let spans =
            sqlx::query("SELECT service, SUM(calls) AS n FROM span_rollups GROUP BY service")
                .fetch_all(&self.pool)
                .await?;
        let logs = sqlx::query("SELECT service, SUM(n) AS n FROM log_counts GROUP BY service")
            .fetch_all(&self.pool)
            .await?;
        Ok(stats_of(&row, &by_link, &spans, &logs))
    }

    /// `stats` counted from the rows (what the kept counts stand in for).
    pub async fn stats_by_rows(&self) -> Result<Stats, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM sources WHERE status = 'complete') AS sources, \
                    (SELECT COUNT(*) FROM traces) AS traces, \
                    (SELECT COUNT(*) FROM spans) AS spans, \
                    (SELECT COUNT(*) FROM spans WHERE status_code = 2) AS error_spans",
        )
        .fetch_one(&self.pool)
        .await?;
        let by_link = sqlx::query("SELECT link, COUNT(*) AS n FROM logs GROUP BY link")
            .fetch_all(&self.pool)
            .await?;
        let spans = sqlx::query("SELECT service, COUNT(*) AS n FROM spans GROUP BY service")
            .fetch_all(&self.pool)
            .await?;
        let logs = sqlx::query("SELECT service, COUNT(*) AS n FROM logs GROUP BY service")
            .fetch_all(&self.pool)
            .await?;
        Ok(stats_of(&row, &by_link, &spans, &logs))
    }
}

/// The stats from the case's totals (`row`: sources, traces, spans, error_spans),
/// logs per link state and spans and logs per service (rows of `link` or
/// `service`, and `n`).
fn stats_of(
    row: &SqliteRow,
    by_link: &[SqliteRow],
    spans: &[SqliteRow],
    logs: &[SqliteRow],
) -> Stats {
    let mut links = [0i64; 4];
    for link_row in by_link {
        let link: i64 = link_row.get("link");
        links[Link::from_i64(link) as usize] += link_row.get::<i64, _>("n");
    }
    let mut services: BTreeMap<String, ServiceStats> = BTreeMap::new();
    for (rows, is_spans) in [(spans, true), (logs, false)] {
        for service_row in rows {
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
    Stats {
        sources: row.get("sources"),
        traces: row.get("traces"),
        spans: row.get("spans"),
        error_spans: row.get("error_spans"),
        logs: links.iter().sum(),
        logs_span_linked: links[Link::Span as usize],
        logs_trace_linked: links[Link::Trace as usize],
        logs_orphan: links[Link::Orphan as usize],
        logs_unlinked: links[Link::Unlinked as usize],
        services: services.into_values().collect(),
    }
}
