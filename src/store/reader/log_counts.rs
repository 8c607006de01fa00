//! Reading the kept log counts (`log_counts`, migration 0019, kept by the writer:
//! `store/log_counts.rs`): whether they hold the case now, and the condition over
//! them of a query they answer (`query::LogCountsSql`). The counters, the log
//! count, the histogram, the facets and the time density ask here first and count
//! the rows only when the counts cannot answer.

use super::Reader;
use crate::query::{Condition, LogCountsSql, Query};
use crate::store::StoreError;

impl Reader {
    /// Whether the kept log counts hold every log of the case now: no source is
    /// loading (they count complete and failed sources only).
    pub(super) async fn log_counts_hold(&self) -> Result<bool, StoreError> {
        Ok(
            sqlx::query_scalar(
                "SELECT NOT EXISTS (SELECT 1 FROM sources WHERE status = 'loading')",
            )
            .fetch_one(&self.pool)
            .await?,
        )
    }

    /// The condition over `log_counts c` of `query` when the kept counts hold the
    /// case and answer the query exactly; `None`: count the rows.
    pub(super) async fn log_counts_condition(
        &self,
        query: &Query,
    ) -> Result<Option<Condition>, StoreError> {
        let Some(condition) = LogCountsSql::condition(query) else {
            return Ok(None);
        };
        Ok(self.log_counts_hold().await?.then_some(condition))
    }
}
