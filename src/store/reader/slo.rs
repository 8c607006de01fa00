//! `Reader::objectives` (the service level objectives kept in the case),
//! `Reader::operation_calls` (the calls of one operation, what `analysis::slo`
//! evaluates an objective on) and `Reader::slo_reports`, every objective evaluated:
//! the one place `weft slo` and the app's Services view get them from. Writing
//! objectives is `edit.rs`'s.

use sqlx::Row;

use super::rows::hex_column;
use super::Reader;
use crate::analysis::services::SeriesAxis;
use crate::analysis::slo::{self, Call, Objective, SloReport};
use crate::store::StoreError;

impl Reader {
    /// Every objective evaluated on its operation's calls, with its good and bad calls
    /// in `buckets` (at least 1) over their starts, in the order they were added.
    pub async fn slo_reports(&self, buckets: usize) -> Result<Vec<SloReport>, StoreError> {
        let mut reports = Vec::new();
        for objective in self.objectives().await? {
            let calls = self
                .operation_calls(&objective.service, &objective.name)
                .await?;
            let axis = calls
                .first()
                .zip(calls.last())
                .map(|(first, last)| SeriesAxis::covering(first.start_ns, last.start_ns, buckets));
            reports.push(slo::evaluate(&objective, &calls, axis.as_ref()));
        }
        Ok(reports)
    }

    /// Every objective, in the order they were added.
    pub async fn objectives(&self) -> Result<Vec<Objective>, StoreError> {
        let rows =
            sqlx::query("SELECT id, service, name, p95_ns, error_rate FROM slos ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .iter()
            .map(|row| Objective {
                id: row.get("id"),
                service: row.get("service"),
                name: row.get("name"),
                p95_ns: row.get("p95_ns"),
                error_rate: row.get("error_rate"),
            })
            .collect())
    }

    /// The spans of operation `service: name` as calls, by start.
    pub async fn operation_calls(
        &self,
        service: &str,
        name: &str,
    ) -> Result<Vec<Call>, StoreError> {
        let rows = sqlx::query(
            "SELECT trace_id, start_ns, end_ns - start_ns AS duration_ns, status_code \
             FROM spans WHERE service = ? AND name = ? ORDER BY start_ns",
        )
        .bind(service)
        .bind(name)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| Call {
                trace_id: hex_column(row, "trace_id").unwrap_or_default(),
                start_ns: row.get("start_ns"),
                duration_ns: row.get("duration_ns"),
                error: row.get::<i64, _>("status_code") == 2,
            })
            .collect())
    }
}
