//! `Reader::histogram`: the search box's log counts per time bucket and severity
//! class for a query. All logs are counted from the per-second counts
//! (`log_seconds`, kept by the writer) without reading a log row, as are the
//! matches of a query the kept log counts answer (`log_counts`: `service:`,
//! `level:`, `source:`, `link:`, whole-second `after:`/`before:`); another query's
//! matches are counted from the rows its condition (`query::LogSql`) selects.

use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::rows::query_with;
use super::Reader;
use crate::query::{Condition, LogSql, Param, Query};
use crate::store::{StoreError, NO_TIME};

const SECOND: i64 = 1_000_000_000;

/// Log counts per time bucket and severity class.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Histogram {
    pub start_ns: i64,
    pub bucket_ns: i64,
    /// The classes, in the order of each bucket's counts.
    pub levels: [&'static str; 7],
    pub counts: Vec<[i64; 7]>,
}

const LEVELS: [&str; 7] = [
    "unspecified",
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    "fatal",
];

/// Counts per (bucket, severity) rows into a histogram of severity classes.
fn fill_histogram(start_ns: i64, bucket_ns: i64, buckets: u32, rows: Vec<SqliteRow>) -> Histogram {
    let mut counts = vec![[0i64; 7]; buckets as usize];
    for row in rows {
        let bucket = row.get::<i64, _>("bucket").clamp(0, i64::from(buckets) - 1) as usize;
        let class = ((row.get::<i64, _>("severity") + 3) / 4).clamp(0, 6) as usize;
        counts[bucket][class] += row.get::<i64, _>("n");
    }
    Histogram {
        start_ns,
        bucket_ns,
        levels: LEVELS,
        counts,
    }
}

impl Reader {
    /// Matching logs per time bucket and severity class, over `range` (default: the
    /// matching logs' own span of time) cut into `buckets` buckets.
    pub async fn histogram(
        &self,
        query: &Query,
        buckets: u32,
        range: Option<(i64, i64)>,
    ) -> Result<Histogram, StoreError> {
        if query.terms.is_empty() {
            return self.histogram_of_all(buckets, range).await;
        }
        if let Some(kept) = self.log_counts_condition(query).await? {
            return self.histogram_of_counts(&kept, buckets, range).await;
        }
        self.histogram_by_rows(query, buckets, range).await
    }

    /// `histogram` counted from the rows (what the kept counts stand in for).
    pub async fn histogram_by_rows(
        &self,
        query: &Query,
        buckets: u32,
        range: Option<(i64, i64)>,
    ) -> Result<Histogram, StoreError> {
        let resolved = self.with_regex_words(query).await?;
        let condition = LogSql::condition(query, &resolved);
        let (start_ns, end_ns) = match range {
            Some(range) => range,
            None => {
                let sql = format!(
                    "SELECT MIN(l.ts_ns), MAX(l.ts_ns) FROM logs l WHERE {}",
                    condition.sql
                );
                let row = query_with(sql, &condition.params)
                    .fetch_one(&self.pool)
                    .await?;
                (
                    row.get::<Option<i64>, _>(0).unwrap_or(0),
                    row.get::<Option<i64>, _>(1).unwrap_or(0),
                )
            }
        };
        let buckets = buckets.max(1);
        let bucket_ns = ((end_ns - start_ns) / i64::from(buckets) + 1).max(1);
        let mut params = vec![Param::Int(start_ns), Param::Int(bucket_ns)];
        params.extend(condition.params.iter().cloned());
        params.extend([Param::Int(start_ns), Param::Int(end_ns)]);
        let sql = format!(
            "SELECT (l.ts_ns - ?) / ? AS bucket, l.severity AS severity, COUNT(*) AS n \
             FROM logs l WHERE ({}) AND l.ts_ns BETWEEN ? AND ? GROUP BY bucket, severity",
            condition.sql
        );
        let rows = query_with(sql, &params).fetch_all(&self.pool).await?;
        Ok(fill_histogram(start_ns, bucket_ns, buckets, rows))
    }

    /// The histogram of every log, from the per-second counts (`log_seconds`): buckets
    /// are whole seconds, and no log row is read.
    async fn histogram_of_all(
        &self,
        buckets: u32,
        range: Option<(i64, i64)>,
    ) -> Result<Histogram, StoreError> {
        let (start_ns, end_ns) = match range {
            Some(range) => range,
            None => {
                let row =
                    sqlx::query("SELECT MIN(second), MAX(second) FROM log_seconds WHERE n > 0")
                        .fetch_one(&self.pool)
                        .await?;
                let first = row.get::<Option<i64>, _>(0).unwrap_or(0);
                let last = row.get::<Option<i64>, _>(1).unwrap_or(0);
                (first * SECOND, last * SECOND + SECOND - 1)
            }
        };
        let buckets = buckets.max(1);
        let start_s = start_ns.div_euclid(SECOND);
        let span_s = end_ns.div_euclid(SECOND) - start_s + 1;
        let bucket_s = (span_s + i64::from(buckets) - 1) / i64::from(buckets);
        let rows = sqlx::query(
            "SELECT (second - ?) / ? AS bucket, severity, SUM(n) AS n FROM log_seconds \
             WHERE second BETWEEN ? AND ? AND n > 0 GROUP BY bucket, severity",
        )
        .bind(start_s)
        .bind(bucket_s.max(1))
        .bind(start_s)
        .bind(end_ns.div_euclid(SECOND))
        .fetch_all(&self.pool)
        .await?;
        Ok(fill_histogram(
            start_s * SECOND,
            bucket_s.max(1) * SECOND,
            buckets,
            rows,
        ))
    }

    /// The histogram of the logs the kept counts' condition `kept` selects (see
    /// `log_counts`): buckets are whole seconds, and no log row is read.
    async fn histogram_of_counts(
        &self,
        kept: &Condition,
        buckets: u32,
        range: Option<(i64, i64)>,
    ) -> Result<Histogram, StoreError> {
        let (start_ns, end_ns) = match range {
            Some(range) => range,
            None => {
                let sql = format!(
                    "SELECT MIN(c.second), MAX(c.second) FROM log_counts c \
                     WHERE c.second != {NO_TIME} AND ({})",
                    kept.sql
                );
                let row = query_with(sql, &kept.params).fetch_one(&self.pool).await?;
                let first = row.get::<Option<i64>, _>(0).unwrap_or(0);
                let last = row.get::<Option<i64>, _>(1).unwrap_or(0);
                (first * SECOND, last * SECOND + SECOND - 1)
            }
        };
        let buckets = buckets.max(1);
        let start_s = start_ns.div_euclid(SECOND);
        let span_s = end_ns.div_euclid(SECOND) - start_s + 1;
        let bucket_s = ((span_s + i64::from(buckets) - 1) / i64::from(buckets)).max(1);
        let mut params = vec![Param::Int(start_s), Param::Int(bucket_s)];
        params.extend(kept.params.iter().cloned());
        params.extend([Param::Int(start_s), Param::Int(end_ns.div_euclid(SECOND))]);
        let sql = format!(
            "SELECT (c.second - ?) / ? AS bucket, c.severity AS severity, SUM(c.n) AS n \
             FROM log_counts c WHERE ({}) AND c.second BETWEEN ? AND ? GROUP BY bucket, severity",
            kept.sql
        );
        let rows = query_with(sql, &params).fetch_all(&self.pool).await?;
        Ok(fill_histogram(
            start_s * SECOND,
            bucket_s * SECOND,
            buckets,
            rows,
        ))
    }
}
