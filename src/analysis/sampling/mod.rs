//! Tail sampling, simulated: what an OpenTelemetry Collector `tail_sampling`
//! processor with a given configuration would have kept of the case's traces
//! (issue 17). `config` reads the YAML (`yaml` keeps its lines for the errors),
//! `collector_hash` is the processor's probabilistic hash, `evaluate` decides one
//! trace per policy, `lost` the dropped error and slow traces for the app. Pure: the traces come from `store::Reader::each_sample_trace`.
//!
//! The simulation runs in two passes. Every policy that looks only at the trace
//! itself is decided while the traces stream by (`leaf_decisions`), keeping a few
//! numbers per trace; then the traces are replayed in the order of their start
//! (the case's own timeline, the second of the trace start standing in for the
//! processor's clock) through the policies with a budget — `rate_limiting` and
//! `composite` — and the final decision is made as the processor makes it: any
//! `drop` wins, then an inverted match that did not match, then any sample, then
//! an inverted match that matched when no policy said "not sampled".
//! `rate_limiting` is the per-second span counter of the Collector's releases
//! before its token bucket (current main: `golang.org/x/time/rate`, burst 2× the
//! rate), as issue 17 asks: budgets per second of trace start.

pub mod collector_hash;
pub mod config;
pub mod evaluate;
pub mod lost;
pub mod policy_file;
pub mod yaml;

use std::collections::HashMap;

use serde::Serialize;

pub use config::{parse_config, Policy, Rule, SamplingConfig};
pub use evaluate::{leaf_decisions, SampleSpan, SampleTrace};
pub use lost::{LostTrace, SamplingOutcome};
pub use policy_file::{read_policy_file, PolicyFileError, MAX_POLICY_BYTES};

use crate::ids::TraceId;

/// A policy's answer for one trace (the Collector's `samplingpolicy.Decision`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Not decided here (a policy with a budget, decided in the second pass).
    Pending,
    Sampled,
    NotSampled,
    InvertSampled,
    InvertNotSampled,
    Dropped,
}

/// What the first pass keeps of a trace.
#[derive(Debug, Clone)]
pub struct TraceOutcome {
    pub trace_id: TraceId,
    pub start_ns: i64,
    pub span_count: i64,
    pub error: bool,
    pub duration_ms: i64,
    /// One per policy node, by `Policy::index`.
    pub decisions: Vec<Decision>,
}

impl TraceOutcome {
    /// Pass one for `trace`.
    pub fn of(config: &SamplingConfig, trace: &SampleTrace) -> TraceOutcome {
        TraceOutcome {
            trace_id: trace.trace_id,
            start_ns: trace.start_ns(),
            span_count: trace.spans.len() as i64,
            error: trace.has_error(),
            duration_ms: trace.duration_ms(),
            decisions: leaf_decisions(config, trace),
        }
    }
}

/// `weft sample --json`: the contract, field order included.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SampleReport {
    pub traces: u64,
    pub kept: u64,
    pub dropped: u64,
    pub kept_errors: u64,
    pub errors: u64,
    pub kept_slow: u64,
    pub policies: Vec<PolicyCount>,
    pub spans_kept: u64,
    pub logs_of_kept_traces: u64,
    /// Traces at or over this duration count as slow (`slow`, `kept_slow`).
    #[serde(skip)]
    pub slow_ms: i64,
}

/// How many traces one top-level policy said "sample" to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PolicyCount {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub sampled: u64,
}

/// The end of the simulation: the report and each trace's final decision.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub report: SampleReport,
    /// (trace, kept, error, slow) in trace start order.
    pub decided: Vec<(TraceId, bool, bool, bool)>,
}

/// The duration that counts as slow: the smallest `latency` threshold of the
/// config (where nested), else the seed's 1000 ms.
pub fn slow_threshold_ms(config: &SamplingConfig) -> i64 {
    fn walk(policies: &[Policy], best: &mut Option<i64>) {
        for policy in policies {
            match &policy.rule {
                Rule::Latency { threshold_ms, .. } => {
                    *best = Some(best.map_or(*threshold_ms, |b| b.min(*threshold_ms)));
                }
                Rule::And(subs) | Rule::Drop(subs) => walk(subs, best),
                Rule::Composite { subs, .. } => {
                    let list: Vec<Policy> = subs.iter().map(|(p, _)| p.clone()).collect();
                    walk(&list, best);
                }
                _ => {}
            }
        }
    }
    let mut best = None;
    walk(&config.policies, &mut best);
    best.unwrap_or(1000)
}

/// Pass two: the budgets on the case's timeline and the final decisions.
/// `logs_per_trace` counts the logs that carry each trace id.
pub fn simulate(
    config: &SamplingConfig,
    mut outcomes: Vec<TraceOutcome>,
    logs_per_trace: &HashMap<TraceId, u64>,
) -> Simulation {
    outcomes.sort_by_key(|o| (o.start_ns, o.trace_id));
    let slow_ms = slow_threshold_ms(config);
    let mut budgets = Budgets::new(config.node_count);
    let mut report = SampleReport {
        traces: 0,
        kept: 0,
        dropped: 0,
        kept_errors: 0,
        errors: 0,
        kept_slow: 0,
        policies: config
            .policies
            .iter()
            .map(|p| PolicyCount {
                name: p.name.clone(),
                kind: p.kind.clone(),
                sampled: 0,
            })
            .collect(),
        spans_kept: 0,
        logs_of_kept_traces: 0,
        slow_ms,
    };
    let mut decided = Vec::with_capacity(outcomes.len());
    for outcome in &outcomes {
        let second = outcome.start_ns.div_euclid(1_000_000_000);
        let mut seen = Vec::with_capacity(config.policies.len());
        for (policy, count) in config.policies.iter().zip(report.policies.iter_mut()) {
            let decision = budgets.decide(policy, outcome, second);
            if matches!(decision, Decision::Sampled | Decision::InvertSampled) {
                count.sampled += 1;
            }
            seen.push(decision);
            if decision == Decision::Dropped
                || (config.sample_on_first_match && decision == Decision::Sampled)
            {
                break;
            }
        }
        let kept = final_decision(&seen);
        let slow = outcome.duration_ms >= slow_ms;
        report.traces += 1;
        report.errors += u64::from(outcome.error);
        if kept {
            report.kept += 1;
            report.kept_errors += u64::from(outcome.error);
            report.kept_slow += u64::from(slow);
            report.spans_kept += outcome.span_count as u64;
            report.logs_of_kept_traces +=
                logs_per_trace.get(&outcome.trace_id).copied().unwrap_or(0);
        } else {
            report.dropped += 1;
        }
        decided.push((outcome.trace_id, kept, outcome.error, slow));
    }
    Simulation { report, decided }
}

/// The processor's final decision from its policies' answers.
pub fn final_decision(decisions: &[Decision]) -> bool {
    let any = |d: Decision| decisions.contains(&d);
    if any(Decision::Dropped) || any(Decision::InvertNotSampled) {
        return false;
    }
    if any(Decision::Sampled) {
        return true;
    }
    any(Decision::InvertSampled) && !any(Decision::NotSampled)
}

/// The state of the policies with a budget, by `Policy::index`: the second being
/// counted and the spans sampled in it (one counter per composite sub-policy).
struct Budgets {
    state: Vec<(i64, Vec<i64>)>,
}

impl Budgets {
    fn new(nodes: usize) -> Self {
        Budgets {
            state: vec![(i64::MIN, Vec::new()); nodes],
        }
    }

    fn decide(&mut self, policy: &Policy, outcome: &TraceOutcome, second: i64) -> Decision {
        match &policy.rule {
            Rule::RateLimiting { spans_per_second } => {
                let (current, counts) = &mut self.state[policy.index];
                if *current != second || counts.is_empty() {
                    *current = second;
                    *counts = vec![0];
                }
                let if_sampled = counts[0] + outcome.span_count;
                if if_sampled < *spans_per_second {
                    counts[0] = if_sampled;
                    Decision::Sampled
                } else {
                    Decision::NotSampled
                }
            }
            Rule::And(subs) | Rule::Drop(subs) => {
                for sub in subs {
                    let decision = self.decide(sub, outcome, second);
                    if matches!(decision, Decision::NotSampled | Decision::InvertNotSampled) {
                        return Decision::NotSampled;
                    }
                }
                if matches!(policy.rule, Rule::And(_)) {
                    Decision::Sampled
                } else {
                    Decision::Dropped
                }
            }
            Rule::Composite { max_total, subs } => {
                if self.state[policy.index].0 != second || self.state[policy.index].1.is_empty() {
                    self.state[policy.index] = (second, vec![0; subs.len()]);
                }
                for (at, (sub, allocated)) in subs.iter().enumerate() {
                    let decision = self.decide(sub, outcome, second);
                    if matches!(decision, Decision::Sampled | Decision::InvertSampled) {
                        let counts = &mut self.state[policy.index].1;
                        let if_sampled = counts[at] + outcome.span_count;
                        if if_sampled <= *allocated && if_sampled <= *max_total {
                            counts[at] = if_sampled;
                            return Decision::Sampled;
                        }
                        return Decision::NotSampled;
                    }
                }
                Decision::NotSampled
            }
            _ => outcome.decisions[policy.index],
        }
    }
}

#[cfg(test)]
mod tests;
