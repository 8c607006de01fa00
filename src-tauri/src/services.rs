//! The Services view's command (issue 16): RED per service and per operation (each
//! with its time series) and the call graph between services, from one tally of the
//! spans a query matches (`Reader::service_tally`, the one the CLI's
//! `weft services|operations|map` use); and the case's objectives (SLOs) evaluated
//! as `weft slo` evaluates them.

use serde::Serialize;
use tauri::State;
use weft::analysis::services::{OperationRed, SeriesAxis, ServiceMap, ServiceRed};
use weft::analysis::slo::{self, SloReport};

use crate::case::Case;
use crate::error::ApiError;
use crate::search::parse_query;

/// The most buckets of a time series one call returns.
const MAX_BUCKETS: u32 = 500;

/// `weft services --buckets`, `weft operations --buckets` and `weft map` for one
/// query, in one answer.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ServiceReport {
    pub services: Vec<ServiceRed>,
    pub operations: Vec<OperationRed>,
    pub map: ServiceMap,
    /// The buckets of every `series` (null when no span matched).
    pub axis: Option<SeriesAxis>,
}

/// RED per service and per operation, each with a time series of `buckets` (1 to
/// `MAX_BUCKETS`) over the spans' starts, and the map of the spans `query` matches
/// (every span for the empty query).
#[tauri::command]
pub async fn service_report(
    case: State<'_, Case>,
    query: String,
    buckets: u32,
) -> Result<ServiceReport, ApiError> {
    let query = parse_query(&query)?;
    let (tally, logs) = case.reader()?.service_tally(&query).await?;
    let axis = tally.axis(buckets.clamp(1, MAX_BUCKETS) as usize);
    Ok(ServiceReport {
        services: tally.services(&logs.services, axis.as_ref()),
        operations: tally.operations(&logs.operations, axis.as_ref()),
        map: tally.map(),
        axis,
    })
}

/// Every objective of the case evaluated on its operation's calls, with its good and
/// bad calls in `buckets` (1 to `MAX_BUCKETS`) over them, as `weft slo --json`.
#[tauri::command]
pub async fn slo_report(case: State<'_, Case>, buckets: u32) -> Result<Vec<SloReport>, ApiError> {
    let reader = case.reader()?;
    let buckets = buckets.clamp(1, MAX_BUCKETS) as usize;
    let mut reports = Vec::new();
    for objective in reader.objectives().await? {
        let calls = reader
            .operation_calls(&objective.service, &objective.name)
            .await?;
        let axis = calls
            .first()
            .zip(calls.last())
            .map(|(first, last)| SeriesAxis::covering(first.start_ns, last.start_ns, buckets));
        reports.push(slo::evaluate(&objective, &calls, axis.as_ref()));
    }
    Ok(reports)
}
