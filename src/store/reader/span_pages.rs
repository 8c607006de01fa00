//! What the readers that look at every span share: the interned resources'
//! attributes, and every span in (trace id, span id) order a page at a time, by
//! the primary key, so memory holds one page whatever the case's size (the
//! comparisons, services, quality findings and sampling read this way).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::rows::{json_column, query_with};
use super::Reader;
use crate::query::Param;
use crate::store::StoreError;

/// Spans per page.
const PAGE: i64 = 20_000;

impl Reader {
    /// The attributes of every resource, by id (a case interns few of them).
    pub(super) async fn resource_attributes(&self) -> Result<HashMap<i64, Arc<Value>>, StoreError> {
        Ok(sqlx::query("SELECT id, attributes FROM resources")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| (row.get("id"), Arc::new(json_column(row, "attributes"))))
            .collect())
    }

    /// Hands `each` every span of the case, a page of rows at a time, in (trace id,
    /// span id) order: `columns` is the select list over `spans s`, `params` the
    /// values of its `?`s (a query's match condition, say).
    pub(super) async fn each_span_page(
        &self,
        columns: &str,
        params: &[Param],
        mut each: impl FnMut(&[SqliteRow]),
    ) -> Result<(), StoreError> {
        let sql = format!(
            "SELECT s.trace_id AS page_trace, s.span_id AS page_span, {columns} \
             FROM spans s WHERE (s.trace_id, s.span_id) > (?, ?) \
             ORDER BY s.trace_id, s.span_id LIMIT ?"
        );
        let mut after: (Vec<u8>, Vec<u8>) = (Vec::new(), Vec::new());
        loop {
            let mut page_params = params.to_vec();
            page_params.extend([
                Param::Blob(after.0.clone()),
                Param::Blob(after.1.clone()),
                Param::Int(PAGE),
            ]);
            let rows = query_with(sql.clone(), &page_params)
                .fetch_all(&self.pool)
                .await?;
            each(&rows);
            let Some(last) = rows.last() else { break };
            after = (last.get("page_trace"), last.get("page_span"));
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
        Ok(())
    }
}
