//! `Reader::time_density`: how many traces (by start) and logs matching a query
//! fall in each minute of the case, the empty minutes left out. The UI fits its
//! charts' time axes to the densest part of it (`ui/src/lib/model/timeFit.ts`), so a
//! case whose files span years still shows the incident wide. Logs of the empty
//! query are counted from the per-second counts (`log_seconds`) without reading a
//! log row, as are those of a query the kept log counts answer (`log_counts`);
//! another query's matches from the rows its condition selects, like the
//! histogram. Traces come from the `traces` summary rows (one row a trace).
//! Cost: one row per non-empty minute, so a week of continuous logs is ~10 000 rows.

use serde::Serialize;
use sqlx::Row;

use super::rows::query_with;
use super::Reader;
use crate::query::{LogSql, Query, TraceSql};
use crate::store::{StoreError, NO_TIME};

/// The width of a density bucket: one minute.
pub const DENSITY_BUCKET_NS: i64 = 60_000_000_000;

/// Counts per minute of the traces and the logs matching a query.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimeDensity {
    pub bucket_ns: i64,
    /// Minutes with traces starting in them, in time order.
    pub traces: Vec<DensityBucket>,
    /// Minutes with logs in them, in time order.
    pub logs: Vec<DensityBucket>,
}

/// `n` records in the bucket starting at `start_ns`.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DensityBucket {
    pub start_ns: i64,
    pub n: i64,
}

fn buckets(rows: &[sqlx::sqlite::SqliteRow]) -> Vec<DensityBucket> {
    rows.iter()
        .map(|row| DensityBucket {
            start_ns: row.get::<i64, _>(0) * DENSITY_BUCKET_NS,
            n: row.get::<i64, _>(1),
        })
        .collect()
}

impl Reader {
    /// The traces and logs matching `query` per minute (`DENSITY_BUCKET_NS`), in time
    /// order; minutes without any are left out. Times before 1970 fall in minute 0's
    /// side by SQLite's division (toward zero), which only widens their bucket.
    pub async fn time_density(&self, query: &Query) -> Result<TimeDensity, StoreError> {
        let resolved = self.with_regex_words(query).await?;
        let traces_condition = TraceSql::condition(query, &resolved);
        let sql = format!(
            "SELECT t.start_ns / {DENSITY_BUCKET_NS} AS minute, COUNT(*) AS n FROM traces t \
             WHERE 1 = 1 AND ({}) GROUP BY minute ORDER BY minute",
            traces_condition.sql
        );
        let trace_rows = query_with(sql, &traces_condition.params)
            .fetch_all(&self.pool)
            .await?;
        let kept = self.log_counts_condition(query).await?;
        let log_rows = if query.terms.is_empty() {
            sqlx::query(
                "SELECT second / 60 AS minute, SUM(n) AS n FROM log_seconds WHERE n > 0 \
                 GROUP BY minute ORDER BY minute",
            )
            .fetch_all(&self.pool)
            .await?
        } else if let Some(kept) = kept {
            let sql = format!(
                "SELECT c.second / 60 AS minute, SUM(c.n) AS n FROM log_counts c \
                 WHERE c.second != {NO_TIME} AND ({}) GROUP BY minute ORDER BY minute",
                kept.sql
            );
            query_with(sql, &kept.params).fetch_all(&self.pool).await?
        } else {
            return Ok(TimeDensity {
                bucket_ns: DENSITY_BUCKET_NS,
                traces: buckets(&trace_rows),
                logs: self.log_density_by_rows(query).await?,
            });
        };
        Ok(TimeDensity {
            bucket_ns: DENSITY_BUCKET_NS,
            traces: buckets(&trace_rows),
            logs: buckets(&log_rows),
        })
    }

    /// The logs of `time_density` counted from the rows (what the kept counts
    /// stand in for).
    pub async fn log_density_by_rows(
        &self,
        query: &Query,
    ) -> Result<Vec<DensityBucket>, StoreError> {
        let resolved = self.with_regex_words(query).await?;
        let condition = LogSql::condition(query, &resolved);
        let sql = format!(
            "SELECT l.ts_ns / {DENSITY_BUCKET_NS} AS minute, COUNT(*) AS n FROM logs l \
             WHERE ({}) GROUP BY minute ORDER BY minute",
            condition.sql
        );
        let rows = query_with(sql, &condition.params)
            .fetch_all(&self.pool)
            .await?;
        Ok(buckets(&rows))
    }
}
