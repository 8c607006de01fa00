//! The Services view's command (issue 16): RED per service and per operation (each
//! with its time series) and the call graph between services, from one tally of the
//! spans a query matches (`Reader::service_tally`, the one the CLI's
//! `weft services|operations|map` use); and the case's objectives (SLOs) evaluated
//! as `weft slo` evaluates them (`Reader::slo_reports`), added and removed as
//! `weft slo add|remove` do (read by `analysis::slo::read_objective`, kept by the
//! one writer). Points in time travel as decimal text (`WireSeriesAxis`,
//! `WireSloBucket`): Unix ns exceed 2^53, which JavaScript numbers cannot hold
//! exactly, and a sparkline's bucket must become exactly its time range.

use serde::Serialize;
use tauri::State;
use weft::analysis::services::{OperationRed, SeriesAxis, ServiceMap, ServiceRed};
use weft::analysis::slo::{self, Objective, Sli, SloBucket, SloReport};

use crate::case::Case;
use crate::error::{ApiError, Code};
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
    pub axis: Option<WireSeriesAxis>,
}

/// A `SeriesAxis` as the UI holds it: its start and bucket width in ns as decimal
/// text (the UI computes a bucket's range with `BigInt`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct WireSeriesAxis {
    pub start_ns: String,
    pub bucket_ns: String,
    pub buckets: usize,
}

impl From<SeriesAxis> for WireSeriesAxis {
    fn from(axis: SeriesAxis) -> Self {
        WireSeriesAxis {
            start_ns: axis.start_ns.to_string(),
            bucket_ns: axis.bucket_ns.to_string(),
            buckets: axis.buckets,
        }
    }
}

/// A `SloBucket` with its start as decimal text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct WireSloBucket {
    pub start_ns: String,
    pub good: u64,
    pub bad: u64,
}

/// A `SloReport` (`weft slo --json`) with its buckets' starts as decimal text.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct WireSloReport {
    pub objective: Objective,
    pub calls: u64,
    pub good: u64,
    pub bad: u64,
    pub latency: Option<Sli>,
    pub errors: Option<Sli>,
    pub broken: bool,
    pub buckets: Vec<WireSloBucket>,
    pub broken_traces: Vec<String>,
}

impl From<SloReport> for WireSloReport {
    fn from(report: SloReport) -> Self {
        let bucket = |bucket: SloBucket| WireSloBucket {
            start_ns: bucket.start_ns.to_string(),
            good: bucket.good,
            bad: bucket.bad,
        };
        WireSloReport {
            objective: report.objective,
            calls: report.calls,
            good: report.good,
            bad: report.bad,
            latency: report.latency,
            errors: report.errors,
            broken: report.broken,
            buckets: report.buckets.into_iter().map(bucket).collect(),
            broken_traces: report.broken_traces,
        }
    }
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
        axis: axis.map(WireSeriesAxis::from),
    })
}

/// Every objective of the case evaluated on its operation's calls, with its good and
/// bad calls in `buckets` (1 to `MAX_BUCKETS`) over them, as `weft slo --json`.
#[tauri::command]
pub async fn slo_report(
    case: State<'_, Case>,
    buckets: u32,
) -> Result<Vec<WireSloReport>, ApiError> {
    let buckets = buckets.clamp(1, MAX_BUCKETS) as usize;
    let reports = case.reader()?.slo_reports(buckets).await?;
    Ok(reports.into_iter().map(WireSloReport::from).collect())
}

/// Keeps an objective for `operation` (`service: span name`; one the operation had is
/// replaced), read as `weft slo add` reads it: `p95` a duration, `errors` a share
/// (`1%`, `0.01`), an empty text no target, at least one target. Returns its id.
#[tauri::command]
pub async fn add_objective(
    case: State<'_, Case>,
    operation: String,
    p95: String,
    errors: String,
) -> Result<i64, ApiError> {
    let objective = slo::read_objective(&operation, Some(&p95), Some(&errors))
        .map_err(|error| ApiError::new(Code::BadInput, error.to_string()))?;
    let mut writer = case.current().store()?.writer().await?;
    Ok(writer
        .set_objective(
            &objective.service,
            &objective.name,
            objective.p95_ns,
            objective.error_rate,
        )
        .await?)
}

/// Removes objective `id` (`weft slo remove`).
#[tauri::command]
pub async fn remove_objective(case: State<'_, Case>, id: i64) -> Result<(), ApiError> {
    let mut writer = case.current().store()?.writer().await?;
    if writer.remove_objective(id).await? {
        Ok(())
    } else {
        Err(ApiError::new(Code::NotFound, format!("no objective {id}")))
    }
}
