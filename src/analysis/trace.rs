//! One trace analysed: each span's self time, the critical path and the clock
//! skew between its hosts, from the `TraceView` the reader returns.
//! `AnalysedTrace` is the shape of `weft trace ID --json`: the trace with
//! `self_ns` on every span, and `critical_path`, `skew`, `skew_adjusted`,
//! `missing_parents` and the trace's own `findings` beside the spans.

use std::collections::HashMap;

use serde::Serialize;

use super::critical_path::{critical_path, self_times, PathSection};
use super::quality::Finding;
use super::skew::{self, Skew};
use super::tree::{SpanTiming, TraceTree};
use crate::store::{LogView, SpanView, TraceView};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TraceAnalysis {
    /// Self time of each span, in the order of the trace's spans.
    #[cfg_attr(feature = "ts", ts(type = "number[]"))]
    pub self_ns: Vec<i64>,
    /// The critical path of every root, sorted by start.
    pub critical_path: Vec<PathSection>,
    /// The hosts whose clock is off, as found in the stored times.
    pub skew: Vec<Skew>,
    /// Whether the spans (and the path and self times) are shifted by `skew`.
    pub skew_adjusted: bool,
    /// Parent span ids the spans name that are not in the case: the trace is
    /// incomplete, and its orphans hang under one placeholder per missing parent.
    pub missing_parents: Vec<MissingParentView>,
}

/// A parent span id that names no span of the case, and the span ids of the spans
/// naming it (in the trace's span order).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MissingParentView {
    pub span_id: String,
    pub children: Vec<String>,
}

pub fn analyse_trace(trace: &TraceView) -> TraceAnalysis {
    let spans = timings(&trace.spans);
    let tree = TraceTree::new(&spans);
    let hosts = skew::hosts_of(trace);
    let services: Vec<&str> = trace
        .spans
        .iter()
        .map(|span| span.service.as_str())
        .collect();
    TraceAnalysis {
        self_ns: self_times(&spans, &tree),
        critical_path: critical_path(&spans, &tree),
        skew: skew::clock_skew(&spans, &tree, &hosts, &services),
        skew_adjusted: false,
        missing_parents: tree
            .missing
            .iter()
            .map(|group| MissingParentView {
                span_id: group.span_id.to_string(),
                children: group
                    .children
                    .iter()
                    .map(|&at| spans[at].span_id.to_string())
                    .collect(),
            })
            .collect(),
    }
}

/// The trace with its skewed hosts put on the reference clock, and its analysis
/// on those times (the skew listed is the one found before adjusting).
pub fn analyse_trace_adjusted(trace: &TraceView) -> (TraceView, TraceAnalysis) {
    let found = analyse_trace(trace);
    let skews = found.skew.clone();
    adjusted(trace, found, &skews)
}

/// The trace with the adjustment the user applied (`Reader::skew_adjustment`; none:
/// the trace as stored), and its analysis on those times.
pub fn analyse_trace_with(trace: &TraceView, applied: &[Skew]) -> (TraceView, TraceAnalysis) {
    adjusted(trace, analyse_trace(trace), applied)
}

fn adjusted(
    trace: &TraceView,
    found: TraceAnalysis,
    applied: &[Skew],
) -> (TraceView, TraceAnalysis) {
    if applied.is_empty() {
        return (trace.clone(), found);
    }
    let adjusted = skew::adjust(trace, applied);
    let analysis = TraceAnalysis {
        skew: found.skew,
        skew_adjusted: true,
        ..analyse_trace(&adjusted)
    };
    (adjusted, analysis)
}

/// What the analyses need of each span of a trace, in its order.
pub(crate) fn timings(spans: &[SpanView]) -> Vec<SpanTiming<'_>> {
    spans
        .iter()
        .map(|span| SpanTiming {
            span_id: &span.span_id,
            parent_span_id: span.parent_span_id.as_deref(),
            start_ns: span.start_ns,
            end_ns: span.end_ns,
            kind: span.kind,
        })
        .collect()
}

impl TraceAnalysis {
    /// Time on the critical path per span id, most first (ties: span id).
    pub fn time_on_path(&self) -> Vec<(&str, i64)> {
        let mut by_span: HashMap<&str, i64> = HashMap::new();
        for section in &self.critical_path {
            *by_span.entry(section.span_id.as_str()).or_default() +=
                section.end_ns - section.start_ns;
        }
        let mut ranked: Vec<(&str, i64)> = by_span.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        ranked
    }
}

#[derive(Serialize)]
struct AnalysedSpan<'a> {
    #[serde(flatten)]
    span: &'a SpanView,
    self_ns: i64,
}

/// A trace with its analysis, serialized as `weft trace ID --json` prints it.
#[derive(Serialize)]
pub struct AnalysedTrace<'a> {
    trace_id: &'a str,
    spans: Vec<AnalysedSpan<'a>>,
    trace_logs: &'a [LogView],
    critical_path: &'a [PathSection],
    skew: &'a [Skew],
    skew_adjusted: bool,
    missing_parents: &'a [MissingParentView],
    /// `Reader::trace_findings`: the doctor's findings about this trace.
    findings: &'a [Finding],
}

impl<'a> AnalysedTrace<'a> {
    pub fn new(trace: &'a TraceView, analysis: &'a TraceAnalysis, findings: &'a [Finding]) -> Self {
        AnalysedTrace {
            trace_id: &trace.trace_id,
            spans: trace
                .spans
                .iter()
                .zip(&analysis.self_ns)
                .map(|(span, &self_ns)| AnalysedSpan { span, self_ns })
                .collect(),
            trace_logs: &trace.trace_logs,
            critical_path: &analysis.critical_path,
            skew: &analysis.skew,
            skew_adjusted: analysis.skew_adjusted,
            missing_parents: &analysis.missing_parents,
            findings,
        }
    }
}
