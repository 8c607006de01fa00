//! The Quality view's command (issue 17): `doctor`, the findings of
//! `weft doctor` for a query (empty: the whole case). One engine call.

use tauri::State;
use weft::analysis::quality::Doctor;

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
