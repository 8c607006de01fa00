//! The search commands: the search box's query over logs (pages with cursors,
//! a bounded count, histogram, facets), the words it completes, one trace for the waterfall, the logs of a span, context
//! lines. Each is one engine call. Nanosecond times exceed 2^53, which JavaScript
//! numbers cannot hold exactly, so what the UI must hand back or subtract travels
//! as text: cursors carry `ts_ns` as a decimal string, and each span of a trace
//! carries its start and end as offsets from the trace's start, as does each
//! section of its critical path. A trace is shown with the clock skew adjustment
//! the user applied (`set_skew_adjustment`), its logs too.

use serde::{Deserialize, Serialize};
use tauri::State;
use weft::analysis::compare::{CompareNode, SelectionComparison};
use weft::analysis::{self, MissingParentView, Skew};
use weft::query::Query;
use weft::store::{
    Anchor, Cursor, Facets, Histogram, LogCount, LogFilter, LogPage, LogView, SpanView,
    TimeDensity, TraceFilter, TraceSort, TraceSummary, Vocabulary,
};
use weft::{SpanId, TraceId};

use crate::case::Case;
use crate::error::{ApiError, Code};
use crate::timings::timed;

/// The most rows one page call returns.
pub const MAX_PAGE: u64 = 5_000;
/// The most histogram buckets one call returns.
const MAX_BUCKETS: u32 = 2_000;

/// A cursor as the UI holds it: `ts_ns` as a decimal string, so it round-trips exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct WireCursor {
    pub ts_ns: String,
    pub id: i64,
}

impl From<Cursor> for WireCursor {
    fn from(cursor: Cursor) -> Self {
        WireCursor {
            ts_ns: cursor.ts_ns.to_string(),
            id: cursor.id,
        }
    }
}

impl TryFrom<WireCursor> for Cursor {
    type Error = ApiError;
    fn try_from(wire: WireCursor) -> Result<Self, ApiError> {
        let ts_ns = wire.ts_ns.parse().map_err(|_| {
            ApiError::new(
                Code::BadInput,
                format!("`{}` is not a time in ns", wire.ts_ns),
            )
        })?;
        Ok(Cursor { ts_ns, id: wire.id })
    }
}

/// Where a page starts, as the UI sends it: `{"kind": "first" | "last"}`,
/// `{"kind": "after" | "before", "ts_ns": "…", "id": …}`, `{"kind": "at", "ts_ns": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WireAnchor {
    First,
    Last,
    After(WireCursor),
    Before(WireCursor),
    At { ts_ns: String },
}

impl TryFrom<WireAnchor> for Anchor {
    type Error = ApiError;
    fn try_from(wire: WireAnchor) -> Result<Self, ApiError> {
        Ok(match wire {
            WireAnchor::First => Anchor::First,
            WireAnchor::Last => Anchor::Last,
            WireAnchor::After(cursor) => Anchor::After(cursor.try_into()?),
            WireAnchor::Before(cursor) => Anchor::Before(cursor.try_into()?),
            WireAnchor::At { ts_ns } => {
                let cursor: Cursor = WireCursor { ts_ns, id: 0 }.try_into()?;
                Anchor::At {
                    ts_ns: cursor.ts_ns,
                }
            }
        })
    }
}

/// `LogPage` with its cursors as `WireCursor`s.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct WireLogPage {
    pub rows: Vec<LogView>,
    pub before: Option<WireCursor>,
    pub after: Option<WireCursor>,
}

impl From<LogPage> for WireLogPage {
    fn from(page: LogPage) -> Self {
        WireLogPage {
            rows: page.rows,
            before: page.before.map(WireCursor::from),
            after: page.after.map(WireCursor::from),
        }
    }
}

/// The search-box text as a query; an error names its column.
pub fn parse_query(text: &str) -> Result<Query, ApiError> {
    Ok(weft::query::parse(text, weft::time::now_ns())?)
}

/// One page of the logs matching `query`, `limit` rows from `anchor`.
#[tauri::command]
pub async fn search_logs(
    case: State<'_, Case>,
    query: String,
    anchor: WireAnchor,
    limit: u32,
) -> Result<WireLogPage, ApiError> {
    let query = parse_query(&query)?;
    let limit = limit.clamp(1, MAX_PAGE as u32);
    let reader = case.reader()?;
    let page = timed(
        "search_logs",
        reader.log_page(&query, anchor.try_into()?, limit),
    )
    .await?;
    Ok(page.into())
}

/// How many logs match `query`, counted up to `at_most` (`exact` false: more).
#[tauri::command]
pub async fn count_logs(
    case: State<'_, Case>,
    query: String,
    at_most: u32,
) -> Result<LogCount, ApiError> {
    let query = parse_query(&query)?;
    let reader = case.reader()?;
    Ok(timed(
        "count_logs",
        reader.log_count_upto(&query, i64::from(at_most)),
    )
    .await?)
}

/// Counts of the logs matching `query` per time bucket and level class, over
/// [`start_ns`, `end_ns`] when both are given (the charts' time axis), else over the
/// matches' own span of time.
#[tauri::command]
pub async fn log_histogram(
    case: State<'_, Case>,
    query: String,
    buckets: u32,
    start_ns: Option<i64>,
    end_ns: Option<i64>,
) -> Result<Histogram, ApiError> {
    let query = parse_query(&query)?;
    let buckets = buckets.clamp(1, MAX_BUCKETS);
    let range = start_ns.zip(end_ns).filter(|(start, end)| start <= end);
    Ok(timed(
        "log_histogram",
        case.reader()?.histogram(&query, buckets, range),
    )
    .await?)
}

/// The traces and logs matching `query` per minute, for fitting the charts' time axes.
#[tauri::command]
pub async fn time_density(case: State<'_, Case>, query: String) -> Result<TimeDensity, ApiError> {
    let query = parse_query(&query)?;
    Ok(timed("time_density", case.reader()?.time_density(&query)).await?)
}

/// The services, levels and sources of the logs matching `query`, with counts.
#[tauri::command]
pub async fn log_facets(case: State<'_, Case>, query: String) -> Result<Facets, ApiError> {
    let query = parse_query(&query)?;
    Ok(timed("log_facets", case.reader()?.facets(&query)).await?)
}

/// The facets of `query` counted over its first `at_most` matches only (`exact`
/// false when there are more): what the log view shows at once, before `log_facets`.
#[tauri::command]
pub async fn log_facets_upto(
    case: State<'_, Case>,
    query: String,
    at_most: u32,
) -> Result<Facets, ApiError> {
    let query = parse_query(&query)?;
    let reader = case.reader()?;
    Ok(timed(
        "log_facets_upto",
        reader.facets_upto(&query, i64::from(at_most)),
    )
    .await?)
}

/// What the search box completes: the query language's fields, the case's
/// services and attribute keys.
#[tauri::command]
pub async fn query_vocabulary(case: State<'_, Case>) -> Result<Vocabulary, ApiError> {
    Ok(timed("query_vocabulary", case.reader()?.vocabulary()).await?)
}

/// One page of the traces matching `query` (empty: all), sorted by `sort`.
#[tauri::command]
pub async fn list_traces(
    case: State<'_, Case>,
    limit: u64,
    offset: u64,
    query: Option<String>,
    sort: Option<TraceSort>,
) -> Result<Vec<TraceSummary>, ApiError> {
    let filter = TraceFilter {
        query: parse_query(query.as_deref().unwrap_or(""))?,
        sort: sort.unwrap_or_default(),
        limit: limit.clamp(1, MAX_PAGE),
        offset,
        ..TraceFilter::default()
    };
    Ok(timed("list_traces", case.reader()?.traces(&filter)).await?)
}

/// The trace the search-box text names, when it is a trace id in a spelling the engine
/// reads (`TraceId::parse`: hex, UUID, traceparent, base64, decimal) and the case holds
/// that trace; `None` otherwise, and the text is searched as a query.
#[tauri::command]
pub async fn find_trace(case: State<'_, Case>, text: String) -> Result<Option<String>, ApiError> {
    let Ok(Some(trace_id)) = TraceId::parse(text.trim()) else {
        return Ok(None);
    };
    let filter = TraceFilter {
        trace_id: Some(trace_id),
        limit: 1,
        ..TraceFilter::default()
    };
    let found = case.reader()?.traces(&filter).await?;
    Ok(found.into_iter().next().map(|trace| trace.trace_id))
}

/// A span of `get_trace`: the engine's `SpanView` plus its start and end as offsets
/// from the trace's start, exact as JavaScript numbers, and its self time.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct WireSpan {
    #[serde(flatten)]
    pub span: SpanView,
    pub start_offset_ns: i64,
    pub end_offset_ns: i64,
    /// Its duration less the time its children cover (`analysis::self_times`).
    pub self_ns: i64,
}

/// A section of the critical path, as offsets from the trace's start.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct WirePathSection {
    pub span_id: String,
    pub start_offset_ns: i64,
    pub end_offset_ns: i64,
}

/// `get_trace`: `weft trace --json` with `WireSpan`s, the trace's start (its
/// earliest span) as a decimal string, and its analysis: the critical path, the
/// clock skew found, whether the spans are shown adjusted, whether the trace is
/// among the slowest tenth of the case's, and the parents its spans name that the
/// case does not hold (its findings come apart: `trace_findings`).
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct WireTrace {
    pub trace_id: String,
    pub start_ns_text: String,
    pub spans: Vec<WireSpan>,
    pub trace_logs: Vec<LogView>,
    pub critical_path: Vec<WirePathSection>,
    pub skew: Vec<Skew>,
    pub skew_adjusted: bool,
    pub slow: bool,
    pub missing_parents: Vec<MissingParentView>,
}

/// One trace with its spans, logs and analysis, for the waterfall (with the stored
/// skew adjustment applied).
#[tauri::command]
pub async fn get_trace(case: State<'_, Case>, trace_id: String) -> Result<WireTrace, ApiError> {
    let id: TraceId = trace_id.parse()?;
    let reader = case.reader()?;
    let stored = reader.trace(id).await?;
    let stored =
        stored.ok_or_else(|| ApiError::new(Code::NotFound, format!("no trace {trace_id}")))?;
    let applied = reader.skew_adjustment(id).await?;
    let (trace, analysis) = analysis::analyse_trace_with(&stored, &applied);
    let slow = reader.is_slow(id).await?;
    Ok(wire_trace(trace, analysis, slow))
}

/// Times as offsets from the earliest span's start.
fn wire_trace(
    trace: weft::store::TraceView,
    analysis: analysis::TraceAnalysis,
    slow: bool,
) -> WireTrace {
    let start_ns = trace
        .spans
        .iter()
        .map(|span| span.start_ns)
        .min()
        .unwrap_or(0);
    let spans = trace
        .spans
        .into_iter()
        .zip(analysis.self_ns)
        .map(|(span, self_ns)| WireSpan {
            start_offset_ns: span.start_ns - start_ns,
            end_offset_ns: span.end_ns - start_ns,
            self_ns,
            span,
        })
        .collect();
    let critical_path = analysis
        .critical_path
        .into_iter()
        .map(|section| WirePathSection {
            span_id: section.span_id,
            start_offset_ns: section.start_ns - start_ns,
            end_offset_ns: section.end_ns - start_ns,
        })
        .collect();
    WireTrace {
        trace_id: trace.trace_id,
        start_ns_text: start_ns.to_string(),
        spans,
        trace_logs: trace.trace_logs,
        critical_path,
        skew: analysis.skew,
        skew_adjusted: analysis.skew_adjusted,
        slow,
        missing_parents: analysis.missing_parents,
    }
}

/// Applies the clock skew found in trace `trace_id` (`adjust`), or undoes it: kept
/// in the case, shown by `get_trace` and `logs_of_span`; the spans stay as stored.
#[tauri::command]
pub async fn set_skew_adjustment(
    case: State<'_, Case>,
    trace_id: String,
    adjust: bool,
) -> Result<(), ApiError> {
    let id: TraceId = trace_id.parse()?;
    let skews = match case.reader()?.trace(id).await? {
        Some(trace) if adjust => analysis::analyse_trace(&trace).skew,
        Some(_) => Vec::new(),
        None => {
            return Err(ApiError::new(
                Code::NotFound,
                format!("no trace {trace_id}"),
            ))
        }
    };
    let mut writer = case.current().store()?.writer().await?;
    Ok(writer.set_skew_adjustment(id, skews).await?)
}

/// Two traces side by side: one node per `(service, name)` path from the root.
#[tauri::command]
pub async fn compare_traces(
    case: State<'_, Case>,
    a: String,
    b: String,
) -> Result<Vec<CompareNode>, ApiError> {
    let reader = case.reader()?;
    let mut views = Vec::with_capacity(2);
    for text in [a, b] {
        let trace = reader.trace(text.parse()?).await?;
        views.push(trace.ok_or_else(|| ApiError::new(Code::NotFound, format!("no trace {text}")))?);
    }
    Ok(analysis::compare::compare_traces(&views[0], &views[1]))
}

/// What sets the traces matching `selection` apart from those matching `baseline`
/// (none: every other trace), attributes by score.
#[tauri::command]
pub async fn compare_selection(
    case: State<'_, Case>,
    selection: String,
    baseline: Option<String>,
) -> Result<SelectionComparison, ApiError> {
    let selection = parse_query(&selection)?;
    let baseline = baseline.as_deref().map(parse_query).transpose()?;
    let reader = case.reader()?;
    Ok(reader
        .compare_selection(&selection, baseline.as_ref())
        .await?)
}

/// The logs of one span (`span_id`), or every log of the trace (`span_id` null); in a
/// trace with a skew adjustment, those of the adjusted hosts shifted and in that order.
#[tauri::command]
pub async fn logs_of_span(
    case: State<'_, Case>,
    trace_id: String,
    span_id: Option<String>,
    limit: u64,
) -> Result<Vec<LogView>, ApiError> {
    let span_id = span_id.map(|text| text.parse::<SpanId>()).transpose()?;
    let trace_id: TraceId = trace_id.parse()?;
    let filter = LogFilter {
        trace_id: Some(trace_id),
        span_id,
        limit: limit.clamp(1, MAX_PAGE),
        ..LogFilter::default()
    };
    let reader = case.reader()?;
    let logs = reader.logs(&filter).await?;
    // The trace is read only when its logs must move: a span click stays one read.
    let applied = reader.skew_adjustment(trace_id).await?;
    if applied.is_empty() {
        return Ok(logs);
    }
    match reader.trace(trace_id).await? {
        Some(trace) => Ok(analysis::skew::adjust_logs(&trace, &applied, logs)),
        None => Ok(logs),
    }
}

/// Up to `before` lines before log `log_id` in its file and `after` after it.
#[tauri::command]
pub async fn log_context(
    case: State<'_, Case>,
    log_id: i64,
    before: u32,
    after: u32,
) -> Result<Vec<LogView>, ApiError> {
    let (before, after) = (before.min(1_000), after.min(1_000));
    Ok(case.reader()?.log_context(log_id, before, after).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_exactly() {
        let cursor = Cursor {
            ts_ns: 1_793_700_000_123_456_789,
            id: 42,
        };
        let json = serde_json::to_string(&WireCursor::from(cursor)).unwrap();
        assert_eq!(json, r#"{"ts_ns":"1793700000123456789","id":42}"#);
        let anchor: WireAnchor =
            serde_json::from_str(&format!(r#"{{"kind":"after",{}"#, &json[1..])).unwrap();
        assert_eq!(Anchor::try_from(anchor).unwrap(), Anchor::After(cursor));
        let at: WireAnchor = serde_json::from_str(r#"{"kind":"at","ts_ns":"7"}"#).unwrap();
        assert_eq!(Anchor::try_from(at).unwrap(), Anchor::At { ts_ns: 7 });
        let first: WireAnchor = serde_json::from_str(r#"{"kind":"first"}"#).unwrap();
        assert_eq!(Anchor::try_from(first).unwrap(), Anchor::First);
    }

    #[test]
    fn a_bad_cursor_time_is_bad_input() {
        let wire = WireCursor {
            ts_ns: "soon".into(),
            id: 1,
        };
        assert_eq!(Cursor::try_from(wire).unwrap_err().code, Code::BadInput);
    }

    #[test]
    fn a_bad_query_is_a_query_error_with_its_column() {
        let error = parse_query("service:checkout \"open").unwrap_err();
        assert_eq!(error.code, Code::Query);
        assert_eq!(error.column, Some(18));
    }
}
