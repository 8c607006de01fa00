//! A trace of any size a window at a time: its outline (`trace_outline`), windows
//! of its rows under a collapsed set (`trace_rows`), the per-depth, per-bucket
//! overview of its visible rows (`trace_overview`), find-in-trace over all its
//! spans (`trace_find`), the row of one span (`trace_row_of`), the collapsed set of
//! "to depth N" (`trace_collapse_to_depth`) and one span in full (`span_detail`).
//! They stand on the trace's layout (`analysis::layout`): the one kept in the case
//! for a big trace (`store/layouts.rs`), or one made from the spans for a small
//! trace. Every call reads a kept layout a piece at a time and holds no more of
//! it than the call needs: the outline its header, a window and the row of a
//! span the pieces holding those rows and a binary search of its keys; the
//! overview and "to depth N" stream the rows in order (one or two pieces held);
//! a span's self time its row and its children's; find and a collapsed set of
//! many keys stream the key index. Only a kept layout whose pieces cannot be read
//! is read whole (or laid out again), for that call. What a reader keeps between
//! calls is the last collapsed set of many keys (`CollapsedCache`: the app sends
//! the same set with every window). A window reads its rows' spans by primary
//! key, so its cost does not depend on the trace's size. Times are the stored
//! ones (no skew adjustment).

use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::logs::LogFilter;
use super::rows::{hex_column, json_column};
use super::trace_view::{EventView, LinkView, ScopeView, SpanView};
use super::Reader;
use crate::analysis::layout::{
    find_needle, may_match, plain_needle, resource_text, self_time, span_text, Collapsed, KeyRows,
    LayoutHeader, LayoutRow, SummaryCell,
};
use crate::ids::{SpanId, TraceId};
use crate::model::{Link, StatusCode};
use crate::store::layouts::{self, KeptLayout, Pieces};
use crate::store::StoreError;

/// At most this many rows in one window; a longer one is cut.
pub const MAX_WINDOW_ROWS: u32 = 10_000;

/// Up to this many keys are looked up each by a binary search of a kept layout's
/// key index; more stream the whole key index once (`LayoutPieces::rows_of_keys`).
const MAX_PIECEWISE_KEYS: usize = 256;

/// At most this many matches in one `TraceFind` (its `total` stays exact).
pub const MAX_FIND_MATCHES: usize = 10_000;

/// The last collapsed set of more than `MAX_PIECEWISE_KEYS` keys this reader
/// made from a kept layout, by the layout's id (never reused) and the keys as
/// asked: the app asks each window of a trace "to depth N" with the same
/// hundreds of thousands of keys, which would otherwise stream the key index
/// each time. One set: ~20 bytes a key.
#[derive(Default)]
pub(in crate::store) struct CollapsedCache(Mutex<Option<CachedSet>>);

struct CachedSet {
    layout_id: i64,
    keys: Vec<[u8; 8]>,
    set: Collapsed,
}

impl CollapsedCache {
    fn get(&self, layout_id: i64, keys: &[[u8; 8]]) -> Option<Collapsed> {
        let held = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        held.as_ref()
            .filter(|cached| cached.layout_id == layout_id && cached.keys == keys)
            .map(|cached| cached.set.clone())
    }

    fn put(&self, layout_id: i64, keys: &[[u8; 8]], set: &Collapsed) {
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(CachedSet {
            layout_id,
            keys: keys.to_vec(),
            set: set.clone(),
        });
    }
}

/// What a trace's waterfall needs before its rows.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TraceOutline {
    pub trace_id: String,
    pub span_count: u32,
    /// Rows of the tree with every row expanded (spans and missing parents).
    pub total_rows: u32,
    pub max_depth: u32,
    /// The earliest span start and the latest span end, in Unix ns as decimal text
    /// (past 2^53: a JS number would round them). Rows' times are offsets from `start_ns`.
    pub start_ns: String,
    pub end_ns: String,
    /// The services of the trace in name order: a row's `service` is an index here.
    pub services: Vec<String>,
    /// Whether some spans name a parent the case lacks (rows with `placeholder`).
    pub has_missing_parents: bool,
}

/// One row of the waterfall. Times are ns from the trace's start (`TraceOutline::start_ns`)
/// as numbers: exact while under 2^53 ns (~104 days), which a trace's offsets are.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TraceRow {
    /// Its visible row under the collapsed set asked with.
    pub row: u32,
    pub depth: u32,
    /// The span's id; on a placeholder row, the missing parent's id.
    pub span_id: String,
    pub parent_span_id: Option<String>,
    /// Empty on a placeholder row.
    pub name: String,
    /// Index into `TraceOutline::services` (a placeholder: its first orphan's).
    pub service: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub start_offset_ns: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub end_offset_ns: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub duration_ns: i64,
    pub status: StatusCode,
    /// Logs span-linked to it.
    pub log_count: u32,
    pub has_children: bool,
    pub child_count: u32,
    /// Whether its children are hidden (it has some and is in the collapsed set).
    pub collapsed: bool,
    /// A row standing for a parent span the case does not hold, over its orphans.
    pub placeholder: bool,
}

/// A window of rows: `rows` are visible rows `start..end` (cut to `total_rows`).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TraceRows {
    pub trace_id: String,
    /// Rows visible under the collapsed set.
    pub total_rows: u32,
    pub rows: Vec<TraceRow>,
}

/// The overview of a trace's visible rows over a time range (the minimap, and the
/// level of detail of a huge trace): per depth and time bucket, the spans starting
/// there (a span starting before the range and ending in it: bucket 0) and the
/// longest of them.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TraceOverview {
    pub trace_id: String,
    /// The range asked for, Unix ns as decimal text; bucket `b` covers
    /// `start + b·(end − start)/buckets` up to the next.
    pub start_ns: String,
    pub end_ns: String,
    pub buckets: u32,
    pub total_rows: u32,
    /// Cells with a span, by depth then bucket.
    pub cells: Vec<OverviewCell>,
}

/// One depth in one bucket. Offsets are ns from the trace's start, as in `TraceRow`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OverviewCell {
    pub depth: u32,
    pub bucket: u32,
    pub count: u32,
    /// The longest span's visible row and id.
    pub row: u32,
    pub span_id: String,
    pub service: u32,
    pub error: bool,
    pub placeholder: bool,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub start_offset_ns: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub end_offset_ns: i64,
}

/// The spans find-in-trace matches, in row order.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TraceFind {
    /// Every match, even past the first `MAX_FIND_MATCHES` listed.
    pub total: u32,
    pub matches: Vec<FindMatch>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FindMatch {
    pub span_id: String,
    /// Its visible row; `None` when a collapsed row hides it.
    pub row: Option<u32>,
}

/// One span in full, with its self time (`analysis::self_times` over its
/// children) and its trace's start, for the span details of a windowed trace.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SpanDetail {
    pub span: SpanView,
    pub trace_start_ns: i64,
    pub self_ns: i64,
}

/// The shape of `weft trace ID --rows START:END --json` (issue 19): absolute times,
/// the service by name.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TraceRowsJson {
    pub trace_id: String,
    pub total_rows: u32,
    pub rows: Vec<TraceRowJson>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TraceRowJson {
    pub row: u32,
    pub depth: u32,
    pub span_id: String,
    pub parent_span_id: Option<String>,
    pub name: String,
    pub service: String,
    pub start_ns: i64,
    pub end_ns: i64,
    pub status: StatusCode,
    pub log_count: u32,
    pub has_children: bool,
    /// A placeholder row (a missing parent; its `name` is empty): not in the JSON,
    /// for the text output.
    #[serde(skip)]
    pub placeholder: bool,
}

impl TraceRowsJson {
    /// `rows` with the times and services of `outline`.
    pub fn new(outline: &TraceOutline, rows: TraceRows) -> Self {
        let start: i64 = outline.start_ns.parse().unwrap_or(0);
        TraceRowsJson {
            trace_id: rows.trace_id,
            total_rows: rows.total_rows,
            rows: rows
                .rows
                .into_iter()
                .map(|row| TraceRowJson {
                    row: row.row,
                    depth: row.depth,
                    span_id: row.span_id,
                    parent_span_id: row.parent_span_id,
                    name: row.name,
                    service: outline
                        .services
                        .get(row.service as usize)
                        .cloned()
                        .unwrap_or_default(),
                    start_ns: start + row.start_offset_ns,
                    end_ns: start + row.end_offset_ns,
                    status: row.status,
                    log_count: row.log_count,
                    has_children: row.has_children,
                    placeholder: row.placeholder,
                })
                .collect(),
        }
    }
}

fn keys(collapsed: &[SpanId]) -> Vec<[u8; 8]> {
    collapsed.iter().map(|id| id.0).collect()
}

fn hex8(id: &[u8; 8]) -> String {
    SpanId(*id).to_hex()
}

impl Reader {
    /// Runs `work` on a blocking thread with a read-only rusqlite connection and the
    /// rows of trace `trace_id`'s layout (`None`: the case holds no span of it): a
    /// kept layout is read a piece at a time; when its pieces are unreadable
    /// (`work` gives `None`), it runs again on the whole layout, read or laid out
    /// from the spans for this call only (as a small trace's always is).
    async fn with_rows<T: Send + 'static>(
        &self,
        trace_id: TraceId,
        work: impl Fn(&Connection, &mut dyn RowSource) -> Result<Option<T>, StoreError> + Send + 'static,
    ) -> Result<Option<T>, StoreError> {
        let path = self.path.clone();
        let sets = self.collapsed_sets.clone();
        tokio::task::spawn_blocking(move || {
            let conn = read_only(&path)?;
            if let Some(id) = layouts::kept_id(&conn, &trace_id.0)? {
                if let Some((pieces, services)) = layouts::open_pieces(&conn, id)? {
                    let mut source = PieceSource {
                        pieces,
                        services,
                        sets: &sets,
                        layout_id: id,
                    };
                    if let Some(out) = work(&conn, &mut source)? {
                        return Ok(Some(out));
                    }
                }
            }
            match layout_of(&conn, &trace_id)? {
                Some(kept) => work(&conn, &mut WholeSource(kept)),
                None => Ok(None),
            }
        })
        .await
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
    }

    /// The layout kept in the case for trace `trace_id` (`None`: none kept), read
    /// afresh: what the tests compare with `laid_out`.
    pub async fn kept_layout(&self, trace_id: TraceId) -> Result<Option<KeptLayout>, StoreError> {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let conn = read_only(&path)?;
            match layouts::kept_id(&conn, &trace_id.0)? {
                Some(id) => layouts::read_kept(&conn, id),
                None => Ok(None),
            }
        })
        .await
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
    }

    /// Trace `trace_id` laid out from its spans now, whatever is kept.
    pub async fn laid_out(&self, trace_id: TraceId) -> Result<Option<KeptLayout>, StoreError> {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || layouts::lay_out(&read_only(&path)?, &trace_id.0))
            .await
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
    }

    /// The outline of trace `trace_id`; `None` when the case holds no span of it.
    pub async fn trace_outline(
        &self,
        trace_id: TraceId,
    ) -> Result<Option<TraceOutline>, StoreError> {
        self.with_rows(trace_id, move |_, source| {
            Ok(Some(outline(
                &trace_id,
                &source.header(),
                source.services(),
            )))
        })
        .await
    }

    /// Visible rows `start..end` of trace `trace_id` with the children of the
    /// `collapsed` rows hidden (ids that name no row with children are ignored).
    pub async fn trace_rows(
        &self,
        trace_id: TraceId,
        start: u32,
        end: u32,
        collapsed: Vec<SpanId>,
    ) -> Result<Option<TraceRows>, StoreError> {
        let keys = keys(&collapsed);
        self.with_rows(trace_id, move |conn, source| {
            let header = source.header();
            let Some(set) = source.collapsed(&keys)? else {
                return Ok(None);
            };
            let end = end.min(start.saturating_add(MAX_WINDOW_ROWS));
            let full_rows = set.window(header.n_rows, start, end);
            let Some(layout_rows) = source.rows_at(&full_rows)? else {
                return Ok(None);
            };
            let mut rows = Vec::with_capacity(layout_rows.len());
            for (at, (row, &full)) in layout_rows.iter().zip(&full_rows).enumerate() {
                rows.push(row_of(
                    conn,
                    &trace_id,
                    row,
                    header.start_ns,
                    set.contains(full),
                    start + at as u32,
                )?);
            }
            Ok(Some(TraceRows {
                trace_id: trace_id.to_hex(),
                total_rows: set.visible_count(header.n_rows),
                rows,
            }))
        })
        .await
    }

    /// The overview of trace `trace_id`'s visible rows over `start_ns..end_ns` in
    /// `buckets` buckets (at most 100 000).
    pub async fn trace_overview(
        &self,
        trace_id: TraceId,
        start_ns: i64,
        end_ns: i64,
        buckets: u32,
        collapsed: Vec<SpanId>,
    ) -> Result<Option<TraceOverview>, StoreError> {
        let buckets = buckets.min(100_000);
        let keys = keys(&collapsed);
        self.with_rows(trace_id, move |_, source| {
            let header = source.header();
            let Some(set) = source.collapsed(&keys)? else {
                return Ok(None);
            };
            let Some(cells) = source.summary(&set, start_ns, end_ns, buckets)? else {
                return Ok(None);
            };
            let cells = cells
                .into_iter()
                .map(|(cell, row)| OverviewCell {
                    depth: cell.depth,
                    bucket: cell.bucket,
                    count: cell.count,
                    row: set.visible_row_of(cell.longest_row).unwrap_or(0),
                    span_id: hex8(&row.span_id),
                    service: row.service,
                    error: row.error,
                    placeholder: row.placeholder,
                    start_offset_ns: row.start_ns - header.start_ns,
                    end_offset_ns: row.end_ns - header.start_ns,
                })
                .collect();
            Ok(Some(TraceOverview {
                trace_id: trace_id.to_hex(),
                start_ns: start_ns.to_string(),
                end_ns: end_ns.to_string(),
                buckets,
                total_rows: set.visible_count(header.n_rows),
                cells,
            }))
        })
        .await
    }

    /// The spans of trace `trace_id` that find-in-trace matches for `text` (as the
    /// app's `matchSpans`: name, service, status message, attributes, resource
    /// attributes), in row order, with their visible rows under `collapsed`.
    pub async fn trace_find(
        &self,
        trace_id: TraceId,
        text: String,
        collapsed: Vec<SpanId>,
    ) -> Result<Option<TraceFind>, StoreError> {
        let keys = keys(&collapsed);
        self.with_rows(trace_id, move |conn, source| {
            let Some(needle) = find_needle(&text) else {
                return Ok(Some(TraceFind {
                    total: 0,
                    matches: Vec::new(),
                }));
            };
            let matched = matching_spans(conn, &trace_id, &needle)?;
            let Some(found) = source.rows_of_keys(&matched)? else {
                return Ok(None);
            };
            let Some(set) = source.collapsed(&keys)? else {
                return Ok(None);
            };
            let mut found: Vec<(u32, [u8; 8])> =
                found.into_iter().map(|(key, full)| (full, key)).collect();
            found.sort_unstable();
            Ok(Some(TraceFind {
                total: found.len() as u32,
                matches: found
                    .iter()
                    .take(MAX_FIND_MATCHES)
                    .map(|(full, key)| FindMatch {
                        span_id: hex8(key),
                        row: set.visible_row_of(*full),
                    })
                    .collect(),
            }))
        })
        .await
    }

    /// The visible row of span `span_id` (or of a missing parent's placeholder)
    /// under `collapsed`; `None` when hidden or not in the trace.
    pub async fn trace_row_of(
        &self,
        trace_id: TraceId,
        span_id: SpanId,
        collapsed: Vec<SpanId>,
    ) -> Result<Option<u32>, StoreError> {
        let keys = keys(&collapsed);
        Ok(self
            .with_rows(trace_id, move |_, source| {
                let Some(set) = source.collapsed(&keys)? else {
                    return Ok(None);
                };
                let full = source.row_of(&span_id.0)?;
                Ok(Some(full.and_then(|full| set.visible_row_of(full))))
            })
            .await?
            .flatten())
    }

    /// The ids of the rows with children at `depth` or deeper: the collapsed set
    /// that shows the tree down to `depth` ("to depth N"), in row order.
    pub async fn trace_collapse_to_depth(
        &self,
        trace_id: TraceId,
        depth: u32,
    ) -> Result<Option<Vec<String>>, StoreError> {
        self.with_rows(trace_id, move |_, source| {
            Ok(source
                .keys_from_depth(depth)?
                .map(|keys| keys.iter().map(hex8).collect()))
        })
        .await
    }

    /// Span `span_id` of trace `trace_id` as the trace view shows it (events,
    /// links, resource, scope, its logs), its self time and the trace's start.
    pub async fn span_detail(
        &self,
        trace_id: TraceId,
        span_id: SpanId,
    ) -> Result<Option<SpanDetail>, StoreError> {
        let found = self
            .with_rows(trace_id, move |_, source| {
                let start_ns = source.header().start_ns;
                let Some(full) = source.row_of(&span_id.0)? else {
                    return Ok(Some(None));
                };
                let Some((row, children)) = source.children(full)? else {
                    return Ok(None);
                };
                Ok(Some(
                    (!row.placeholder).then(|| (self_time(&row, &children), start_ns)),
                ))
            })
            .await?
            .flatten();
        let Some((self_ns, trace_start_ns)) = found else {
            return Ok(None);
        };
        let Some(span) = self.one_span(trace_id, span_id).await? else {
            return Ok(None);
        };
        Ok(Some(SpanDetail {
            span,
            trace_start_ns,
            self_ns,
        }))
    }

    /// One span as `Reader::trace` reads each.
    async fn one_span(
        &self,
        trace_id: TraceId,
        span_id: SpanId,
    ) -> Result<Option<SpanView>, StoreError> {
        use sqlx::Row;
        let (trace_key, span_key) = (trace_id.0.to_vec(), span_id.0.to_vec());
        let Some(row) = sqlx::query(
            "SELECT s.span_id, s.parent_span_id, s.name, s.service, s.start_ns, s.end_ns, \
                    s.status_code, s.status_message, s.kind, s.attributes, \
                    r.attributes AS resource, sc.name AS scope_name, \
                    sc.version AS scope_version, sc.attributes AS scope_attributes \
             FROM spans s LEFT JOIN resources r ON r.id = s.resource_id \
             LEFT JOIN scopes sc ON sc.id = s.scope_id \
             WHERE s.trace_id = ? AND s.span_id = ?",
        )
        .bind(&trace_key)
        .bind(&span_key)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let events = sqlx::query(
            "SELECT time_ns, name, attributes FROM span_events \
             WHERE trace_id = ? AND span_id = ? ORDER BY event_idx",
        )
        .bind(&trace_key)
        .bind(&span_key)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|event| EventView {
            time_ns: event.get("time_ns"),
            name: event.get("name"),
            attributes: json_column(event, "attributes"),
        })
        .collect();
        let links = sqlx::query(
            "SELECT linked_trace_id, linked_span_id, attributes FROM span_links \
             WHERE trace_id = ? AND span_id = ? ORDER BY link_idx",
        )
        .bind(&trace_key)
        .bind(&span_key)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|link| LinkView {
            trace_id: hex_column(link, "linked_trace_id").unwrap_or_default(),
            span_id: hex_column(link, "linked_span_id").unwrap_or_default(),
            attributes: json_column(link, "attributes"),
        })
        .collect();
        let logs = self
            .logs(&LogFilter {
                trace_id: Some(trace_id),
                span_id: Some(span_id),
                link: Some(Link::Span),
                ..LogFilter::default()
            })
            .await?;
        Ok(Some(SpanView {
            span_id: hex_column(&row, "span_id").unwrap_or_default(),
            parent_span_id: hex_column(&row, "parent_span_id"),
            name: row.get("name"),
            service: row.get("service"),
            start_ns: row.get("start_ns"),
            end_ns: row.get("end_ns"),
            status: StatusCode::from_i64(row.get("status_code")),
            status_message: row.get("status_message"),
            kind: row.get("kind"),
            attributes: json_column(&row, "attributes"),
            events,
            links,
            resource: Arc::new(json_column(&row, "resource")),
            scope: ScopeView {
                name: row
                    .get::<Option<String>, _>("scope_name")
                    .unwrap_or_default(),
                version: row
                    .get::<Option<String>, _>("scope_version")
                    .unwrap_or_default(),
                attributes: Arc::new(json_column(&row, "scope_attributes")),
            },
            log_count: logs.len(),
            logs,
        }))
    }
}

/// A read-only rusqlite connection to the case at `path`.
fn read_only(path: &std::path::Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    Ok(conn)
}

/// The whole layout of trace `trace_id`, for one call: the kept one, else laid
/// out from its spans.
fn layout_of(conn: &Connection, trace_id: &TraceId) -> Result<Option<KeptLayout>, StoreError> {
    if let Some(id) = layouts::kept_id(conn, &trace_id.0)? {
        if let Some(kept) = layouts::read_kept(conn, id)? {
            return Ok(Some(kept));
        }
    }
    layouts::lay_out(conn, &trace_id.0)
}

/// The rows of a layout as the windowed calls read them: whole, or a piece at a
/// time. `None` from a piece source: its pieces are unreadable.
trait RowSource {
    fn header(&self) -> LayoutHeader;
    fn services(&self) -> &[String];
    fn collapsed(&mut self, keys: &[[u8; 8]]) -> Result<Option<Collapsed>, StoreError>;
    /// The rows at these full rows (ascending).
    fn rows_at(&mut self, fulls: &[u32]) -> Result<Option<Vec<LayoutRow>>, StoreError>;
    fn row_of(&mut self, key: &[u8; 8]) -> Result<Option<u32>, StoreError>;
    /// The (key, full row) of each of `keys` the layout has, in key order.
    fn rows_of_keys(&mut self, keys: &[[u8; 8]]) -> Result<Option<KeyRows>, StoreError>;
    /// The overview's cells with their longest rows (`TraceLayout::summary`).
    fn summary(
        &mut self,
        set: &Collapsed,
        from_ns: i64,
        to_ns: i64,
        buckets: u32,
    ) -> Result<Option<Vec<(SummaryCell, LayoutRow)>>, StoreError>;
    fn keys_from_depth(&mut self, depth: u32) -> Result<Option<Vec<[u8; 8]>>, StoreError>;
    /// The row at full row `full` and its children's rows.
    fn children(&mut self, full: u32) -> Result<Option<(LayoutRow, Vec<LayoutRow>)>, StoreError>;
}

/// A whole layout: a small trace's, laid out for the call, or a kept one whose
/// pieces could not be read.
struct WholeSource(KeptLayout);

impl RowSource for WholeSource {
    fn header(&self) -> LayoutHeader {
        self.0.layout.header()
    }
    fn services(&self) -> &[String] {
        &self.0.services
    }
    fn collapsed(&mut self, keys: &[[u8; 8]]) -> Result<Option<Collapsed>, StoreError> {
        Ok(Some(self.0.layout.collapsed(keys)))
    }
    fn rows_at(&mut self, fulls: &[u32]) -> Result<Option<Vec<LayoutRow>>, StoreError> {
        Ok(fulls
            .iter()
            .map(|&full| self.0.layout.rows.get(full as usize).copied())
            .collect())
    }
    fn row_of(&mut self, key: &[u8; 8]) -> Result<Option<u32>, StoreError> {
        Ok(self.0.layout.row_of(key))
    }
    fn rows_of_keys(&mut self, keys: &[[u8; 8]]) -> Result<Option<KeyRows>, StoreError> {
        Ok(Some(self.0.layout.rows_of_keys(keys)))
    }
    fn summary(
        &mut self,
        set: &Collapsed,
        from_ns: i64,
        to_ns: i64,
        buckets: u32,
    ) -> Result<Option<Vec<(SummaryCell, LayoutRow)>>, StoreError> {
        let layout = &self.0.layout;
        Ok(Some(
            layout
                .summary(set, from_ns, to_ns, buckets)
                .into_iter()
                .map(|cell| (cell, layout.rows[cell.longest_row as usize]))
                .collect(),
        ))
    }
    fn keys_from_depth(&mut self, depth: u32) -> Result<Option<Vec<[u8; 8]>>, StoreError> {
        Ok(Some(self.0.layout.keys_from_depth(depth)))
    }
    fn children(&mut self, full: u32) -> Result<Option<(LayoutRow, Vec<LayoutRow>)>, StoreError> {
        Ok(self.0.layout.children(full))
    }
}

/// A kept layout read a piece at a time.
struct PieceSource<'c> {
    pieces: Pieces<'c>,
    services: Vec<String>,
    sets: &'c CollapsedCache,
    layout_id: i64,
}

impl RowSource for PieceSource<'_> {
    fn header(&self) -> LayoutHeader {
        *self.pieces.header()
    }
    fn services(&self) -> &[String] {
        &self.services
    }
    fn collapsed(&mut self, keys: &[[u8; 8]]) -> Result<Option<Collapsed>, StoreError> {
        if keys.len() <= MAX_PIECEWISE_KEYS {
            return self.pieces.collapsed(keys);
        }
        if let Some(set) = self.sets.get(self.layout_id, keys) {
            return Ok(Some(set));
        }
        let set = self.pieces.collapsed_streamed(keys)?;
        if let Some(set) = &set {
            self.sets.put(self.layout_id, keys, set);
        }
        Ok(set)
    }
    fn rows_at(&mut self, fulls: &[u32]) -> Result<Option<Vec<LayoutRow>>, StoreError> {
        self.pieces.rows_at(fulls)
    }
    fn row_of(&mut self, key: &[u8; 8]) -> Result<Option<u32>, StoreError> {
        self.pieces.row_of(key)
    }
    fn rows_of_keys(&mut self, keys: &[[u8; 8]]) -> Result<Option<KeyRows>, StoreError> {
        if keys.len() > MAX_PIECEWISE_KEYS {
            return self.pieces.rows_of_keys(keys);
        }
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys.dedup();
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some(full) = self.pieces.row_of(&key)? {
                out.push((key, full));
            }
        }
        Ok(Some(out))
    }
    fn summary(
        &mut self,
        set: &Collapsed,
        from_ns: i64,
        to_ns: i64,
        buckets: u32,
    ) -> Result<Option<Vec<(SummaryCell, LayoutRow)>>, StoreError> {
        self.pieces.summary(set, from_ns, to_ns, buckets)
    }
    fn keys_from_depth(&mut self, depth: u32) -> Result<Option<Vec<[u8; 8]>>, StoreError> {
        self.pieces.keys_from_depth(depth)
    }
    fn children(&mut self, full: u32) -> Result<Option<(LayoutRow, Vec<LayoutRow>)>, StoreError> {
        self.pieces.children(full)
    }
}

fn outline(trace_id: &TraceId, header: &LayoutHeader, services: &[String]) -> TraceOutline {
    TraceOutline {
        trace_id: trace_id.to_hex(),
        span_count: header.span_count,
        total_rows: header.n_rows,
        max_depth: header.max_depth,
        start_ns: header.start_ns.to_string(),
        end_ns: header.end_ns.to_string(),
        services: services.to_vec(),
        has_missing_parents: header.has_missing_parents,
    }
}

/// Layout row `row` (of a trace starting at `start_ns`) shown at visible row
/// `visible`, `collapsed` or not, with the columns read from its span (by primary
/// key) and its span-linked log count.
fn row_of(
    conn: &Connection,
    trace_id: &TraceId,
    row: &LayoutRow,
    start_ns: i64,
    collapsed: bool,
    visible: u32,
) -> Result<TraceRow, StoreError> {
    let (parent_span_id, name, status, log_count) = if row.placeholder {
        (None, String::new(), StatusCode::Unset, 0)
    } else {
        let found: Option<(Option<Vec<u8>>, String, i64)> = conn
            .prepare_cached(
                "SELECT parent_span_id, name, status_code FROM spans \
                 WHERE trace_id = ? AND span_id = ?",
            )?
            .query_row(rusqlite::params![&trace_id.0[..], &row.span_id[..]], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let (parent, name, status) = found.unwrap_or((None, String::new(), 0));
        let log_count: i64 = conn
            .prepare_cached(
                "SELECT COUNT(*) FROM logs WHERE trace_id = ? AND span_id = ? AND link = ?",
            )?
            .query_row(
                rusqlite::params![&trace_id.0[..], &row.span_id[..], Link::Span as i64],
                |r| r.get(0),
            )?;
        (
            parent.map(|bytes| hex_bytes(&bytes)),
            name,
            StatusCode::from_i64(status),
            log_count as u32,
        )
    };
    Ok(TraceRow {
        row: visible,
        depth: row.depth,
        span_id: hex8(&row.span_id),
        parent_span_id,
        name,
        service: row.service,
        start_offset_ns: row.start_ns - start_ns,
        end_offset_ns: row.end_ns - start_ns,
        duration_ns: row.end_ns - row.start_ns,
        status,
        log_count,
        has_children: row.has_children(),
        child_count: row.child_count,
        collapsed,
        placeholder: row.placeholder,
    })
}

fn hex_bytes(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The span ids of trace `trace_id` whose find text holds `needle`. A plain
/// needle (`plain_needle`) first rules out, from the stored columns as they are,
/// the spans that cannot hold it (`may_match`); only the others' attributes are
/// parsed for the app's matching (`span_text`), so the result is the same.
fn matching_spans(
    conn: &Connection,
    trace_id: &TraceId,
    needle: &str,
) -> Result<Vec<[u8; 8]>, StoreError> {
    let mut resources: std::collections::HashMap<i64, bool> = std::collections::HashMap::new();
    let mut resource = conn.prepare_cached("SELECT attributes FROM resources WHERE id = ?")?;
    let mut select = conn.prepare_cached(
        "SELECT span_id, name, service, status_message, attributes, resource_id \
         FROM spans WHERE trace_id = ?",
    )?;
    let mut rows = select.query([&trace_id.0[..]])?;
    let mut out = Vec::new();
    let plain = plain_needle(needle);
    let mut scratch = Vec::new();
    while let Some(row) = rows.next()? {
        let resource_id: i64 = row.get(5)?;
        let resource_matches = match resources.get(&resource_id) {
            Some(&matches) => matches,
            None => {
                let text: Option<String> =
                    resource.query_row([resource_id], |r| r.get(0)).optional()?;
                let value = text
                    .and_then(|text| serde_json::from_str(&text).ok())
                    .unwrap_or(serde_json::Value::Null);
                let matches = resource_text(&value).contains(needle);
                resources.insert(resource_id, matches);
                matches
            }
        };
        let bytes_of = |at: usize| -> Result<&[u8], rusqlite::Error> {
            Ok(match row.get_ref(at)? {
                rusqlite::types::ValueRef::Text(bytes) | rusqlite::types::ValueRef::Blob(bytes) => {
                    bytes
                }
                _ => &[],
            })
        };
        if !resource_matches
            && plain
            && !may_match(
                needle,
                &[bytes_of(1)?, bytes_of(2)?, bytes_of(3)?, bytes_of(4)?],
                &mut scratch,
            )
        {
            continue;
        }
        let attributes: serde_json::Value = row
            .get_ref(4)?
            .as_str()
            .ok()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or(serde_json::Value::Null);
        let text = span_text(
            row.get_ref(1)?.as_str().unwrap_or_default(),
            row.get_ref(2)?.as_str().unwrap_or_default(),
            row.get_ref(3)?.as_str().unwrap_or_default(),
            &attributes,
        );
        if resource_matches || text.contains(needle) {
            let bytes = row.get_ref(0)?.as_blob().unwrap_or_default();
            let mut id = [0u8; 8];
            let take = bytes.len().min(8);
            id[8 - take..].copy_from_slice(&bytes[bytes.len() - take..]);
            out.push(id);
        }
    }
    Ok(out)
}
