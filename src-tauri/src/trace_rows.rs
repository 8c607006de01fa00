//! The windowed trace's commands (issue 19): a trace of any size read a window at
//! a time — its outline, windows of rows under a collapsed set, the per-depth,
//! per-bucket overview, find-in-trace, the row of a span, the collapsed set of "to
//! depth N", and one span's details. One engine call each (`store::Reader`'s
//! `trace_rows.rs`); span ids travel as hex, times as decimal text or offsets.

use tauri::State;
use weft::store::{TraceFind, TraceOutline, TraceOverview, TraceRows};
use weft::{SpanId, TraceId};

use crate::case::Case;
use crate::error::{ApiError, Code};
use crate::search::WireSpan;

fn not_found(trace_id: &str) -> ApiError {
    ApiError::new(Code::NotFound, format!("no trace {trace_id}"))
}

fn span_ids(ids: &[String]) -> Result<Vec<SpanId>, ApiError> {
    Ok(ids
        .iter()
        .map(|id| id.parse::<SpanId>())
        .collect::<Result<_, _>>()?)
}

fn time_ns(text: &str) -> Result<i64, ApiError> {
    text.trim()
        .parse()
        .map_err(|_| ApiError::new(Code::BadInput, format!("not a time in ns: {text:?}")))
}

/// The outline of trace `trace_id`: counts, depth, time range, services.
#[tauri::command]
pub async fn trace_outline(
    case: State<'_, Case>,
    trace_id: String,
) -> Result<TraceOutline, ApiError> {
    let id: TraceId = trace_id.parse()?;
    case.reader()?
        .trace_outline(id)
        .await?
        .ok_or_else(|| not_found(&trace_id))
}

/// Visible rows `start..end` of trace `trace_id` with the children of the
/// `collapsed` span ids hidden.
#[tauri::command]
pub async fn trace_rows(
    case: State<'_, Case>,
    trace_id: String,
    start: u32,
    end: u32,
    collapsed: Vec<String>,
) -> Result<TraceRows, ApiError> {
    let id: TraceId = trace_id.parse()?;
    case.reader()?
        .trace_rows(id, start, end, span_ids(&collapsed)?)
        .await?
        .ok_or_else(|| not_found(&trace_id))
}

/// The overview of trace `trace_id`'s visible rows over `start_ns..end_ns`
/// (Unix ns, decimal text) in `buckets` buckets.
#[tauri::command]
pub async fn trace_summary(
    case: State<'_, Case>,
    trace_id: String,
    start_ns: String,
    end_ns: String,
    buckets: u32,
    collapsed: Vec<String>,
) -> Result<TraceOverview, ApiError> {
    let id: TraceId = trace_id.parse()?;
    let (from, to) = (time_ns(&start_ns)?, time_ns(&end_ns)?);
    case.reader()?
        .trace_overview(id, from, to, buckets, span_ids(&collapsed)?)
        .await?
        .ok_or_else(|| not_found(&trace_id))
}

/// The spans of trace `trace_id` that find-in-trace matches for `text`, in row order.
#[tauri::command]
pub async fn trace_find(
    case: State<'_, Case>,
    trace_id: String,
    text: String,
    collapsed: Vec<String>,
) -> Result<TraceFind, ApiError> {
    let id: TraceId = trace_id.parse()?;
    case.reader()?
        .trace_find(id, text, span_ids(&collapsed)?)
        .await?
        .ok_or_else(|| not_found(&trace_id))
}

/// The visible row of span `span_id` under `collapsed`; `None` when hidden.
#[tauri::command]
pub async fn trace_row_of(
    case: State<'_, Case>,
    trace_id: String,
    span_id: String,
    collapsed: Vec<String>,
) -> Result<Option<u32>, ApiError> {
    let id: TraceId = trace_id.parse()?;
    let span: SpanId = span_id.parse()?;
    Ok(case
        .reader()?
        .trace_row_of(id, span, span_ids(&collapsed)?)
        .await?)
}

/// The span ids to collapse so the tree shows down to `depth` ("to depth N").
#[tauri::command]
pub async fn trace_collapse_to_depth(
    case: State<'_, Case>,
    trace_id: String,
    depth: u32,
) -> Result<Vec<String>, ApiError> {
    let id: TraceId = trace_id.parse()?;
    case.reader()?
        .trace_collapse_to_depth(id, depth)
        .await?
        .ok_or_else(|| not_found(&trace_id))
}

/// One span of trace `trace_id` as `get_trace` gives each (offsets from the
/// trace's start, self time), with its events, links, resource and logs; stored
/// times (a skew adjustment is `get_trace`'s).
#[tauri::command]
pub async fn span_detail(
    case: State<'_, Case>,
    trace_id: String,
    span_id: String,
) -> Result<WireSpan, ApiError> {
    let id: TraceId = trace_id.parse()?;
    let span: SpanId = span_id.parse()?;
    let detail = case.reader()?.span_detail(id, span).await?.ok_or_else(|| {
        ApiError::new(
            Code::NotFound,
            format!("no span {span_id} in trace {trace_id}"),
        )
    })?;
    Ok(WireSpan {
        start_offset_ns: detail.span.start_ns - detail.trace_start_ns,
        end_offset_ns: detail.span.end_ns - detail.trace_start_ns,
        self_ns: detail.self_ns,
        span: detail.span,
    })
}
