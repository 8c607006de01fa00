//! The commands the window calls, each one engine call on the open case. Shapes
//! are the engine's `Serialize` structs (the CLI's `--json` contract); errors are
//! `ApiError`. Every command here must also be listed in `build.rs` and granted
//! in `capabilities/main.json`. The search commands are in `search.rs`.

use serde::Serialize;
use tauri::State;
use weft::store::{SourceView, Stats};

use crate::case::Case;
use crate::error::ApiError;

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
