//! One trace analysed: each span's self time and the critical path, from the
//! `TraceView` the reader returns. `AnalysedTrace` is the shape of
//! `weft trace ID --json`: the trace with `self_ns` on every span and
//! `critical_path` beside the spans.

use std::collections::HashMap;

use serde::Serialize;

use super::critical_path::{critical_path, self_times, PathSection};
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
}

pub fn analyse_trace(trace: &TraceView) -> TraceAnalysis {
    let spans = timings(&trace.spans);
    let tree = TraceTree::new(&spans);
    TraceAnalysis {
        self_ns: self_times(&spans, &tree),
        critical_path: critical_path(&spans, &tree),
    }
}

fn timings(spans: &[SpanView]) -> Vec<SpanTiming<'_>> {
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
}

impl<'a> AnalysedTrace<'a> {
    pub fn new(trace: &'a TraceView, analysis: &'a TraceAnalysis) -> Self {
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
        }
    }
}
