//! The tail sampling simulation the user applied last (issue 17, migration 0014):
//! its policy text and query (`sampling_applied`, one row) and each simulated
//! trace's decision (`sampled_traces`), which the query term `sampled:kept` /
//! `sampled:dropped` reads (`query::sql`). `Writer::apply_sampling` replaces both
//! in one transaction; `Reader::applied_sampling` reads the policy back (the app's
//! sampling panel shows it when the case is reopened). Simulating is
//! `analysis::sampling`'s; this file only keeps its answer.

use rusqlite::params;
use serde::Serialize;
use sqlx::Row;

use super::{Reader, StoreError, Writer};
use crate::ids::TraceId;

/// The simulation applied last: what the panel shows again.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AppliedSampling {
    /// The Collector configuration as the user gave it.
    pub config: String,
    /// The query that chose the traces simulated; empty: every trace of the case.
    pub query: String,
    /// When it was applied (Unix ns).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub applied_ns: i64,
    /// Traces simulated, and of them kept.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub traces: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub kept: i64,
}

impl Writer {
    /// Keeps `decided` (each simulated trace and whether the policy keeps it) as the
    /// case's applied sampling, with the policy text and query, replacing the one
    /// before. Rows are inserted in trace id order (the table's key order).
    pub async fn apply_sampling(
        &mut self,
        config: &str,
        query: &str,
        mut decided: Vec<(TraceId, bool)>,
    ) -> Result<(), StoreError> {
        let (config, query) = (config.to_string(), query.to_string());
        decided.sort_unstable_by_key(|(trace_id, _)| trace_id.0);
        decided.dedup_by_key(|(trace_id, _)| trace_id.0);
        self.transaction(move |tx| {
            tx.execute("DELETE FROM sampled_traces", [])?;
            tx.execute("DELETE FROM sampling_applied", [])?;
            let kept = decided.iter().filter(|(_, kept)| *kept).count() as i64;
            tx.execute(
                "INSERT INTO sampling_applied (id, config, query, applied_ns, traces, kept) \
                 VALUES (1, ?, ?, ?, ?, ?)",
                params![
                    config,
                    query,
                    crate::time::now_ns(),
                    decided.len() as i64,
                    kept
                ],
            )?;
            let mut insert =
                tx.prepare("INSERT INTO sampled_traces (trace_id, kept) VALUES (?, ?)")?;
            for (trace_id, kept) in &decided {
                insert.execute(params![&trace_id.0[..], kept])?;
            }
            Ok(())
        })
        .await
    }
}

impl Reader {
    /// The sampling applied last, if any.
    pub async fn applied_sampling(&self) -> Result<Option<AppliedSampling>, StoreError> {
        let row = sqlx::query(
            "SELECT config, query, applied_ns, traces, kept FROM sampling_applied WHERE id = 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| AppliedSampling {
            config: row.get("config"),
            query: row.get("query"),
            applied_ns: row.get("applied_ns"),
            traces: row.get("traces"),
            kept: row.get("kept"),
        }))
    }
}
