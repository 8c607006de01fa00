//! The only handle that writes a case. It records sources, writes batches of
//! records (multi-row INSERTs, one transaction per batch), and after each
//! source recomputes the correlation of the traces that source touched:
//! the `traces` summary rows and the link state of their logs.
//!
//! **Invariant:** a source is `complete` only after all its records and the
//! correlation they cause are committed; a source left `loading` by a process
//! that is gone is removed (rows and all) and marked `interrupted` on open.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::{Connection, QueryBuilder, Row, Sqlite, SqliteConnection};

use super::StoreError;
use crate::formats::Problem;
use crate::model::{LogRecord, Resource, Scope, Span};

/// Rows per multi-VALUES INSERT: well under SQLite's 32766 bound parameters.
const ROWS_PER_INSERT: usize = 500;
/// How many problems a source keeps in `sources.errors`.
pub const KEPT_PROBLEMS: usize = 100;

/// Not `Clone`: the ingest task owns it.
pub struct Writer {
    pub(super) conn: SqliteConnection,
    resource_ids: HashMap<[u8; 32], i64>,
    scope_ids: HashMap<[u8; 32], i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
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
    pub(super) async fn open(conn: SqliteConnection) -> Result<Writer, StoreError> {
        let mut writer = Writer {
            conn,
            resource_ids: HashMap::new(),
            scope_ids: HashMap::new(),
        };
        writer.settle_interrupted().await?;
        Ok(writer)
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

    /// Writes one batch in one transaction. A span already in the case is kept as it
    /// was (same trace id + span id: one span); logs get `default_service` when the
    /// record names none.
    pub async fn write_batch(
        &mut self,
        source_id: i64,
        spans: &[Span],
        logs: &[LogRecord],
        default_service: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.conn.begin().await?;
        let mut span_rows = Vec::with_capacity(spans.len());
        for span in spans {
            let resource_id =
                intern_resource(&mut tx, &mut self.resource_ids, &span.resource).await?;
            let scope_id = intern_scope(&mut tx, &mut self.scope_ids, &span.scope).await?;
            span_rows.push((span, resource_id, scope_id, json(&span.attributes)));
        }
        for chunk in span_rows.chunks(ROWS_PER_INSERT) {
            insert_spans(&mut tx, source_id, chunk).await?;
        }
        let events: Vec<_> = spans
            .iter()
            .flat_map(|span| {
                span.events
                    .iter()
                    .enumerate()
                    .map(move |(idx, e)| (span, idx, e))
            })
            .collect();
        for chunk in events.chunks(ROWS_PER_INSERT) {
            let mut query = QueryBuilder::<Sqlite>::new(
                "INSERT OR IGNORE INTO span_events (trace_id, span_id, event_idx, time_ns, name, \
                 attributes, dropped_attributes_count) ",
            );
            query.push_values(chunk, |mut row, (span, idx, event)| {
                row.push_bind(span.trace_id.0.to_vec())
                    .push_bind(span.span_id.0.to_vec())
                    .push_bind(*idx as i64)
                    .push_bind(event.time_ns)
                    .push_bind(event.name.clone())
                    .push_bind(json(&event.attributes))
                    .push_bind(i64::from(event.dropped_attributes_count));
            });
            query.build().execute(&mut *tx).await?;
        }
        let links: Vec<_> = spans
            .iter()
            .flat_map(|span| {
                span.links
                    .iter()
                    .enumerate()
                    .map(move |(idx, l)| (span, idx, l))
            })
            .collect();
        for chunk in links.chunks(ROWS_PER_INSERT) {
            let mut query = QueryBuilder::<Sqlite>::new(
                "INSERT OR IGNORE INTO span_links (trace_id, span_id, link_idx, linked_trace_id, \
                 linked_span_id, trace_state, flags, attributes, dropped_attributes_count) ",
            );
            query.push_values(chunk, |mut row, (span, idx, link)| {
                row.push_bind(span.trace_id.0.to_vec())
                    .push_bind(span.span_id.0.to_vec())
                    .push_bind(*idx as i64)
                    .push_bind(link.trace_id.0.to_vec())
                    .push_bind(link.span_id.0.to_vec())
                    .push_bind(link.trace_state.clone())
                    .push_bind(i64::from(link.flags))
                    .push_bind(json(&link.attributes))
                    .push_bind(i64::from(link.dropped_attributes_count));
            });
            query.build().execute(&mut *tx).await?;
        }
        let mut log_rows = Vec::with_capacity(logs.len());
        for log in logs {
            let resource_id = match &log.resource {
                Some(resource) => {
                    Some(intern_resource(&mut tx, &mut self.resource_ids, resource).await?)
                }
                None => None,
            };
            let scope_id = match &log.scope {
                Some(scope) => Some(intern_scope(&mut tx, &mut self.scope_ids, scope).await?),
                None => None,
            };
            log_rows.push((log, resource_id, scope_id));
        }
        for chunk in log_rows.chunks(ROWS_PER_INSERT) {
            insert_logs(&mut tx, source_id, chunk, default_service).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Ends a load: recomputes the correlation of every trace the source touched and
    /// records its counts, problems and final status, in one transaction.
    pub async fn finish_source(
        &mut self,
        source_id: i64,
        status: SourceStatus,
        counts: &SourceCounts,
        problems: &[Problem],
    ) -> Result<(), StoreError> {
        let mut tx = self.conn.begin().await?;
        sqlx::query("CREATE TEMP TABLE IF NOT EXISTS touched (trace_id BLOB PRIMARY KEY)")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM temp.touched")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT OR IGNORE INTO temp.touched SELECT trace_id FROM spans WHERE source_id = ?",
        )
        .bind(source_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT OR IGNORE INTO temp.touched SELECT trace_id FROM logs \
             WHERE source_id = ? AND trace_id IS NOT NULL",
        )
        .bind(source_id)
        .execute(&mut *tx)
        .await?;
        correlate_touched(&mut tx).await?;
        // The full-text indexes take a source when it is finished (and only then, so
        // removing an unfinished source never touches them).
        for sql in [
            "INSERT INTO log_seconds (second, severity, n) \
             SELECT ts_ns / 1000000000, severity, COUNT(*) FROM logs \
             WHERE source_id = ?1 AND ts_ns IS NOT NULL GROUP BY 1, 2 \
             ON CONFLICT (second, severity) DO UPDATE SET n = n + excluded.n",
            "INSERT INTO logs_fts (rowid, body) SELECT id, body FROM logs WHERE source_id = ?",
            "INSERT INTO spans_fts (rowid, name, attributes) \
             SELECT rowid, name, attributes FROM spans WHERE source_id = ?",
        ] {
            sqlx::query(sql).bind(source_id).execute(&mut *tx).await?;
        }
        let kept = &problems[..problems.len().min(KEPT_PROBLEMS)];
        sqlx::query(
            "UPDATE sources SET status = ?, spans = ?, logs = ?, unparsed = ?, problems = ?, \
             errors = ?, loader_pid = NULL, finished_ns = ? WHERE id = ?",
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
        Ok(())
    }

    async fn remove_rows(&mut self, source_id: i64) -> Result<(), StoreError> {
        let mut tx = self.conn.begin().await?;
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM sources WHERE id = ?")
            .bind(source_id)
            .fetch_optional(&mut *tx)
            .await?;
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
        sqlx::query("CREATE TEMP TABLE IF NOT EXISTS touched (trace_id BLOB PRIMARY KEY)")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM temp.touched")
            .execute(&mut *tx)
            .await?;
        for sql in [
            "INSERT OR IGNORE INTO temp.touched SELECT trace_id FROM spans WHERE source_id = ?1",
            "INSERT OR IGNORE INTO temp.touched SELECT trace_id FROM logs \
             WHERE source_id = ?1 AND trace_id IS NOT NULL",
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

/// Recomputes link states and trace summaries for the trace ids in `temp.touched`.
pub(super) async fn correlate_touched(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE logs SET link = CASE \
           WHEN span_id IS NOT NULL AND EXISTS (SELECT 1 FROM spans s \
                WHERE s.trace_id = logs.trace_id AND s.span_id = logs.span_id) THEN 1 \
           WHEN EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = logs.trace_id) THEN 2 \
           ELSE 3 END \
         WHERE trace_id IN (SELECT trace_id FROM temp.touched)",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM traces WHERE trace_id IN (SELECT trace_id FROM temp.touched)")
        .execute(&mut *conn)
        .await?;
    // The root is the earliest span whose parent is not in the case.
    sqlx::query(
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
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn insert_spans(
    conn: &mut SqliteConnection,
    source_id: i64,
    rows: &[(&Span, i64, i64, String)],
) -> Result<(), StoreError> {
    let mut query = QueryBuilder::<Sqlite>::new(
        "INSERT INTO spans (trace_id, span_id, parent_span_id, trace_state, flags, name, \
         kind, start_ns, end_ns, status_code, status_message, service, attributes, resource_id, \
         scope_id, dropped_attributes_count, dropped_events_count, dropped_links_count, source_id) ",
    );
    query.push_values(
        rows,
        |mut row, (span, resource_id, scope_id, attributes)| {
            row.push_bind(span.trace_id.0.to_vec())
                .push_bind(span.span_id.0.to_vec())
                .push_bind(span.parent_span_id.map(|id| id.0.to_vec()))
                .push_bind(span.trace_state.clone())
                .push_bind(i64::from(span.flags))
                .push_bind(span.name.clone())
                .push_bind(i64::from(span.kind))
                .push_bind(span.start_ns)
                .push_bind(span.end_ns)
                .push_bind(span.status_code as i64)
                .push_bind(span.status_message.clone())
                .push_bind(span.resource.service.clone())
                .push_bind(attributes.clone())
                .push_bind(*resource_id)
                .push_bind(*scope_id)
                .push_bind(i64::from(span.dropped_attributes_count))
                .push_bind(i64::from(span.dropped_events_count))
                .push_bind(i64::from(span.dropped_links_count))
                .push_bind(source_id);
        },
    );
    // The first record of a span wins, except that an error status is never hidden.
    query.push(
        " ON CONFLICT (trace_id, span_id) DO UPDATE SET status_code = 2, \
         status_message = excluded.status_message \
         WHERE excluded.status_code = 2 AND spans.status_code != 2",
    );
    query.build().execute(&mut *conn).await?;
    Ok(())
}

async fn insert_logs(
    conn: &mut SqliteConnection,
    source_id: i64,
    rows: &[(&LogRecord, Option<i64>, Option<i64>)],
    default_service: &str,
) -> Result<(), StoreError> {
    let mut query = QueryBuilder::<Sqlite>::new(
        "INSERT INTO logs (ts_ns, observed_ns, severity, severity_text, body, service, trace_id, \
         span_id, flags, attributes, resource_id, scope_id, source_id, line, unparsed, ts_inferred) ",
    );
    query.push_values(rows, |mut row, (log, resource_id, scope_id)| {
        let service = log
            .service
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or(default_service);
        row.push_bind(log.ts_ns)
            .push_bind(log.observed_ns)
            .push_bind(i64::from(log.severity))
            .push_bind(log.severity_text.clone())
            .push_bind(log.body.clone())
            .push_bind(service.to_string())
            .push_bind(log.trace_id.map(|id| id.0.to_vec()))
            .push_bind(log.span_id.map(|id| id.0.to_vec()))
            .push_bind(i64::from(log.flags))
            .push_bind(json(&log.attributes))
            .push_bind(*resource_id)
            .push_bind(*scope_id)
            .push_bind(source_id)
            .push_bind(log.line.map(|line| line as i64))
            .push_bind(log.unparsed)
            .push_bind(log.ts_inferred);
    });
    query.build().execute(&mut *conn).await?;
    Ok(())
}

async fn intern_resource(
    conn: &mut SqliteConnection,
    cache: &mut HashMap<[u8; 32], i64>,
    resource: &Resource,
) -> Result<i64, StoreError> {
    let attributes = json(&resource.attributes);
    let key = intern_key(&[
        &attributes,
        &resource.schema_url,
        &resource.dropped_attributes_count.to_string(),
    ]);
    if let Some(id) = cache.get(&key) {
        return Ok(*id);
    }
    sqlx::query(
        "INSERT OR IGNORE INTO resources (key, service, attributes, schema_url, \
         dropped_attributes_count) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(key.to_vec())
    .bind(&resource.service)
    .bind(&attributes)
    .bind(&resource.schema_url)
    .bind(i64::from(resource.dropped_attributes_count))
    .execute(&mut *conn)
    .await?;
    let id: i64 = sqlx::query_scalar("SELECT id FROM resources WHERE key = ?")
        .bind(key.to_vec())
        .fetch_one(&mut *conn)
        .await?;
    cache.insert(key, id);
    Ok(id)
}

async fn intern_scope(
    conn: &mut SqliteConnection,
    cache: &mut HashMap<[u8; 32], i64>,
    scope: &Scope,
) -> Result<i64, StoreError> {
    let attributes = json(&scope.attributes);
    let key = intern_key(&[
        &scope.name,
        &scope.version,
        &attributes,
        &scope.schema_url,
        &scope.dropped_attributes_count.to_string(),
    ]);
    if let Some(id) = cache.get(&key) {
        return Ok(*id);
    }
    sqlx::query(
        "INSERT OR IGNORE INTO scopes (key, name, version, attributes, schema_url, \
         dropped_attributes_count) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(key.to_vec())
    .bind(&scope.name)
    .bind(&scope.version)
    .bind(&attributes)
    .bind(&scope.schema_url)
    .bind(i64::from(scope.dropped_attributes_count))
    .execute(&mut *conn)
    .await?;
    let id: i64 = sqlx::query_scalar("SELECT id FROM scopes WHERE key = ?")
        .bind(key.to_vec())
        .fetch_one(&mut *conn)
        .await?;
    cache.insert(key, id);
    Ok(id)
}

/// A content key for interning: the parts, length-prefixed so they cannot run together.
fn intern_key(parts: &[&str]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    *hasher.finalize().as_bytes()
}

fn json(attributes: &crate::model::Attributes) -> String {
    serde_json::to_string(attributes).expect("JSON values serialize")
}

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
