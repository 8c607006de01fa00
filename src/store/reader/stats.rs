//! `Reader::stats`: what a case holds — sources, traces, spans, logs by link
//! state, and spans and logs per service (`weft stats`). Counts only; the records
//! themselves are read by the other readers.

use std::collections::BTreeMap;

use serde::Serialize;
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
            by_link[Link::from_i64(link) as usize] += link_row.get::<i64, _>("n");
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
}
