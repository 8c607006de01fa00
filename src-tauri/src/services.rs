//! The Services view's command (issue 16): RED per service and per operation and
//! the call graph between services, from one tally of the spans a query matches
//! (`Reader::service_tally`, the one the CLI's `weft services|operations|map` use).

use serde::Serialize;
use tauri::State;
use weft::analysis::services::{OperationRed, ServiceMap, ServiceRed};

use crate::case::Case;
use crate::error::ApiError;
use crate::search::parse_query;

/// `weft services`, `weft operations` and `weft map` for one query, in one answer.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ServiceReport {
    pub services: Vec<ServiceRed>,
    pub operations: Vec<OperationRed>,
    pub map: ServiceMap,
}

/// RED per service and per operation and the map of the spans `query` matches
/// (every span for the empty query).
#[tauri::command]
pub async fn service_report(
    case: State<'_, Case>,
    query: String,
) -> Result<ServiceReport, ApiError> {
    let query = parse_query(&query)?;
    let (tally, logs) = case.reader()?.service_tally(&query).await?;
    Ok(ServiceReport {
        services: tally.services(&logs),
        operations: tally.operations(),
        map: tally.map(),
    })
}
