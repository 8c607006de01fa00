//! The one handle that writes a case, and the lifecycle of its sources. A
//! `Writer` owns this process's single write connection to the case (rusqlite,
//! the same SQLite library sqlx links) and is reached only through a write turn
//! (`Store::writer`, turn.rs). It records a source as `loading`, lends its
//! connection to a `BulkWriter` for the rows (bulk.rs) and takes it back, and in
//! one final transaction finishes the source (`finish_source`: correlation of the
//! traces it touched, the time rollup, the span full-text index, counts and
//! status). Follow mode's appends finish the same way (follow.rs).
//!
//! Why rusqlite and not sqlx here: finishing a source must run inside the
//! transaction of a follow append, which the bulk writer opened on its rusqlite
//! connection; one connection type for every write keeps that one function.
//! Each call runs on a blocking thread (`run`), so the async callers never wait
//! on SQLite on their own thread.
//!
//! **Invariant:** a source is `complete` only after all its records and the
//! correlation they cause are committed; a source left `loading` by a process
//! that is gone is removed (rows and all) and marked `interrupted` when a turn
//! to write begins.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::bulk::{BulkWriter, LoadSummary, Loaded};
use super::correlate::{correlate_after_rows, recompute_touched, touch_traces_of_source};
use super::log_counts;
use super::rollups::{self, State};
use super::{process_is_alive, StoreError};
use crate::formats::Problem;
use crate::time::now_ns;

/// How many problems a source keeps in `sources.errors`.
pub const KEPT_PROBLEMS: usize = 100;

/// Not `Clone`, and reached only through a write turn: one per case per process.
pub struct Writer {
    /// `None` while a `BulkWriter` has it, or after a write that panicked
    /// (then the next call connects again).
    conn: Option<Connection>,
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

/// What a write of rows adds to its source's counts.
#[derive(Debug, Clone, Default)]
pub struct SourceCounts {
    pub spans: u64,
    pub logs: u64,
    pub unparsed: u64,
    pub problems: u64,
}

/// Where a followed file's loading stands (`sources.follow_*`, migration 0005):
/// written with every append, in its transaction.
#[derive(Debug, Clone, Default)]
pub struct FollowState {
    /// Bytes of the file loaded (complete lines only).
    pub offset: u64,
    /// Lines loaded: the next record's line is this + 1.
    pub lines: u64,
    /// Bytes covered by `head_hash` (at most 1024).
    pub head_len: u64,
    /// blake3 (hex) of the file's first `head_len` bytes.
    pub head_hash: String,
    /// Time of the last timed record, for records without one.
    pub last_ns: Option<i64>,
    /// The dialect of the lines appended (`formats::Format::dialect`), kept in
    /// `sources.dialect` once known (a file followed from empty has none at first).
    pub dialect: Option<&'static str>,
}

/// How a write of rows ends its source's share of them.
pub(super) struct Finish<'a> {
    pub(super) status: SourceStatus,
    pub(super) counts: &'a SourceCounts,
    pub(super) problems: &'a [Problem],
    pub(super) summary: &'a LoadSummary,
    /// A follow append: the source stays `complete` and claimed by its follower.
    pub(super) follow: Option<&'a FollowState>,
}

/// Finishes rows written for source `source_id`, in the caller's transaction: the
/// correlation of the traces they touched, their logs in the time rollup
/// (`log_seconds`), their spans in the span full-text index (their logs are in
/// theirs already: `BulkWriter::write`), and the source's counts, kept problems
/// and status (and, for a follow append, its offset). The one way every write of
/// rows ends: bulk loads (`Writer::finish_source`), follow appends
/// (`Writer::append_followed`).
pub(super) fn finish_source(
    conn: &Connection,
    source_id: i64,
    finish: &Finish,
) -> Result<(), StoreError> {
    let summary = finish.summary;
    // Counted before the correlation, which moves the logs whose link it changes.
    log_counts::add_tally(conn, source_id, &summary.log_counts)?;
    let mut rollup = rollups::before_correlation(conn, source_id, summary)?;
    correlate_after_rows(conn, source_id, summary, rollup.as_mut())?;
    if let Some(rollup) = rollup {
        rollup.apply(conn)?;
    }
    let mut add_second = conn.prepare_cached(
        "INSERT INTO log_seconds (second, severity, n) VALUES (?, ?, ?) \
         ON CONFLICT (second, severity) DO UPDATE SET n = n + excluded.n",
    )?;
    for ((second, severity), n) in &summary.seconds {
        add_second.execute(params![second, i64::from(*severity), n])?;
    }
    super::bulk::add_id_forms(conn, source_id, &summary.id_forms)?;
    if !summary.span_traces.is_empty() {
        conn.prepare_cached(
            "INSERT INTO spans_fts (rowid, name, attributes) \
             SELECT rowid, name, attributes FROM spans WHERE rowid > ? AND source_id = ?",
        )?
        .execute(params![summary.spans_after_rowid, source_id])?;
    }
    let errors: String = conn.query_row(
        "SELECT errors FROM sources WHERE id = ?",
        [source_id],
        |row| row.get(0),
    )?;
    let mut kept: Vec<Problem> = serde_json::from_str(&errors).unwrap_or_default();
    let room = KEPT_PROBLEMS.saturating_sub(kept.len());
    kept.extend(finish.problems.iter().take(room).cloned());
    let counts = finish.counts;
    conn.prepare_cached(
        "UPDATE sources SET status = ?, spans = spans + ?, logs = logs + ?, \
         unparsed = unparsed + ?, problems = problems + ?, errors = ?, finished_ns = ?, \
         fts_upto = NULL, loader_pid = CASE WHEN ? THEN loader_pid END WHERE id = ?",
    )?
    .execute(params![
        finish.status.as_str(),
        counts.spans as i64,
        counts.logs as i64,
        counts.unparsed as i64,
        counts.problems as i64,
        serde_json::to_string(&kept).expect("problems serialize"),
        now_ns(),
        finish.follow.is_some(),
        source_id,
    ])?;
    if let Some(state) = finish.follow {
        conn.prepare_cached(
            "UPDATE sources SET size = ?, follow_offset = ?, follow_lines = ?, \
             follow_head_len = ?, follow_head_hash = ?, follow_last_ns = ?, \
             dialect = coalesce(dialect, ?) WHERE id = ?",
        )?
        .execute(params![
            state.offset as i64,
            state.offset as i64,
            state.lines as i64,
            state.head_len as i64,
            state.head_hash,
            state.last_ns,
            state.dialect,
            source_id,
        ])?;
    }
    Ok(())
}

impl Writer {
    /// Connects to the case at `path` (its schema already migrated by `Store::open`).
    pub(super) async fn open(path: &Path) -> Result<Writer, StoreError> {
        let owned = path.to_path_buf();
        let conn = tokio::task::spawn_blocking(move || connect(&owned))
            .await
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))?;
        Ok(Writer {
            conn: Some(conn),
            path: path.to_path_buf(),
        })
    }

    /// Runs `work` on the write connection, on a blocking thread.
    pub(super) async fn run<T: Send + 'static>(
        &mut self,
        work: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let mut conn = self.take_connection()?;
        let (conn, result) = tokio::task::spawn_blocking(move || {
            let result = work(&mut conn);
            (conn, result)
        })
        .await
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()));
        self.conn = Some(conn);
        result
    }

    fn take_connection(&mut self) -> Result<Connection, StoreError> {
        match self.conn.take() {
            Some(conn) => Ok(conn),
            None => connect(&self.path),
        }
    }

    /// A bulk writer for the rows of source `source_id`, to be used on a thread of
    /// its own; records that name no service get `default_service`. It holds this
    /// writer's connection until `finish_source` takes it back.
    pub fn bulk(
        &mut self,
        source_id: i64,
        default_service: &str,
    ) -> Result<BulkWriter, StoreError> {
        BulkWriter::bulk(self.take_connection()?, source_id, default_service)
    }

    /// The case file this writer writes.
    pub fn case_path(&self) -> &Path {
        &self.path
    }

    /// Removes what loads of dead processes left behind and marks them `interrupted`,
    /// so the case never shows half a source (loading the file again redoes it);
    /// builds the indexes such a load dropped. Run at the start of every write turn.
    pub(super) async fn settle_interrupted(&mut self) -> Result<(), StoreError> {
        self.run(|conn| {
            let loading: Vec<(i64, Option<i64>)> = conn
                .prepare("SELECT id, loader_pid FROM sources WHERE status = 'loading'")?
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<Result<_, _>>()?;
            for (id, pid) in loading {
                if pid.is_some_and(process_is_alive) {
                    continue;
                }
                remove_rows(conn, id)?;
                conn.execute(
                    "UPDATE sources SET status = 'interrupted', spans = 0, logs = 0, \
                     unparsed = 0, loader_pid = NULL WHERE id = ?",
                    [id],
                )?;
            }
            build_deferred_indexes(conn)?;
            rollups::build_if_missing(conn)
        })
        .await
    }

    /// The newest source with this content hash, if any.
    pub async fn source_by_hash(&mut self, hash: &str) -> Result<Option<SourceRow>, StoreError> {
        let hash = hash.to_string();
        self.run(move |conn| {
            source_row(
                conn,
                "WHERE hash = ? ORDER BY status = 'complete' DESC, id DESC LIMIT 1",
                hash,
            )
        })
        .await
    }

    /// Source `source_id`, if there is one.
    pub async fn source(&mut self, source_id: i64) -> Result<Option<SourceRow>, StoreError> {
        self.run(move |conn| source_row(conn, "WHERE id = ?", source_id))
            .await
    }

    /// Records a new source in state `loading`, owned by this process.
    pub async fn begin_source(
        &mut self,
        path: &str,
        size: u64,
        hash: &str,
        format: Option<&str>,
        dialect: Option<&str>,
        service: Option<&str>,
    ) -> Result<i64, StoreError> {
        let (path, hash) = (path.to_string(), hash.to_string());
        let (format, service) = (format.map(str::to_string), service.map(str::to_string));
        let dialect = dialect.map(str::to_string);
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO sources (path, size, hash, format, dialect, status, service, \
                 loader_pid, started_ns) VALUES (?, ?, ?, ?, ?, 'loading', ?, ?, ?)",
                params![
                    path,
                    size as i64,
                    hash,
                    format,
                    dialect,
                    service,
                    i64::from(std::process::id()),
                    now_ns()
                ],
            )?;
            Ok(conn.last_insert_rowid())
        })
        .await
    }

    /// Takes back the connection a `BulkWriter` had; returns what it wrote.
    pub fn take_back(&mut self, loaded: Loaded) -> LoadSummary {
        self.conn = Some(loaded.conn);
        loaded.summary
    }

    /// Ends a load in one transaction (`finish_source`), synced fully: that sync
    /// also makes every frame the bulk writer wrote with `synchronous = OFF` durable.
    /// `summary` is what the bulk writer wrote (`take_back`); the default one is
    /// right for a source without rows.
    pub async fn finish_source(
        &mut self,
        source_id: i64,
        status: SourceStatus,
        counts: SourceCounts,
        problems: Vec<Problem>,
        summary: LoadSummary,
    ) -> Result<(), StoreError> {
        self.run(move |conn| {
            conn.execute_batch("PRAGMA synchronous = FULL")?;
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let finish = Finish {
                status,
                counts: &counts,
                problems: &problems,
                summary: &summary,
                follow: None,
            };
            finish_source(&tx, source_id, &finish)?;
            tx.commit()?;
            conn.execute_batch("PRAGMA synchronous = NORMAL")?;
            Ok(())
        })
        .await?;
        // A bulk load leaves its page cache and statements with the connection, on the
        // allocator's heaps of the threads that used it: closed here (the next call
        // connects again, ~1 ms), a load of two files peaked 20 MB lower.
        self.conn = None;
        Ok(())
    }

    /// Copies the write-ahead log into the database and empties it (waits for readers).
    pub async fn checkpoint(&mut self) -> Result<(), StoreError> {
        self.run(|conn| {
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(())
        })
        .await
    }

    /// Records a file that could not be loaded at all (no records were written).
    pub async fn record_failed(
        &mut self,
        path: &str,
        size: u64,
        hash: &str,
        problem: &Problem,
    ) -> Result<i64, StoreError> {
        let id = self
            .begin_source(path, size, hash, None, None, None)
            .await?;
        let counts = SourceCounts::default();
        let summary = LoadSummary::default();
        self.finish_source(
            id,
            SourceStatus::Failed,
            counts,
            vec![problem.clone()],
            summary,
        )
        .await?;
        Ok(id)
    }

    /// Removes a source and everything it brought, and corrects the correlation of
    /// the traces it touched.
    pub async fn remove_source(&mut self, source_id: i64) -> Result<(), StoreError> {
        self.run(move |conn| {
            remove_rows(conn, source_id)?;
            conn.execute("DELETE FROM sources WHERE id = ?", [source_id])?;
            // A load stopped before its indexes were built again leaves them to us.
            build_deferred_indexes(conn)
        })
        .await
    }

    /// Runs `work` in one transaction of the write connection (for edits: edit.rs).
    pub(super) async fn transaction<T: Send + 'static>(
        &mut self,
        work: impl FnOnce(&rusqlite::Transaction) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let value = work(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await
    }

    /// Lends the connection to `work` by value (for a `BulkWriter` of a follow
    /// append, which must give it back).
    pub(super) async fn lend<T: Send + 'static>(
        &mut self,
        work: impl FnOnce(Connection) -> (Option<Connection>, Result<T, StoreError>) + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.take_connection()?;
        let (conn, result) = tokio::task::spawn_blocking(move || work(conn))
            .await
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()));
        self.conn = conn;
        result
    }
}

/// This process's write connection to the case at `path`.
fn connect(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(30))?;
    conn.execute_batch("PRAGMA foreign_keys = OFF; PRAGMA synchronous = NORMAL;")?;
    Ok(conn)
}

fn source_row(
    conn: &Connection,
    condition: &str,
    value: impl rusqlite::ToSql,
) -> Result<Option<SourceRow>, StoreError> {
    let sql = format!(
        "SELECT id, path, format, status, spans, logs, unparsed, errors FROM sources {condition}"
    );
    Ok(conn
        .query_row(&sql, [value], |row| {
            Ok(SourceRow {
                id: row.get(0)?,
                path: row.get(1)?,
                format: row.get(2)?,
                status: SourceStatus::parse(&row.get::<_, String>(3)?),
                spans: row.get(4)?,
                logs: row.get(5)?,
                unparsed: row.get(6)?,
                errors: serde_json::from_str(&row.get::<_, String>(7)?).unwrap_or_default(),
            })
        })
        .optional()?)
}

/// Builds the indexes a bulk load dropped (`deferred_indexes`) unless a live
/// process is still loading (it builds them itself when its rows are in).
fn build_deferred_indexes(conn: &mut Connection) -> Result<(), StoreError> {
    let loaders: Vec<Option<i64>> = conn
        .prepare("SELECT loader_pid FROM sources WHERE status = 'loading'")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    if loaders.into_iter().flatten().any(process_is_alive) {
        return Ok(());
    }
    let deferred: Vec<(String, String)> = conn
        .prepare("SELECT name, sql FROM deferred_indexes")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (name, sql) in deferred {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        super::bulk::create_deferred_index(&tx, &name, &sql)?;
        tx.commit()?;
    }
    Ok(())
}

/// Deletes source `source_id`'s rows (and their full-text entries and per-second
/// counts) and corrects the correlation of the traces they touched, in one
/// transaction; the source row stays.
fn remove_rows(conn: &mut Connection, source_id: i64) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let (status, fts_upto): (Option<String>, Option<i64>) = tx
        .query_row(
            "SELECT status, fts_upto FROM sources WHERE id = ?",
            [source_id],
            |row| Ok((Some(row.get(0)?), row.get(1)?)),
        )
        .optional()?
        .unwrap_or((None, None));
    if let (Some("loading"), Some(upto)) = (status.as_deref(), fts_upto) {
        // A load that died while building its full-text index: take out what went in.
        tx.execute(
            "INSERT INTO logs_fts (logs_fts, rowid, body) \
             SELECT 'delete', id, body FROM logs WHERE source_id = ? AND id <= ?",
            params![source_id, upto],
        )?;
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
            tx.execute(sql, [source_id])?;
        }
    }
    if matches!(status.as_deref(), Some("complete" | "failed")) {
        log_counts::subtract(&tx, "l.source_id = ?", [source_id])?;
    }
    // The rollups count complete and failed sources only: take this one's out.
    let counted = rollups::counts_source(&tx, source_id)?;
    if counted {
        rollups::subtract_service_logs(&tx, "source_id = ?1", [source_id])?;
    }
    touch_traces_of_source(&tx, source_id)?;
    let before = if counted {
        let state = State::counted(&tx, None)?;
        rollups::parts_of_touched(&tx, &[&state])?.pop()
    } else {
        None
    };
    for sql in [
        "DELETE FROM span_events WHERE (trace_id, span_id) IN \
         (SELECT trace_id, span_id FROM spans WHERE source_id = ?1)",
        "DELETE FROM span_links WHERE (trace_id, span_id) IN \
         (SELECT trace_id, span_id FROM spans WHERE source_id = ?1)",
        "DELETE FROM spans WHERE source_id = ?1",
        "DELETE FROM logs WHERE source_id = ?1",
        "DELETE FROM source_id_forms WHERE source_id = ?1",
    ] {
        tx.execute(sql, [source_id])?;
    }
    recompute_touched(&tx, None)?;
    if let Some(before) = before {
        let state = State::counted(&tx, None)?;
        let after = rollups::parts_of_touched(&tx, &[&state])?.pop();
        rollups::apply(&tx, before, after.unwrap_or_default())?;
    }
    tx.commit()?;
    Ok(())
}
