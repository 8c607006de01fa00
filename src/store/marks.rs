//! Marks of the postmortem notebook (`crate::notebook`), in the tables of migration
//! 0016: `Writer::{add_mark, edit_mark, remove_mark}` each in one small transaction
//! (a kill while saving leaves a note whole or absent), `Reader::marks` with
//! `target_missing` computed on read. A log mark is anchored by its source's content
//! hash, its line and its place among that source's logs of the line, found again
//! after the source is loaded anew (new log ids); a mark whose span, trace or log left
//! the case is returned with `target_missing`, never dropped.

use rusqlite::{params, OptionalExtension, Transaction};
use sqlx::Row;

use super::reader::rows::hex_column;
use super::{Reader, StoreError, Writer};
use crate::ids::{SpanId, TraceId};
use crate::notebook::{clean_tags, Mark, MarkEdit, MarkTarget, NewMark};
use crate::query::MARKED_LOG_ID;

/// What is wrong with a mark to add or edit.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MarkError {
    #[error("trace {0} is not in the case")]
    UnknownTrace(TraceId),
    #[error("span {span} of trace {trace} is not in the case")]
    UnknownSpan { trace: TraceId, span: SpanId },
    #[error("log {0} is not in the case")]
    UnknownLog(i64),
    #[error("the range ends ({to_ns}) before it starts ({from_ns})")]
    BackwardRange { from_ns: i64, to_ns: i64 },
    #[error("a search mark needs a query")]
    EmptyQuery,
    #[error("query: {0}")]
    BadQuery(String),
    #[error("no mark {0} in the case")]
    NoMark(i64),
}

/// A log's anchor: its source's hash, line and place among the source's logs of
/// that line; and its time.
struct LogAnchor {
    hash: String,
    line: Option<i64>,
    index: i64,
    ts_ns: Option<i64>,
}

fn log_anchor(tx: &Transaction, log_id: i64) -> Result<Option<LogAnchor>, StoreError> {
    let found = tx
        .query_row(
            "SELECT s.hash, l.line, l.ts_ns, l.source_id FROM logs l \
             JOIN sources s ON s.id = l.source_id WHERE l.id = ?",
            [log_id],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, Option<i64>>(1)?,
                    row.get::<_, Option<i64>>(2)?,
                    row.get::<_, i64>(3)?,
                ))
            },
        )
        .optional()?;
    let Some((hash, line, ts_ns, source_id)) = found else {
        return Ok(None);
    };
    let index = tx.query_row(
        "SELECT count(*) FROM logs WHERE source_id = ? AND line IS ? AND id < ?",
        params![source_id, line, log_id],
        |row| row.get(0),
    )?;
    Ok(Some(LogAnchor {
        hash,
        line,
        index,
        ts_ns,
    }))
}

fn replace_tags(tx: &Transaction, mark_id: i64, tags: &[String]) -> Result<(), StoreError> {
    tx.execute("DELETE FROM mark_tags WHERE mark_id = ?", [mark_id])?;
    for tag in clean_tags(tags) {
        tx.execute(
            "INSERT INTO mark_tags (mark_id, tag) VALUES (?, ?)",
            params![mark_id, tag],
        )?;
    }
    Ok(())
}

/// `Some` text trimmed, `None` when empty.
fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty())
}

/// Adds `mark` in one transaction; its id, or what is wrong with its target.
fn insert_mark(tx: &Transaction, mark: NewMark) -> Result<Result<i64, MarkError>, StoreError> {
    let mut trace_key = None;
    let mut span_key = None;
    let mut log = None;
    let (mut from_ns, mut to_ns, mut query) = (None, None, None);
    let evidence_ns: Option<i64> = match &mark.target {
        MarkTarget::Trace(trace_id) => {
            let start: Option<i64> = tx.query_row(
                "SELECT coalesce((SELECT start_ns FROM traces WHERE trace_id = ?1), \
                 (SELECT min(ts_ns) FROM logs WHERE trace_id = ?1))",
                [trace_id.0.to_vec()],
                |row| row.get(0),
            )?;
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM traces WHERE trace_id = ?1) \
                 OR EXISTS (SELECT 1 FROM logs WHERE trace_id = ?1)",
                [trace_id.0.to_vec()],
                |row| row.get(0),
            )?;
            if !exists {
                return Ok(Err(MarkError::UnknownTrace(*trace_id)));
            }
            trace_key = Some(trace_id.0.to_vec());
            start
        }
        MarkTarget::Span(trace_id, span_id) => {
            let start: Option<i64> = tx
                .query_row(
                    "SELECT start_ns FROM spans WHERE trace_id = ? AND span_id = ?",
                    params![trace_id.0.to_vec(), span_id.0.to_vec()],
                    |row| row.get(0),
                )
                .optional()?;
            let Some(start) = start else {
                return Ok(Err(MarkError::UnknownSpan {
                    trace: *trace_id,
                    span: *span_id,
                }));
            };
            trace_key = Some(trace_id.0.to_vec());
            span_key = Some(span_id.0.to_vec());
            Some(start)
        }
        MarkTarget::Log(log_id) => {
            let Some(anchor) = log_anchor(tx, *log_id)? else {
                return Ok(Err(MarkError::UnknownLog(*log_id)));
            };
            let ts_ns = anchor.ts_ns;
            log = Some((*log_id, anchor));
            ts_ns
        }
        MarkTarget::Range {
            from_ns: from,
            to_ns: to,
        } => {
            if to < from {
                return Ok(Err(MarkError::BackwardRange {
                    from_ns: *from,
                    to_ns: *to,
                }));
            }
            (from_ns, to_ns) = (Some(*from), Some(*to));
            Some(*from)
        }
        MarkTarget::Search(text) => {
            if text.trim().is_empty() {
                return Ok(Err(MarkError::EmptyQuery));
            }
            // A search is at the start of the range it names, if it names one.
            let parsed = match crate::query::parse(text, mark.created_ns) {
                Ok(parsed) => parsed,
                Err(error) => return Ok(Err(MarkError::BadQuery(error.to_string()))),
            };
            query = Some(text.clone());
            parsed.terms.iter().find_map(|term| match term.kind {
                crate::query::TermKind::After(after_ns) if !term.negated => Some(after_ns),
                _ => None,
            })
        }
        MarkTarget::Note => None,
    };
    let at_ns = mark.at_ns.or(evidence_ns).unwrap_or(mark.created_ns);
    let (log_id, hash, line, index) = match log {
        Some((log_id, anchor)) => (
            Some(log_id),
            Some(anchor.hash),
            anchor.line,
            Some(anchor.index),
        ),
        None => (None, None, None, None),
    };
    tx.execute(
        "INSERT INTO marks (kind, trace_id, span_id, log_id, log_source_hash, log_line, \
         log_index, from_ns, to_ns, query, note, colour, author, created_ns, at_ns, phase, \
         position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            mark.target.kind(),
            trace_key,
            span_key,
            log_id,
            hash,
            line,
            index,
            from_ns,
            to_ns,
            query,
            mark.note,
            non_empty(mark.colour),
            mark.author,
            mark.created_ns,
            at_ns,
            non_empty(mark.phase),
            mark.position
        ],
    )?;
    let mark_id = tx.last_insert_rowid();
    replace_tags(tx, mark_id, &mark.tags)?;
    Ok(Ok(mark_id))
}

impl Writer {
    /// Adds a mark in one transaction and returns its id; `Err(MarkError)` inside
    /// when its target is not in the case.
    pub async fn add_mark(&mut self, mark: NewMark) -> Result<Result<i64, MarkError>, StoreError> {
        self.transaction(move |tx| insert_mark(tx, mark)).await
    }

    /// Changes mark `id` in one transaction.
    pub async fn edit_mark(
        &mut self,
        id: i64,
        edit: MarkEdit,
    ) -> Result<Result<(), MarkError>, StoreError> {
        self.transaction(move |tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM marks WHERE id = ?)",
                [id],
                |row| row.get(0),
            )?;
            if !exists {
                return Ok(Err(MarkError::NoMark(id)));
            }
            if let Some(note) = edit.note {
                tx.execute("UPDATE marks SET note = ? WHERE id = ?", params![note, id])?;
            }
            if let Some(colour) = edit.colour {
                let colour = non_empty(Some(colour));
                tx.execute(
                    "UPDATE marks SET colour = ? WHERE id = ?",
                    params![colour, id],
                )?;
            }
            if let Some(phase) = edit.phase {
                let phase = non_empty(Some(phase));
                tx.execute(
                    "UPDATE marks SET phase = ? WHERE id = ?",
                    params![phase, id],
                )?;
            }
            if let Some(at_ns) = edit.at_ns {
                tx.execute(
                    "UPDATE marks SET at_ns = ? WHERE id = ?",
                    params![at_ns, id],
                )?;
            }
            if let Some(position) = edit.position {
                tx.execute(
                    "UPDATE marks SET position = ? WHERE id = ?",
                    params![position, id],
                )?;
            }
            if let Some(tags) = edit.tags {
                replace_tags(tx, id, &tags)?;
            }
            Ok(Ok(()))
        })
        .await
    }

    /// Removes mark `id` and its tags; whether there was one.
    pub async fn remove_mark(&mut self, id: i64) -> Result<bool, StoreError> {
        self.transaction(move |tx| {
            tx.execute("DELETE FROM mark_tags WHERE mark_id = ?", [id])?;
            Ok(tx.execute("DELETE FROM marks WHERE id = ?", [id])? > 0)
        })
        .await
    }
}

impl Reader {
    /// Every mark of the case in timeline order (`notebook::sort_marks`).
    pub async fn marks(&self) -> Result<Vec<Mark>, StoreError> {
        self.marks_where("1 = 1", None).await
    }

    /// Mark `id`, if there is one.
    pub async fn mark(&self, id: i64) -> Result<Option<Mark>, StoreError> {
        Ok(self.marks_where("m.id = ?", Some(id)).await?.pop())
    }

    async fn marks_where(&self, condition: &str, id: Option<i64>) -> Result<Vec<Mark>, StoreError> {
        let sql = format!(
            "SELECT m.*, CASE m.kind WHEN 'log' THEN {MARKED_LOG_ID} END AS resolved_log, \
             CASE m.kind \
               WHEN 'trace' THEN NOT (EXISTS (SELECT 1 FROM traces t WHERE t.trace_id = m.trace_id) \
                 OR EXISTS (SELECT 1 FROM logs lt WHERE lt.trace_id = m.trace_id)) \
               WHEN 'span' THEN NOT EXISTS (SELECT 1 FROM spans sp \
                 WHERE sp.trace_id = m.trace_id AND sp.span_id = m.span_id) \
               ELSE 0 END AS missing, \
             (SELECT json_group_array(tag) FROM (SELECT tag FROM mark_tags mt \
               WHERE mt.mark_id = m.id ORDER BY tag)) AS tags \
             FROM marks m WHERE {condition} ORDER BY m.at_ns, m.position, m.id"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        if let Some(id) = id {
            query = query.bind(id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|row| {
                let kind: String = row.get("kind");
                let resolved: Option<i64> = row.get("resolved_log");
                let marked_log: Option<i64> = row.get("log_id");
                let missing: bool = row.get::<i64, _>("missing") != 0;
                let tags: String = row.get("tags");
                Mark {
                    id: row.get("id"),
                    target_missing: missing || (kind == "log" && resolved.is_none()),
                    log_id: resolved.or(marked_log),
                    kind,
                    trace_id: hex_column(row, "trace_id"),
                    span_id: hex_column(row, "span_id"),
                    from_ns: row.get("from_ns"),
                    to_ns: row.get("to_ns"),
                    query: row.get("query"),
                    note: row.get("note"),
                    tags: serde_json::from_str(&tags).unwrap_or_default(),
                    author: row.get("author"),
                    created_ns: row.get("created_ns"),
                    at_ns: row.get("at_ns"),
                    colour: row.get("colour"),
                    phase: row.get("phase"),
                    position: row.get("position"),
                    log_source_hash: row.get("log_source_hash"),
                    log_line: row.get("log_line"),
                    log_index: row.get("log_index"),
                }
            })
            .collect())
    }
}

impl Reader {
    /// Every source of the case in load order, for the report: path, format, size,
    /// content hash (blake3 of the file's bytes) and status.
    #[allow(clippy::type_complexity)]
    pub async fn source_hashes(
        &self,
    ) -> Result<Vec<(String, Option<String>, i64, String, String)>, StoreError> {
        let rows = sqlx::query("SELECT path, format, size, hash, status FROM sources ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|row| {
                (
                    row.get("path"),
                    row.get("format"),
                    row.get("size"),
                    row.get("hash"),
                    row.get("status"),
                )
            })
            .collect())
    }
}
