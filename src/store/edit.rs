//! Edits of a loaded case that are not loads: naming the service of a source, the
//! clock skew adjustment a user applies to a trace (kept beside the spans, which
//! stay as loaded; `analysis::skew` says what it means), and the service level
//! objectives of operations (`analysis::slo`).
//! Decoding and loading are `ingest`'s; this file only rewrites columns the
//! writer filled, through the one `Writer`, and keeps the trace summaries right.
//!
//! A source's records that name no service of their own carry a fallback: logs
//! get the source's given name (`sources.service`, e.g. `weft ingest --service`)
//! or else the file name without extensions; spans whose resource has no
//! `service.name` carry the source's given name, or else `unknown_service` (the
//! file name is not used for spans: an OTLP export without `service.name` says
//! `unknown_service` by convention). Naming the source's service rewrites
//! exactly those records:
//! - a span names its own service when its resource does (`resources.service`
//!   keeps what the file said, so this is exact);
//! - a log took the fallback when `logs.service_fallback` says so (logs loaded
//!   before that column: a log without a resource whose service equals the
//!   source's fallback). Logs with a resource (OTLP) always
//!   name their own service and are never renamed.

use rusqlite::{params, OptionalExtension};
use sqlx::Row;

use super::correlate::{clear_touched, recompute_touched};
use super::log_counts;
use super::rollups::{self, State};
use super::{Reader, StoreError, Writer};
use crate::analysis::Skew;
use crate::ids::TraceId;
use crate::model::{service_from_file_name, UNKNOWN_SERVICE};
use crate::severity::ERROR;

impl Writer {
    /// Gives the records of source `source_id` that name no service of their own
    /// the service `name` (trimmed; empty: back to the file name, as on load) and
    /// records it as the source's service. Returns how many logs and spans changed,
    /// or `None` when there is no such source.
    pub async fn set_source_service(
        &mut self,
        source_id: i64,
        name: &str,
    ) -> Result<Option<u64>, StoreError> {
        let name = name.trim().to_string();
        self.transaction(move |tx| {
            let Some((path, given)) = tx
                .query_row(
                    "SELECT path, service FROM sources WHERE id = ?",
                    [source_id],
                    |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?)),
                )
                .optional()?
            else {
                return Ok(None);
            };
            let file_service = service_from_file_name(std::path::Path::new(&path));
            let previous = given.unwrap_or_else(|| file_service.clone());
            let (next, stored) = if name.is_empty() {
                (file_service, None)
            } else {
                (name.clone(), Some(name))
            };
            let next_span = stored
                .clone()
                .unwrap_or_else(|| UNKNOWN_SERVICE.to_string());

            clear_touched(tx)?;
            // Traces whose root service or service count may change.
            tx.execute(
                "INSERT OR IGNORE INTO temp.touched SELECT DISTINCT trace_id FROM spans \
                 WHERE source_id = ? AND resource_id IN \
                   (SELECT id FROM resources WHERE service = ?)",
                params![source_id, UNKNOWN_SERVICE],
            )?;
            // The rollups count the logs by service: those renamed move, and so do the
            // operation logs of their traces.
            const RENAMED_LOGS: &str = "source_id = ?2 AND service != ?1 AND \
                 (service_fallback = 1 OR \
                  (service_fallback IS NULL AND resource_id IS NULL AND service = ?3))";
            let counted = rollups::counts_source(tx, source_id)?;
            let log_params = params![next, source_id, previous];
            let before = if counted {
                tx.execute(
                    &format!(
                        "INSERT OR IGNORE INTO temp.touched SELECT DISTINCT trace_id FROM logs \
                         WHERE trace_id IS NOT NULL AND {RENAMED_LOGS}"
                    ),
                    log_params,
                )?;
                let (renamed, errors): (i64, i64) = tx.query_row(
                    &format!(
                        "SELECT COUNT(*), IFNULL(SUM(severity >= {ERROR}), 0) FROM logs \
                         WHERE {RENAMED_LOGS}"
                    ),
                    log_params,
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )?;
                rollups::subtract_service_logs(tx, RENAMED_LOGS, log_params)?;
                rollups::add_to_service(tx, &next, renamed, errors)?;
                let state = State::counted(tx, None)?;
                rollups::parts_of_touched(tx, &[&state])?.pop()
            } else {
                None
            };
            let status: Option<String> = tx.query_row(
                "SELECT status FROM sources WHERE id = ?",
                [source_id],
                |row| row.get(0),
            )?;
            if matches!(status.as_deref(), Some("complete" | "failed")) {
                // The kept log counts move the renamed logs to their new service.
                log_counts::subtract(tx, RENAMED_LOGS, log_params)?;
                log_counts::add_selected(tx, "?1", RENAMED_LOGS, log_params)?;
            }
            let spans = tx.execute(
                "UPDATE spans SET service = ?1 WHERE source_id = ?2 AND service != ?1 AND resource_id IN \
                   (SELECT id FROM resources WHERE service = ?3)",
                params![next_span, source_id, UNKNOWN_SERVICE],
            )? as u64;
            let logs = tx.execute(
                &format!("UPDATE logs SET service = ?1 WHERE {RENAMED_LOGS}"),
                log_params,
            )? as u64;
            if spans > 0 {
                recompute_touched(tx, None)?;
            }
            if let Some(before) = before {
                let state = State::counted(tx, None)?;
                let after = rollups::parts_of_touched(tx, &[&state])?.pop();
                rollups::apply(tx, before, after.unwrap_or_default())?;
            }
            tx.execute(
                "UPDATE sources SET service = ? WHERE id = ?",
                params![stored, source_id],
            )?;
            Ok(Some(logs + spans))
        })
        .await
    }
}

impl Writer {
    /// Keeps `skews` as the adjustment of trace `trace_id`, replacing any before;
    /// an empty list undoes it.
    pub async fn set_skew_adjustment(
        &mut self,
        trace_id: TraceId,
        skews: Vec<Skew>,
    ) -> Result<(), StoreError> {
        self.transaction(move |tx| {
            let key = trace_id.0.to_vec();
            tx.execute("DELETE FROM skew_adjustments WHERE trace_id = ?", [&key])?;
            for skew in &skews {
                tx.execute(
                    "INSERT INTO skew_adjustments (trace_id, host, service, delta_ns, spans) \
                     VALUES (?, ?, ?, ?, ?)",
                    params![
                        key,
                        skew.host,
                        skew.service,
                        skew.delta_ns,
                        skew.spans as i64
                    ],
                )?;
            }
            Ok(())
        })
        .await
    }
}

impl Writer {
    /// Keeps an objective for operation `service: name` (replacing one it had) and
    /// returns its id.
    pub async fn set_objective(
        &mut self,
        service: &str,
        name: &str,
        p95_ns: Option<i64>,
        error_rate: Option<f64>,
    ) -> Result<i64, StoreError> {
        let (service, name) = (service.to_string(), name.to_string());
        self.transaction(move |tx| {
            tx.execute(
                "INSERT INTO slos (service, name, p95_ns, error_rate, created_ns) \
                 VALUES (?, ?, ?, ?, ?) ON CONFLICT (service, name) DO UPDATE SET \
                 p95_ns = excluded.p95_ns, error_rate = excluded.error_rate",
                params![service, name, p95_ns, error_rate, crate::time::now_ns()],
            )?;
            Ok(tx.query_row(
                "SELECT id FROM slos WHERE service = ? AND name = ?",
                params![service, name],
                |row| row.get(0),
            )?)
        })
        .await
    }

    /// Removes objective `id`; whether there was one.
    pub async fn remove_objective(&mut self, id: i64) -> Result<bool, StoreError> {
        self.transaction(move |tx| Ok(tx.execute("DELETE FROM slos WHERE id = ?", [id])? > 0))
            .await
    }
}

impl Reader {
    /// The clock skew adjustment applied to a trace (empty when none).
    pub async fn skew_adjustment(&self, trace_id: TraceId) -> Result<Vec<Skew>, StoreError> {
        let rows = sqlx::query(
            "SELECT host, service, delta_ns, spans FROM skew_adjustments WHERE trace_id = ? \
             ORDER BY host",
        )
        .bind(trace_id.0.to_vec())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| Skew {
                host: row.get("host"),
                service: row.get("service"),
                delta_ns: row.get("delta_ns"),
                spans: row.get::<i64, _>("spans") as usize,
            })
            .collect())
    }

    /// Per source, in load order: its id, the service its records without one
    /// carry (the given name, else the file name), and whether that name was given.
    pub async fn source_services(&self) -> Result<Vec<(i64, String, bool)>, StoreError> {
        let rows = sqlx::query("SELECT id, path, service FROM sources ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|row| {
                let given: Option<String> = row.get("service");
                let given_name = given.is_some();
                let service = given.unwrap_or_else(|| {
                    service_from_file_name(std::path::Path::new(row.get::<&str, _>("path")))
                });
                (row.get("id"), service, given_name)
            })
            .collect())
    }
}
