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
    /// The dialect of a format that reads several (`clef`, `pino`, … for `json-log`),
    /// as `formats::Format::dialect` found it; `None` for other formats.
    pub dialect: Option<String>,
    /// A `SourceStatus`, as text.
    #[cfg_attr(feature = "ts", ts(as = "crate::store::SourceStatus"))]
    pub status: String,
    pub spans: i64,
    pub logs: i64,
    pub unparsed: i64,
    pub problems: i64,
    pub errors: Value,
    /// For a Zipkin source: how its span records became spans of the case, which is
    /// why `spans` (records read) can differ from what the trace list counts.
    pub zipkin: Option<ZipkinSpans>,
}

/// How a Zipkin source's span records became spans of the case.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ZipkinSpans {
    /// Spans of the case this source brought. A record that repeats a span already
    /// stored (same trace id and span id; for a shared half, the same endpoint too)
    /// is stored once, the first one kept.
    pub stored: i64,
    /// Of those, server halves of shared spans (`"shared": true`, the same id as the
    /// client span that called them) kept apart from their client half under an id
    /// of their own (the original in the attribute `zipkin.span_id`).
    pub shared_apart: i64,
}

/// `Format::name` of Zipkin v2 JSON.
const ZIPKIN: &str = "zipkin-json";

impl Reader {
    /// Every source of the case, in load order.
    pub async fn sources(&self) -> Result<Vec<SourceView>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, path, size, format, dialect, status, spans, logs, unparsed, problems, \
             errors FROM sources ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut sources = Vec::with_capacity(rows.len());
        for row in &rows {
            let format: Option<String> = row.get("format");
            let id: i64 = row.get("id");
            let zipkin = match format.as_deref() {
                Some(ZIPKIN) => Some(self.zipkin_spans(id).await?),
                _ => None,
            };
            sources.push(SourceView {
                id,
                path: row.get("path"),
                size: row.get("size"),
                format,
                dialect: row.get("dialect"),
                status: row.get("status"),
                spans: row.get("spans"),
                logs: row.get("logs"),
                unparsed: row.get("unparsed"),
                problems: row.get("problems"),
                errors: json_column(row, "errors"),
                zipkin,
            });
        }
        Ok(sources)
    }

    /// The spans of the case that Zipkin source `source_id` brought (index
    /// `spans_source`), and how many of them are shared server halves kept apart.
    async fn zipkin_spans(&self, source_id: i64) -> Result<ZipkinSpans, StoreError> {
        let row = sqlx::query(
            "SELECT count(*) AS stored, \
             count(json_extract(attributes, '$.\"zipkin.span_id\"')) AS shared_apart \
             FROM spans WHERE source_id = ?",
        )
        .bind(source_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(ZipkinSpans {
            stored: row.get("stored"),
            shared_apart: row.get("shared_apart"),
        })
    }
}
