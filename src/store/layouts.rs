//! The layouts of big traces kept in the case (`trace_layouts`, migration 0018):
//! written for every touched trace of `LAYOUT_KEPT_MIN_SPANS` spans or more in the
//! transaction that recomputes the touched traces (`correlate::recompute_touched`:
//! loads, follow appends, removals, renames), which first drops their old ones, so
//! a kept layout is always the layout of the spans stored. Smaller traces are laid
//! out when asked (`Reader::layout` in `reader/trace_rows.rs`). The layout itself
//! is `analysis::layout`; here are only the reading of a trace's spans for it and
//! the SQL.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

use super::StoreError;
use crate::analysis::layout::{self, LayoutSpan, TraceLayout};

/// Traces with at least this many spans keep their layout in the case: below it,
/// laying a trace out when asked costs a few milliseconds (measured in the
/// report of issue 19: 1k spans ~1 ms, 5k spans ~6 ms on the debug build).
pub const LAYOUT_KEPT_MIN_SPANS: i64 = 5_000;

/// A trace's layout with the names of the services its rows number.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptLayout {
    pub layout: TraceLayout,
    pub services: Vec<String>,
}

/// Reads the spans of trace `trace_id` (16 bytes) and lays them out; `None` when
/// the case holds no span of it.
pub(crate) fn lay_out(
    conn: &Connection,
    trace_id: &[u8],
) -> Result<Option<KeptLayout>, StoreError> {
    let mut select = conn.prepare_cached(
        "SELECT span_id, parent_span_id, start_ns, end_ns, service, status_code \
         FROM spans WHERE trace_id = ?",
    )?;
    let mut rows = select.query([trace_id])?;
    let mut spans = Vec::new();
    let mut service_of: HashMap<String, u32> = HashMap::new();
    let mut services: Vec<String> = Vec::new();
    while let Some(row) = rows.next()? {
        let service = row.get_ref(4)?.as_str().unwrap_or_default();
        let service = match service_of.get(service) {
            Some(&at) => at,
            None => {
                services.push(service.to_string());
                service_of.insert(service.to_string(), services.len() as u32 - 1);
                services.len() as u32 - 1
            }
        };
        spans.push(LayoutSpan {
            span_id: id8(row.get_ref(0)?.as_blob().unwrap_or_default()),
            parent_span_id: row.get::<_, Option<Vec<u8>>>(1)?.as_deref().map(id8),
            start_ns: row.get(2)?,
            end_ns: row.get(3)?,
            service,
            error: row.get::<_, i64>(5)? == 2,
        });
    }
    if spans.is_empty() {
        return Ok(None);
    }
    // Services numbered in name order, so the numbers do not depend on the scan.
    let mut order: Vec<u32> = (0..services.len() as u32).collect();
    order.sort_by(|&a, &b| services[a as usize].cmp(&services[b as usize]));
    let mut renumber = vec![0u32; services.len()];
    for (new, &old) in order.iter().enumerate() {
        renumber[old as usize] = new as u32;
    }
    for span in &mut spans {
        span.service = renumber[span.service as usize];
    }
    let services = order
        .iter()
        .map(|&old| services[old as usize].clone())
        .collect();
    Ok(Some(KeptLayout {
        layout: TraceLayout::new(spans),
        services,
    }))
}

/// An 8-byte span id from a column (shorter ones padded at the front).
fn id8(bytes: &[u8]) -> [u8; 8] {
    let mut id = [0u8; 8];
    let take = bytes.len().min(8);
    id[8 - take..].copy_from_slice(&bytes[bytes.len() - take..]);
    id
}

/// The kept layout of trace `trace_id`, with its id (never reused: the key of a
/// reader's cache), or `None` when it has none (small, or from a case written
/// before migration 0018 and not touched since).
pub(crate) fn kept_id(conn: &Connection, trace_id: &[u8]) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id FROM trace_layouts WHERE trace_id = ?",
            [trace_id],
            |row| row.get(0),
        )
        .optional()?)
}

/// Reads the kept layout of id `id`; `None` when gone or of another encoding.
pub(crate) fn read_kept(conn: &Connection, id: i64) -> Result<Option<KeptLayout>, StoreError> {
    let found: Option<(String, Vec<u8>)> = conn
        .query_row(
            "SELECT services, layout FROM trace_layouts WHERE id = ?",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    Ok(found.and_then(|(services, bytes)| {
        Some(KeptLayout {
            layout: layout::decode(&bytes)?,
            services: serde_json::from_str(&services).ok()?,
        })
    }))
}

/// In the writer's transaction, after the touched traces' summary rows are made
/// again: drops their kept layouts and keeps a new one for each that is big.
pub(super) fn relayout_touched(conn: &Connection) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM trace_layouts WHERE trace_id IN (SELECT trace_id FROM temp.touched)",
        [],
    )?;
    let big: Vec<Vec<u8>> = conn
        .prepare(
            "SELECT trace_id FROM traces WHERE trace_id IN (SELECT trace_id FROM temp.touched) \
             AND spans >= ?",
        )?
        .query_map([LAYOUT_KEPT_MIN_SPANS], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for trace_id in big {
        if let Some(kept) = lay_out(conn, &trace_id)? {
            let services = serde_json::to_string(&kept.services).unwrap_or_default();
            conn.execute(
                "INSERT INTO trace_layouts (trace_id, services, layout) VALUES (?, ?, ?)",
                params![trace_id, services, layout::encode(&kept.layout)],
            )?;
        }
    }
    Ok(())
}
