//! The layouts of big traces kept in the case (`trace_layouts`, migration 0018,
//! their bytes in fixed pieces in `trace_layout_chunks`, migration 0020):
//! written for every touched trace of `LAYOUT_KEPT_MIN_SPANS` spans or more in the
//! transaction that recomputes the touched traces (`correlate::recompute_touched`:
//! loads, follow appends, removals, renames), which first drops their old ones, so
//! a kept layout is always the layout of the spans stored. Smaller traces are laid
//! out when asked (`Reader::layout` in `reader/trace_rows.rs`). A kept layout is
//! read whole (`read_kept`) or a piece at a time (`open_pieces`: the header, the
//! rows of a window, the rows of some keys). The layout itself is
//! `analysis::layout`; here are only the reading of a trace's spans for it and
//! the SQL.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

use super::StoreError;
use crate::analysis::layout::{self, LayoutPieces, LayoutSpan, TraceLayout};

/// Traces with at least this many spans keep their layout in the case: below it,
/// laying a trace out when asked costs a few milliseconds (measured in the
/// report of issue 19: 1k spans ~1 ms, 5k spans ~6 ms on the debug build).
pub const LAYOUT_KEPT_MIN_SPANS: i64 = 5_000;

/// The size of the pieces a kept layout is cut into: a window of 100 rows (4.4 KB)
/// reads one or two, the whole layout of a 1M-span trace ~1 700.
pub const LAYOUT_CHUNK_BYTES: usize = 32 * 1024;

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

/// The services and piece size of kept layout `id`; `None` when gone.
fn kept_meta(conn: &Connection, id: i64) -> Result<Option<(Vec<String>, usize)>, StoreError> {
    let found: Option<(String, i64)> = conn
        .prepare_cached("SELECT services, chunk_bytes FROM trace_layouts WHERE id = ?")?
        .query_row([id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    Ok(found.and_then(|(services, chunk_bytes)| {
        Some((
            serde_json::from_str(&services).ok()?,
            usize::try_from(chunk_bytes).ok()?,
        ))
    }))
}

/// Reads the kept layout of id `id` whole; `None` when gone or of another encoding.
pub(crate) fn read_kept(conn: &Connection, id: i64) -> Result<Option<KeptLayout>, StoreError> {
    let Some((services, _)) = kept_meta(conn, id)? else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    let mut select = conn.prepare_cached(
        "SELECT bytes FROM trace_layout_chunks WHERE layout_id = ? ORDER BY chunk",
    )?;
    let mut rows = select.query([id])?;
    while let Some(row) = rows.next()? {
        bytes.extend_from_slice(row.get_ref(0)?.as_blob().unwrap_or_default());
    }
    Ok(layout::decode(&bytes).map(|layout| KeptLayout { layout, services }))
}

/// Kept layout `id` to read a piece at a time, with its services; `None` when
/// gone or of another encoding.
pub(crate) fn open_pieces(
    conn: &Connection,
    id: i64,
) -> Result<Option<(Pieces<'_>, Vec<String>)>, StoreError> {
    let Some((services, chunk_bytes)) = kept_meta(conn, id)? else {
        return Ok(None);
    };
    let fetch: Box<dyn FnMut(usize) -> PieceResult + '_> = Box::new(move |chunk: usize| {
        Ok(conn
            .prepare_cached(
                "SELECT bytes FROM trace_layout_chunks WHERE layout_id = ? AND chunk = ?",
            )?
            .query_row(params![id, chunk as i64], |row| row.get(0))
            .optional()?)
    });
    Ok(LayoutPieces::open(chunk_bytes, fetch)?.map(|pieces| (pieces, services)))
}

/// One piece of a kept layout, as `open_pieces` fetches it.
pub(crate) type PieceResult = Result<Option<Vec<u8>>, StoreError>;

/// A kept layout read a piece at a time from a connection.
pub(crate) type Pieces<'c> = LayoutPieces<Box<dyn FnMut(usize) -> PieceResult + 'c>>;

/// In the writer's transaction, after the touched traces' summary rows are made
/// again: drops their kept layouts and keeps a new one for each that is big.
pub(super) fn relayout_touched(conn: &Connection) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM trace_layout_chunks WHERE layout_id IN (SELECT id FROM trace_layouts \
         WHERE trace_id IN (SELECT trace_id FROM temp.touched))",
        [],
    )?;
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
                "INSERT INTO trace_layouts (trace_id, services, layout, chunk_bytes) \
                 VALUES (?, ?, X'', ?)",
                params![trace_id, services, LAYOUT_CHUNK_BYTES as i64],
            )?;
            let id = conn.last_insert_rowid();
            let mut insert = conn.prepare_cached(
                "INSERT INTO trace_layout_chunks (layout_id, chunk, bytes) VALUES (?, ?, ?)",
            )?;
            for (chunk, bytes) in layout::encode(&kept.layout)
                .chunks(LAYOUT_CHUNK_BYTES)
                .enumerate()
            {
                insert.execute(params![id, chunk as i64, bytes])?;
            }
        }
    }
    Ok(())
}
