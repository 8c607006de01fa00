//! One append of follow mode: the complete lines of a followed file decoded with
//! its format and committed, with the correlation of the traces they touch, the
//! source's counts and problems and the new offset, in one durable transaction.

use std::collections::HashSet;
use std::fs::File;

use rusqlite::params;

use super::files::head_hash_of;
use super::{now_ns, FollowError, Followable, HEAD_LEN};
use crate::formats::{Collected, Problem};
use crate::ingest::pipeline::{modified_ns, TimeFill};
use crate::store::{CORRELATE_TOUCHED, KEPT_PROBLEMS};

/// What one append committed.
pub(super) struct Appended {
    pub(super) spans: u64,
    pub(super) logs: u64,
    pub(super) unparsed: u64,
    pub(super) problems: Vec<Problem>,
}

/// Decodes `chunk` (complete lines from `source.offset`) and commits its records,
/// the correlation of the traces they touch, the source's counts and the new offset
/// in one durable transaction; only then does `source` move on.
pub(super) fn append(
    source: &mut Followable,
    file: &File,
    chunk: &[u8],
) -> Result<Appended, FollowError> {
    let mut decoded = Collected::default();
    if let Err(error) = source.format.decode(&mut &chunk[..], &mut decoded) {
        decoded.problems.push(Problem::unplaced(error.to_string()));
    }
    let first_line = source.lines;
    let file_ns = file.metadata().map(|meta| modified_ns(&meta)).unwrap_or(0);
    let mut times = TimeFill {
        last_ns: source.last_ns,
        waiting: Vec::new(),
        file_ns,
    };
    let mut logs = Vec::with_capacity(decoded.logs.len());
    for mut log in decoded.logs {
        log.line = log.line.map(|line| line + first_line);
        logs.extend(times.place(log));
    }
    logs.extend(times.release(file_ns));
    for problem in &mut decoded.problems {
        problem.line = problem.line.map(|line| line + first_line);
    }
    let spans = decoded.spans;
    let mut touched: HashSet<[u8; 16]> = spans.iter().map(|span| span.trace_id.0).collect();
    touched.extend(logs.iter().filter_map(|log| log.trace_id.map(|id| id.0)));

    source.bulk.write(&[], &[])?; // opens the transaction
    let conn = source.bulk.connection();
    let spans_before: i64 =
        conn.query_row("SELECT IFNULL(MAX(rowid), 0) FROM spans", [], |row| {
            row.get(0)
        })?;
    source.bulk.write(&spans, &logs)?;
    let summary = source.bulk.take_summary();
    let conn = source.bulk.connection();
    if !touched.is_empty() {
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS touched (trace_id BLOB PRIMARY KEY); \
             DELETE FROM temp.touched;",
        )?;
        let mut insert = conn.prepare_cached("INSERT INTO temp.touched VALUES (?)")?;
        for trace_id in &touched {
            insert.execute([&trace_id[..]])?;
        }
        for sql in CORRELATE_TOUCHED {
            conn.execute(sql, [])?;
        }
    }
    for ((second, severity), n) in &summary.seconds {
        conn.prepare_cached(
            "INSERT INTO log_seconds (second, severity, n) VALUES (?, ?, ?) \
             ON CONFLICT (second, severity) DO UPDATE SET n = n + excluded.n",
        )?
        .execute(params![second, i64::from(*severity), n])?;
    }
    if !spans.is_empty() {
        conn.execute(
            "INSERT INTO spans_fts (rowid, name, attributes) \
             SELECT rowid, name, attributes FROM spans WHERE rowid > ? AND source_id = ?",
            params![spans_before, source.id],
        )?;
    }
    let n_lines = chunk.iter().filter(|&&b| b == b'\n').count() as u64
        + u64::from(chunk.last() != Some(&b'\n'));
    let offset = source.offset + chunk.len() as u64;
    let head_len = offset.min(HEAD_LEN);
    let head_hash = if head_len == source.head_len {
        source.head_hash.clone()
    } else {
        head_hash_of(file, head_len)?
    };
    let unparsed = logs.iter().filter(|log| log.unparsed).count() as u64;
    let errors: String = conn.query_row(
        "SELECT errors FROM sources WHERE id = ?",
        [source.id],
        |row| row.get(0),
    )?;
    let mut kept: Vec<Problem> = serde_json::from_str(&errors).unwrap_or_default();
    let room = KEPT_PROBLEMS.saturating_sub(kept.len());
    kept.extend(decoded.problems.iter().take(room).cloned());
    let last_ns = times.last_ns;
    conn.prepare_cached(
        "UPDATE sources SET size = ?, spans = spans + ?, logs = logs + ?, \
         unparsed = unparsed + ?, problems = problems + ?, errors = ?, finished_ns = ?, \
         follow_offset = ?, follow_lines = ?, follow_head_len = ?, follow_head_hash = ?, \
         follow_last_ns = ? WHERE id = ?",
    )?
    .execute(params![
        offset as i64,
        spans.len() as i64,
        logs.len() as i64,
        unparsed as i64,
        decoded.problems.len() as i64,
        serde_json::to_string(&kept).expect("problems serialize"),
        now_ns(),
        offset as i64,
        (first_line + n_lines) as i64,
        head_len as i64,
        head_hash,
        last_ns,
        source.id,
    ])?;
    source.bulk.commit()?;
    source.offset = offset;
    source.lines = first_line + n_lines;
    source.head_len = head_len;
    source.head_hash = head_hash;
    source.last_ns = last_ns;
    Ok(Appended {
        spans: spans.len() as u64,
        logs: logs.len() as u64,
        unparsed,
        problems: decoded.problems,
    })
}
