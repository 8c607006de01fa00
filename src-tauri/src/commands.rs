//! The commands the window calls, each one engine call on the open case. Shapes
//! are the engine's `Serialize` structs (the CLI's `--json` contract); errors are
//! `ApiError`. Every command here must also be listed in `build.rs` and granted
//! in `capabilities/main.json`.

use serde::Serialize;
use tauri::State;
use weft::store::{SourceView, Stats, TraceFilter, TraceSummary};

use crate::case::Case;
use crate::error::ApiError;

/// The most rows one `list_traces` call returns; the UI pages through the rest.
pub const MAX_PAGE: u64 = 5_000;

#[derive(Debug, Serialize)]
pub struct CaseInfo {
    pub path: String,
    pub stats: Stats,
}

/// The case's path and its counts (sources, traces, spans, logs by link state).
#[tauri::command]
pub async fn case_info(case: State<'_, Case>) -> Result<CaseInfo, ApiError> {
    let stats = case.reader()?.stats().await?;
    let path = case.path().display().to_string();
    Ok(CaseInfo { path, stats })
}

/// Every source of the case, in load order.
#[tauri::command]
pub async fn list_sources(case: State<'_, Case>) -> Result<Vec<SourceView>, ApiError> {
    Ok(case.reader()?.sources().await?)
}

/// One page of trace summaries in start order; `limit` is capped at `MAX_PAGE`.
#[tauri::command]
pub async fn list_traces(
    case: State<'_, Case>,
    limit: u64,
    offset: u64,
) -> Result<Vec<TraceSummary>, ApiError> {
    let filter = TraceFilter {
        limit: limit.clamp(1, MAX_PAGE),
        offset,
        ..TraceFilter::default()
    };
    Ok(case.reader()?.traces(&filter).await?)
}
