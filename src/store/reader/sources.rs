//! `Reader::sources`: every source of the case with its status, counts and kept
//! problems (`weft sources`, the app's source list). What a source's records are
//! called when they name no service is `Reader::source_services`, in `edit.rs`.

use serde::Serialize;
use serde_json::Value;
use sqlx::Row;

use super::rows::json_column;
use super::Reader;
use crate::store::StoreError;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SourceView {
    pub id: i64,
    pub path: String,
    pub size: i64,
    pub format: Option<String>,
    /// A `SourceStatus`, as text.
    #[cfg_attr(feature = "ts", ts(as = "crate::store::SourceStatus"))]
    pub status: String,
    pub spans: i64,
    pub logs: i64,
    pub unparsed: i64,
    pub problems: i64,
    pub errors: Value,
}

impl Reader {
    /// Every source of the case, in load order.
    pub async fn sources(&self) -> Result<Vec<SourceView>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, path, size, format, status, spans, logs, unparsed, problems, errors \
             FROM sources ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| SourceView {
                id: row.get("id"),
                path: row.get("path"),
                size: row.get("size"),
                format: row.get("format"),
                status: row.get("status"),
                spans: row.get("spans"),
                logs: row.get("logs"),
                unparsed: row.get("unparsed"),
                problems: row.get("problems"),
                errors: json_column(row, "errors"),
            })
            .collect())
    }
}
