//! The kept log counts (migration 0019, `log_counts`): logs per second, service,
//! severity, source and link state, what the counters, the histogram, the facets
//! and the log count read instead of the rows (`reader/log_counts.rs`). Kept by
//! the writer in the transaction that changes the rows they count, so they are
//! case data with the same crash guarantees as the rows:
//! - a write of rows (`writer::finish_source`, loads and follow appends) adds what
//!   `BulkWriter::write_log` tallied (`LoadSummary::log_counts`, links as decided on
//!   insert) *before* the correlation of the touched traces, which then moves the
//!   logs whose link it changes (`move_changed_links`);
//! - a removal subtracts the source's logs (`subtract`), a rename moves the renamed
//!   logs (`subtract` then `add_selected`).
//!
//! They count the logs of complete and failed sources (and, in the transaction that
//! finishes it, of the source being finished): the rows of a load still running
//! are not in them, and the readers count the rows while a source loads.
//!
//! Cost: a hash map update per log on insert; a `GROUP BY` of the removed or renamed
//! logs; for link changes, one pass over the logs of the touched traces, which the
//! correlation reads anyway (it now writes only the logs whose link changes).

use std::collections::HashMap;

use rusqlite::{params, Connection};

use super::StoreError;
use crate::model::Link;

/// The `second` of logs without a time.
pub const NO_TIME: i64 = i64::MIN;

/// A second: floor(ts_ns / 1 s), as the table keys it.
pub fn second_of(ts_ns: Option<i64>) -> i64 {
    ts_ns.map_or(NO_TIME, |ts_ns| ts_ns.div_euclid(1_000_000_000))
}

/// `second_of` in SQL, over a column `ts_ns` (of table alias `table`).
fn second_sql(table: &str) -> String {
    format!(
        "CASE WHEN {table}.ts_ns IS NULL THEN {NO_TIME} \
         WHEN {table}.ts_ns >= 0 THEN {table}.ts_ns / 1000000000 \
         ELSE -((-1 - {table}.ts_ns) / 1000000000) - 1 END"
    )
}

/// Per service, logs per (second, severity, link) of one write: what
/// `BulkWriter::write_log` tallies (the service keyed apart, so a log costs no
/// allocation).
pub type Tally = HashMap<String, HashMap<(i64, u8, u8), i64>>;

/// Adds one log to `tally`.
pub fn tally_log(tally: &mut Tally, service: &str, ts_ns: Option<i64>, severity: u8, link: Link) {
    let per_service = match tally.get_mut(service) {
        Some(per_service) => per_service,
        None => tally.entry(service.to_string()).or_default(),
    };
    *per_service
        .entry((second_of(ts_ns), severity, link as u8))
        .or_default() += 1;
}

/// Adds a write's tally of source `source_id`'s logs.
pub(super) fn add_tally(
    conn: &Connection,
    source_id: i64,
    tally: &Tally,
) -> Result<(), StoreError> {
    let mut add = conn.prepare_cached(
        "INSERT INTO log_counts (second, service, severity, source_id, link, n) \
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (second, service, severity, source_id, link) \
         DO UPDATE SET n = n + excluded.n",
    )?;
    for (service, counts) in tally {
        for ((second, severity, link), n) in counts {
            add.execute(params![second, service, severity, source_id, link, n])?;
        }
    }
    Ok(())
}

/// The logs `condition` selects (SQL over `logs l`), grouped as the table keys
/// them, with service `service` (SQL: `l.service`, their own, or a parameter).
fn grouped(service: &str, condition: &str) -> String {
    format!(
        "SELECT {second} AS second, {service} AS service, l.severity, l.source_id, l.link, \
         COUNT(*) AS n FROM logs l WHERE {condition} GROUP BY 1, 2, 3, 4, 5",
        second = second_sql("l")
    )
}

/// Takes the logs `condition` (SQL over `logs l`, with `params`) selects out of
/// the counts, dropping rows left at 0.
pub(super) fn subtract(
    conn: &Connection,
    condition: &str,
    params: impl rusqlite::Params,
) -> Result<(), StoreError> {
    conn.prepare_cached(&format!(
        "UPDATE log_counts SET n = log_counts.n - removed.n FROM ({}) AS removed \
         WHERE log_counts.second = removed.second AND log_counts.service = removed.service \
         AND log_counts.severity = removed.severity \
         AND log_counts.source_id = removed.source_id AND log_counts.link = removed.link",
        grouped("l.service", condition)
    ))?
    .execute(params)?;
    conn.prepare_cached("DELETE FROM log_counts WHERE n <= 0")?
        .execute([])?;
    Ok(())
}

/// Adds the logs `condition` (SQL over `logs l`, with `params`) selects, as of
/// service `service` (SQL: `l.service` for their own, or a parameter of `params`).
pub(super) fn add_selected(
    conn: &Connection,
    service: &str,
    condition: &str,
    params: impl rusqlite::Params,
) -> Result<(), StoreError> {
    conn.prepare_cached(&format!(
        "INSERT INTO log_counts (second, service, severity, source_id, link, n) \
         SELECT * FROM ({}) WHERE true \
         ON CONFLICT (second, service, severity, source_id, link) DO UPDATE SET n = n + excluded.n",
        grouped(service, condition)
    ))?
    .execute(params)?;
    Ok(())
}

/// Sets the link of the logs of the touched traces (`temp.touched`) to what the
/// spans of the case say, writing only those whose link changes, and moves the
/// counted ones (sources complete or failed, and `also`) in the counts.
pub(super) fn move_changed_links(conn: &Connection, also: Option<i64>) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS link_changes (id INTEGER PRIMARY KEY, link INTEGER); \
         DELETE FROM temp.link_changes;",
    )?;
    conn.prepare_cached(
        "INSERT INTO temp.link_changes (id, link) SELECT id, next FROM (SELECT id, link, CASE \
           WHEN span_id IS NOT NULL AND EXISTS (SELECT 1 FROM spans s \
                WHERE s.trace_id = logs.trace_id AND s.span_id = logs.span_id) THEN ?1 \
           WHEN EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = logs.trace_id) THEN ?2 \
           ELSE ?3 END AS next \
         FROM logs WHERE trace_id IN (SELECT trace_id FROM temp.touched)) WHERE next != link",
    )?
    .execute(params![
        Link::Span as i64,
        Link::Trace as i64,
        Link::Orphan as i64
    ])?;
    let counted = "l.id IN (SELECT id FROM temp.link_changes) AND (l.source_id = ?1 OR \
         l.source_id IN (SELECT id FROM sources WHERE status IN ('complete', 'failed')))";
    let also = also.unwrap_or(-1);
    subtract(conn, counted, [also])?;
    conn.prepare_cached(
        "UPDATE logs SET link = (SELECT c.link FROM temp.link_changes c WHERE c.id = logs.id) \
         WHERE id IN (SELECT id FROM temp.link_changes)",
    )?
    .execute([])?;
    add_selected(conn, "l.service", counted, [also])
}
