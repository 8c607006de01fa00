//! Edits of a loaded case that are not loads: naming the service of a source.
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

use sqlx::{Connection, Row};

use super::writer::{clear_touched, correlate_touched};
use super::{Reader, StoreError, Writer};
use crate::model::UNKNOWN_SERVICE;

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
        let mut tx = self.conn.begin().await?;
        let Some(row) = sqlx::query("SELECT path, service FROM sources WHERE id = ?")
            .bind(source_id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let path: String = row.get("path");
        let given: Option<String> = row.get("service");
        let file_service = service_from_path(&path);
        let previous = given.unwrap_or_else(|| file_service.clone());
        let name = name.trim();
        let (next, stored) = if name.is_empty() {
            (file_service, None)
        } else {
            (name.to_string(), Some(name.to_string()))
        };
        let next_span = stored
            .clone()
            .unwrap_or_else(|| UNKNOWN_SERVICE.to_string());

        clear_touched(&mut tx).await?;
        // Traces whose root service or service count may change.
        sqlx::query(
            "INSERT OR IGNORE INTO temp.touched SELECT DISTINCT trace_id FROM spans \
             WHERE source_id = ? AND resource_id IN \
               (SELECT id FROM resources WHERE service = ?)",
        )
        .bind(source_id)
        .bind(UNKNOWN_SERVICE)
        .execute(&mut *tx)
        .await?;
        let spans = sqlx::query(
            "UPDATE spans SET service = ?1 WHERE source_id = ?2 AND service != ?1 AND resource_id IN \
               (SELECT id FROM resources WHERE service = ?3)",
        )
        .bind(&next_span)
        .bind(source_id)
        .bind(UNKNOWN_SERVICE)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let logs = sqlx::query(
            "UPDATE logs SET service = ?1 WHERE source_id = ?2 AND service != ?1 AND \
             (service_fallback = 1 OR \
              (service_fallback IS NULL AND resource_id IS NULL AND service = ?3))",
        )
        .bind(&next)
        .bind(source_id)
        .bind(&previous)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if spans > 0 {
            correlate_touched(&mut tx).await?;
        }
        sqlx::query("UPDATE sources SET service = ? WHERE id = ?")
            .bind(&stored)
            .bind(source_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(logs + spans))
    }
}

impl Reader {
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
                let service = given.unwrap_or_else(|| service_from_path(row.get("path")));
                (row.get("id"), service, given_name)
            })
            .collect())
    }
}

/// The service a load gives records that name none when no service is given:
/// the file name without extensions (as `ingest` does, from the stored path).
fn service_from_path(path: &str) -> String {
    let name = std::path::Path::new(path)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    match name.split('.').next() {
        Some(stem) if !stem.is_empty() => stem.to_string(),
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::service_from_path;

    #[test]
    fn the_file_service_is_the_name_without_extensions() {
        assert_eq!(service_from_path("/logs/checkout.log.gz"), "checkout");
        assert_eq!(service_from_path("/logs/.hidden"), ".hidden");
        assert_eq!(service_from_path("payments"), "payments");
    }
}
