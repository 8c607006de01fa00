//! The only handle that changes a case's sources. It records a source as
//! `loading`, hands its rows to a `BulkWriter` (bulk.rs), and in one final
//! transaction recomputes the correlation of the traces the source touched (the
//! `traces` summary rows and the link state of their logs), adds the source to
//! the time rollup and the span full-text index, and marks it finished.
//!
//! **Invariant:** a source is `complete` only after all its records and the
//! correlation they cause are committed; a source left `loading` by a process
//! that is gone is removed (rows and all) and marked `interrupted` on open.

use std::path::{Path, PathBuf};

use serde::Serialize;
use sqlx::{Connection, Row, SqliteConnection};

use super::bulk::{BulkWriter, LoadSummary};
use super::StoreError;
use crate::formats::Problem;
/// How many problems a source keeps in `sources.errors`.
pub const KEPT_PROBLEMS: usize = 100;

/// Not `Clone`: the ingest task owns it.
pub struct Writer {
    pub(super) conn: SqliteConnection,
    path: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SourceStatus {
    Loading,
    Complete,
    Failed,
    Interrupted,
}

impl SourceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceStatus::Loading => "loading",
            SourceStatus::Complete => "complete",
            SourceStatus::Failed => "failed",
            SourceStatus::Interrupted => "interrupted",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "complete" => SourceStatus::Complete,
            "failed" => SourceStatus::Failed,
            "interrupted" => SourceStatus::Interrupted,
            _ => SourceStatus::Loading,
        }
    }
}

/// A row of `sources`, as the writer needs it.
#[derive(Debug, Clone)]
pub struct SourceRow {
    pub id: i64,
    pub path: String,
    pub format: Option<String>,
    pub status: SourceStatus,
    pub spans: i64,
    pub logs: i64,
    pub unparsed: i64,
    pub errors: Vec<Problem>,
}

/// What a finished load reports about its source.
#[derive(Debug, Clone, Default)]
pub struct SourceCounts {
    pub spans: u64,
    pub logs: u64,
    pub unparsed: u64,
    pub problems: u64,
}

impl Writer {
    pub(super) async fn open(conn: SqliteConnection, path: &Path) -> Result<Writer, StoreError> {
        let mut writer = Writer {
            conn,
            path: path.to_path_buf(),
        };
        writer.settle_interrupted().await?;
        Ok(writer)
    }

    /// A bulk writer for the rows of source `source_id`, to be used on a thread of its own;
    /// records that name no service get `default_service`.
    pub fn bulk(&self, source_id: i64, default_service: &str) -> Result<BulkWriter, StoreError> {
        BulkWriter::open(&self.path, source_id, default_service)
    }

    /// The case file this writer writes.
    pub fn case_path(&self) -> &Path {
        &self.path
    }

    /// Removes what loads of dead processes left behind and marks them `interrupted`,
    /// so the case never shows half a source. Loading the file again redoes it.
    async fn settle_interrupted(&mut self) -> Result<(), StoreError> {
        let rows = sqlx::query("SELECT id, loader_pid FROM sources WHERE status = 'loading'")
            .fetch_all(&mut self.conn)
            .await?;
        for row in rows {
            let id: i64 = row.get("id");
            let pid: Option<i64> = row.get("loader_pid");
            if pid.is_some_and(process_is_alive) {
                continue;
            }
            self.remove_rows(id).await?;
            sqlx::query(
                "UPDATE sources SET status = 'interrupted', spans = 0, logs = 0, unparsed = 0, \
                 loader_pid = NULL WHERE id = ?",
            )
            .bind(id)
            .execute(&mut self.conn)
            .await?;
        }
        self.build_deferred_indexes().await
    }

    /// Builds the indexes a bulk load dropped (`deferred_indexes`) unless a live
    /// process is still loading (it builds them itself when its rows are in).
    async fn build_deferred_indexes(&mut self) -> Result<(), StoreError> {
        let rows = sqlx::query("SELECT loader_pid FROM sources WHERE status = 'loading'")
            .fetch_all(&mut self.conn)
            .await?;
        if rows.iter().any(|row| {
            row.get::<Option<i64>, _>("loader_pid")
                .is_some_and(process_is_alive)
        }) {
            return Ok(());
        }
        let deferred = sqlx::query("SELECT name, sql FROM deferred_indexes")
            .fetch_all(&mut self.conn)
            .await?;
        for row in deferred {
            let name: String = row.get("name");
            let sql: String = row.get("sql");
            let mut tx = self.conn.begin().await?;
            let exists: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?)",
            )
            .bind(&name)
            .fetch_one(&mut *tx)
            .await?;
            if !exists {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("DELETE FROM deferred_indexes WHERE name = ?")
                .bind(&name)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// The newest source with this content hash, if any.
    pub async fn source_by_hash(&mut self, hash: &str) -> Result<Option<SourceRow>, StoreError> {
        let row = sqlx::query(
            "SELECT id, path, format, status, spans, logs, unparsed, errors FROM sources \
             WHERE hash = ? ORDER BY status = 'complete' DESC, id DESC LIMIT 1",
        )
        .bind(hash)
        .fetch_optional(&mut self.conn)
        .await?;
        Ok(row.map(|row| SourceRow {
            id: row.get("id"),
            path: row.get("path"),
            format: row.get("format"),
            status: SourceStatus::parse(row.get("status")),
            spans: row.get("spans"),
            logs: row.get("logs"),
            unparsed: row.get("unparsed"),
            errors: serde_json::from_str(row.get("errors")).unwrap_or_default(),
        }))
    }

    /// Records a new source in state `loading`, owned by this process.
    pub async fn begin_source(
        &mut self,
        path: &str,
        size: u64,
        hash: &str,
        format: Option<&str>,
        service: Option<&str>,
    ) -> Result<i64, StoreError> {
        let id = sqlx::query(
            "INSERT INTO sources (path, size, hash, format, status, service, loader_pid, started_ns) \
             VALUES (?, ?, ?, ?, 'loading', ?, ?, ?)",
        )
        .bind(path)
        .bind(size as i64)
        .bind(hash)
        .bind(format)
        .bind(service)
        .bind(i64::from(std::process::id()))
        .bind(now_ns())
        .execute(&mut self.conn)
        .await?
        .last_insert_rowid();
        Ok(id)
    }

    /// Ends a load: corrects the correlation of every trace the source touched, adds
    /// its logs to the time rollup and its spans to their full-text index (its logs
    /// are already in theirs: `BulkWriter::index_text`), and records its counts,
    /// problems and final status, in one transaction. `summary` is what the bulk
    /// writer gathered; the default one is right for a source without rows.
    pub async fn finish_source(
        &mut self,
        source_id: i64,
        status: SourceStatus,
        counts: &SourceCounts,
        problems: &[Problem],
        summary: &LoadSummary,
    ) -> Result<(), StoreError> {
        // Sync this transaction fully: it also makes the bulk writer's frames durable.
        sqlx::query("PRAGMA synchronous = FULL")
            .execute(&mut self.conn)
            .await?;
        let mut tx = self.conn.begin().await?;
        if summary.had_spans {
            // New spans can change the links of any log of their traces, and the roots.
            touch_traces_of(&mut tx, source_id).await?;
            correlate_touched(&mut tx).await?;
        } else {
            // Logs alone: their links were decided on insert; only the counts change.
            for (trace_id, n) in &summary.trace_logs {
                sqlx::query("UPDATE traces SET logs = logs + ? WHERE trace_id = ?")
                    .bind(n)
                    .bind(&trace_id[..])
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for ((second, severity), n) in &summary.seconds {
            sqlx::query(
                "INSERT INTO log_seconds (second, severity, n) VALUES (?, ?, ?) \
                 ON CONFLICT (second, severity) DO UPDATE SET n = n + excluded.n",
            )
            .bind(second)
            .bind(i64::from(*severity))
            .bind(n)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO spans_fts (rowid, name, attributes) \
             SELECT rowid, name, attributes FROM spans WHERE source_id = ?",
        )
        .bind(source_id)
        .execute(&mut *tx)
        .await?;
        let kept = &problems[..problems.len().min(KEPT_PROBLEMS)];
        sqlx::query(
            "UPDATE sources SET status = ?, spans = ?, logs = ?, unparsed = ?, problems = ?, \
             errors = ?, loader_pid = NULL, finished_ns = ?, fts_upto = NULL WHERE id = ?",
        )
        .bind(status.as_str())
        .bind(counts.spans as i64)
        .bind(counts.logs as i64)
        .bind(counts.unparsed as i64)
        .bind(counts.problems as i64)
        .bind(serde_json::to_string(kept).expect("problems serialize"))
        .bind(now_ns())
        .bind(source_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        sqlx::query("PRAGMA synchronous = NORMAL")
            .execute(&mut self.conn)
            .await?;
        Ok(())
    }

    /// Copies the write-ahead log into the database and empties it (waits for readers).
    pub async fn checkpoint(&mut self) -> Result<(), StoreError> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut self.conn)
            .await?;
        Ok(())
    }

    /// Records a file that could not be loaded at all (no records were written).
    pub async fn record_failed(
        &mut self,
        path: &str,
        size: u64,
        hash: &str,
        problem: &Problem,
    ) -> Result<i64, StoreError> {
        let id = self.begin_source(path, size, hash, None, None).await?;
        self.finish_source(
            id,
            SourceStatus::Failed,
            &SourceCounts::default(),
            std::slice::from_ref(problem),
            &LoadSummary::default(),
        )
        .await?;
        Ok(id)
    }

    /// Removes a source and everything it brought, and corrects the correlation of
    /// the traces it touched.
    pub async fn remove_source(&mut self, source_id: i64) -> Result<(), StoreError> {
        self.remove_rows(source_id).await?;
        sqlx::query("DELETE FROM sources WHERE id = ?")
            .bind(source_id)
            .execute(&mut self.conn)
            .await?;
        // A load stopped before its indexes were built again leaves them to us.
        self.build_deferred_indexes().await
    }

    async fn remove_rows(&mut self, source_id: i64) -> Result<(), StoreError> {
        let mut tx = self.conn.begin().await?;
        let row = sqlx::query("SELECT status, fts_upto FROM sources WHERE id = ?")
            .bind(source_id)
            .fetch_optional(&mut *tx)
            .await?;
        let status: Option<String> = row.as_ref().map(|row| row.get("status"));
        let fts_upto: Option<i64> = row.as_ref().and_then(|row| row.get("fts_upto"));
        if let (Some("loading"), Some(upto)) = (status.as_deref(), fts_upto) {
            // A load that died while building its full-text index: take out what went in.
            sqlx::query(
                "INSERT INTO logs_fts (logs_fts, rowid, body) \
                 SELECT 'delete', id, body FROM logs WHERE source_id = ? AND id <= ?",
            )
            .bind(source_id)
            .bind(upto)
            .execute(&mut *tx)
            .await?;
        }
        if matches!(status.as_deref(), Some("complete" | "failed")) {
            for sql in [
                "UPDATE log_seconds SET n = log_seconds.n - removed.n FROM (SELECT ts_ns / 1000000000 AS second, \
                 severity, COUNT(*) AS n FROM logs WHERE source_id = ? AND ts_ns IS NOT NULL \
                 GROUP BY 1, 2) AS removed \
                 WHERE log_seconds.second = removed.second AND log_seconds.severity = removed.severity",
                "INSERT INTO logs_fts (logs_fts, rowid, body) \
                 SELECT 'delete', id, body FROM logs WHERE source_id = ?",
                "INSERT INTO spans_fts (spans_fts, rowid, name, attributes) \
                 SELECT 'delete', rowid, name, attributes FROM spans WHERE source_id = ?",
            ] {
                sqlx::query(sql).bind(source_id).execute(&mut *tx).await?;
            }
        }
        touch_traces_of(&mut tx, source_id).await?;
        for sql in [
            "DELETE FROM span_events WHERE (trace_id, span_id) IN \
             (SELECT trace_id, span_id FROM spans WHERE source_id = ?1)",
            "DELETE FROM span_links WHERE (trace_id, span_id) IN \
             (SELECT trace_id, span_id FROM spans WHERE source_id = ?1)",
            "DELETE FROM spans WHERE source_id = ?1",
            "DELETE FROM logs WHERE source_id = ?1",
        ] {
            sqlx::query(sql).bind(source_id).execute(&mut *tx).await?;
        }
        correlate_touched(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Empties `temp.touched` (creating it when missing).
pub(super) async fn clear_touched(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    sqlx::query("CREATE TEMP TABLE IF NOT EXISTS touched (trace_id BLOB PRIMARY KEY)")
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM temp.touched")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Puts into `temp.touched` (emptied first) the trace ids of source `source_id`'s
/// spans and logs.
async fn touch_traces_of(conn: &mut SqliteConnection, source_id: i64) -> Result<(), StoreError> {
    clear_touched(conn).await?;
    for sql in [
        "INSERT OR IGNORE INTO temp.touched SELECT trace_id FROM spans WHERE source_id = ?",
        "INSERT OR IGNORE INTO temp.touched SELECT trace_id FROM logs \
         WHERE source_id = ? AND trace_id IS NOT NULL",
    ] {
        sqlx::query(sql).bind(source_id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Recomputes link states and trace summaries for the trace ids in `temp.touched`.
pub(super) async fn correlate_touched(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    for sql in CORRELATE_TOUCHED {
        sqlx::query(sql).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The statements of `correlate_touched`, in order (also run by follow mode's
/// appends on their own connection).
pub(crate) const CORRELATE_TOUCHED: [&str; 3] = [
    "UPDATE logs SET link = CASE \
       WHEN span_id IS NOT NULL AND EXISTS (SELECT 1 FROM spans s \
            WHERE s.trace_id = logs.trace_id AND s.span_id = logs.span_id) THEN 1 \
       WHEN EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = logs.trace_id) THEN 2 \
       ELSE 3 END \
     WHERE trace_id IN (SELECT trace_id FROM temp.touched)",
    "DELETE FROM traces WHERE trace_id IN (SELECT trace_id FROM temp.touched)",
    // The root is the earliest span whose parent is not in the case.
    "INSERT INTO traces (trace_id, root_service, root_name, start_ns, end_ns, duration_ns, \
                         spans, errors, services, logs) \
     WITH ranked AS ( \
       SELECT s.trace_id, s.service, s.name, ROW_NUMBER() OVER ( \
         PARTITION BY s.trace_id \
         ORDER BY (s.parent_span_id IS NULL OR NOT EXISTS (SELECT 1 FROM spans p \
             WHERE p.trace_id = s.trace_id AND p.span_id = s.parent_span_id)) DESC, \
           s.start_ns, s.span_id) AS rank \
       FROM spans s WHERE s.trace_id IN (SELECT trace_id FROM temp.touched)) \
     SELECT s.trace_id, r.service, r.name, MIN(s.start_ns), MAX(s.end_ns), \
            MAX(s.end_ns) - MIN(s.start_ns), COUNT(*), SUM(s.status_code = 2), \
            COUNT(DISTINCT s.service), \
            (SELECT COUNT(*) FROM logs l WHERE l.trace_id = s.trace_id) \
     FROM spans s JOIN ranked r ON r.trace_id = s.trace_id AND r.rank = 1 \
     WHERE s.trace_id IN (SELECT trace_id FROM temp.touched) \
     GROUP BY s.trace_id",
];

fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() as i64)
}

/// Whether a process of this machine with that id is still running.
fn process_is_alive(pid: i64) -> bool {
    if pid == i64::from(std::process::id()) {
        return true;
    }
    if cfg!(target_os = "linux") {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    } else {
        false
    }
}
