//! The Quality view's commands (issue 17): `doctor`, the findings of
//! `weft doctor` for a query (empty: the whole case), and `trace_findings`, those
//! about one trace for its header and waterfall. One engine call each.

use tauri::State;
use weft::analysis::quality::{Doctor, Finding};
use weft::TraceId;

use crate::case::Case;
use crate::error::ApiError;
use crate::search::parse_query;

/// What is wrong with the telemetry of the traces with a span matching `query` and
/// of the logs matching it: findings most severe first, each with examples.
#[tauri::command]
pub async fn doctor(case: State<'_, Case>, query: String) -> Result<Doctor, ApiError> {
    let query = parse_query(&query)?;
    Ok(case.reader()?.doctor(&query).await?)
}

/// The findings of `weft doctor` about trace `trace_id` (`Reader::trace_findings`),
/// apart from `get_trace` so that the waterfall does not wait for them.
#[tauri::command]
pub async fn trace_findings(
    case: State<'_, Case>,
    trace_id: String,
) -> Result<Vec<Finding>, ApiError> {
    let id: TraceId = trace_id.parse()?;
    Ok(case.reader()?.trace_findings(id).await?)
}
