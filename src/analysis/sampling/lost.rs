//! What the app's sampling panel shows: the report and the traces with an error or
//! a slow duration that the policy would have dropped (the ones a postmortem would
//! have missed), errors first, each openable by its id.

use serde::Serialize;

use super::{SampleReport, Simulation};

/// `simulate_sampling`'s answer.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SamplingOutcome {
    pub report: SampleReport,
    /// The duration that counted as slow (`report.kept_slow`, `LostTrace::slow`).
    pub slow_ms: i64,
    /// The dropped traces with an error or slow, at most the limit asked for.
    pub lost: Vec<LostTrace>,
    /// How many such traces were dropped in all.
    pub lost_total: u64,
}

/// One dropped trace that had an error or was slow.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LostTrace {
    pub trace_id: String,
    pub error: bool,
    pub slow: bool,
}

impl SamplingOutcome {
    /// The outcome of `simulation`, at most `limit` lost traces: those with an
    /// error first, then the slow ones, each in trace start order.
    pub fn of(simulation: Simulation, limit: usize) -> SamplingOutcome {
        let mut lost: Vec<LostTrace> = simulation
            .decided
            .iter()
            .filter(|(_, kept, error, slow)| !kept && (*error || *slow))
            .map(|(id, _, error, slow)| LostTrace {
                trace_id: id.to_string(),
                error: *error,
                slow: *slow,
            })
            .collect();
        // Stable: start order is kept within errors and within the rest.
        lost.sort_by_key(|trace| !trace.error);
        let lost_total = lost.len() as u64;
        lost.truncate(limit);
        SamplingOutcome {
            slow_ms: simulation.report.slow_ms,
            report: simulation.report,
            lost,
            lost_total,
        }
    }
}
