//! The policies that look only at the trace itself, decided as the Collector's
//! evaluators decide them: attribute policies look at every resource and every
//! span (a match on either samples; with `invert_match`, any match is
//! "invert not sampled" and none is "invert sampled"), `latency` at the trace's
//! span from first start to last end.

use std::sync::Arc;

use serde_json::Value;

use super::collector_hash::probabilistic_sampled;
use super::config::{Policy, Rule, SamplingConfig};
use super::Decision;
use crate::ids::TraceId;
use crate::model::StatusCode;

/// What the policies read of one span.
#[derive(Debug, Clone)]
pub struct SampleSpan {
    pub start_ns: i64,
    pub end_ns: i64,
    pub status: StatusCode,
    pub trace_state: String,
    /// The span's attributes, a JSON object.
    pub attributes: Value,
    /// Its resource's attributes, a JSON object shared by the spans of the resource.
    pub resource: Arc<Value>,
}

/// One complete trace of the case.
#[derive(Debug, Clone)]
pub struct SampleTrace {
    pub trace_id: TraceId,
    pub spans: Vec<SampleSpan>,
}

impl SampleTrace {
    pub fn start_ns(&self) -> i64 {
        self.spans.iter().map(|s| s.start_ns).min().unwrap_or(0)
    }

    pub fn has_error(&self) -> bool {
        self.spans.iter().any(|s| s.status == StatusCode::Error)
    }

    /// First start to last end, whole milliseconds (Go's `Duration.Milliseconds`).
    pub fn duration_ms(&self) -> i64 {
        let end = self.spans.iter().map(|s| s.end_ns).max().unwrap_or(0);
        (end - self.start_ns()) / 1_000_000
    }
}

/// Each policy node's decision for `trace` by `Policy::index`; `Pending` for the
/// ones with a budget and the combinations, decided in `simulate`.
pub fn leaf_decisions(config: &SamplingConfig, trace: &SampleTrace) -> Vec<Decision> {
    let mut out = vec![Decision::Pending; config.node_count];
    fn walk(policies: &[&Policy], trace: &SampleTrace, out: &mut [Decision]) {
        for policy in policies {
            match &policy.rule {
                Rule::And(subs) | Rule::Drop(subs) => {
                    walk(&subs.iter().collect::<Vec<_>>(), trace, out)
                }
                Rule::Composite { subs, .. } => {
                    walk(&subs.iter().map(|(p, _)| p).collect::<Vec<_>>(), trace, out)
                }
                rule => out[policy.index] = decide(rule, trace),
            }
        }
    }
    walk(&config.policies.iter().collect::<Vec<_>>(), trace, &mut out);
    out
}

/// One stateless policy on one trace.
pub fn decide(rule: &Rule, trace: &SampleTrace) -> Decision {
    match rule {
        Rule::AlwaysSample => Decision::Sampled,
        Rule::Latency {
            threshold_ms,
            upper_threshold_ms,
        } => latency(trace, *threshold_ms, *upper_threshold_ms),
        Rule::StatusCode(codes) => {
            sampled_if(trace.spans.iter().any(|s| codes.contains(&s.status)))
        }
        Rule::NumericAttribute {
            key,
            min,
            max,
            invert,
        } => attribute_rule(trace, key, *invert, |value, _| {
            // pdata's `Value.Int()`: 0 for a value of another type.
            let v = value.as_i64().unwrap_or(0);
            *min <= v && v <= *max
        }),
        Rule::StringAttribute {
            key,
            matcher,
            invert,
        } => attribute_rule(trace, key, *invert, |value, on_span| {
            // pdata's `Value.Str()`: "" for a value of another type; an empty span
            // value never matches (string_tag_filter.go), a resource's is tried.
            let text = value.as_str().unwrap_or("");
            !(on_span && text.is_empty()) && matcher.matches(text)
        }),
        Rule::BooleanAttribute { key, value, invert } => {
            // pdata's `Value.Bool()`: false for a value of another type.
            attribute_rule(trace, key, *invert, |v, _| {
                v.as_bool().unwrap_or(false) == *value
            })
        }
        Rule::Probabilistic { threshold, salt } => {
            sampled_if(probabilistic_sampled(salt, *threshold, &trace.trace_id.0))
        }
        Rule::SpanCount { min, max } => {
            let count = trace.spans.len() as i64;
            sampled_if(count >= *min && (*max == 0 || count <= *max))
        }
        Rule::TraceState { key, values } => sampled_if(trace.spans.iter().any(|span| {
            trace_state_value(&span.trace_state, key).is_some_and(|v| values.iter().any(|w| w == v))
        })),
        Rule::RateLimiting { .. } | Rule::And(_) | Rule::Drop(_) | Rule::Composite { .. } => {
            Decision::Pending
        }
    }
}

fn sampled_if(yes: bool) -> Decision {
    if yes {
        Decision::Sampled
    } else {
        Decision::NotSampled
    }
}

/// The Collector's running check: spans in the order read, the trace's extent so
/// far, sampled as soon as it qualifies (with an upper bound the lower one is
/// strict, as in `latency.go`).
fn latency(trace: &SampleTrace, lower: i64, upper: i64) -> Decision {
    let (mut first, mut last) = (None::<i64>, None::<i64>);
    sampled_if(trace.spans.iter().any(|span| {
        let start = first.map_or(span.start_ns, |f| f.min(span.start_ns));
        let end = last.map_or(span.end_ns, |l| l.max(span.end_ns));
        first = Some(start);
        last = Some(end);
        let ms = (end - start) / 1_000_000;
        if upper == 0 {
            ms >= lower
        } else {
            lower < ms && ms <= upper
        }
    }))
}

/// A resource-or-span attribute test: `matches(value, on_span)` on the value of
/// `key` where present.
fn attribute_rule(
    trace: &SampleTrace,
    key: &str,
    invert: bool,
    matches: impl Fn(&Value, bool) -> bool,
) -> Decision {
    let hit = |object: &Value, on_span: bool| {
        object.get(key).is_some_and(|value| matches(value, on_span))
    };
    let any = trace
        .spans
        .iter()
        .any(|span| hit(&span.resource, false) || hit(&span.attributes, true));
    match (invert, any) {
        (false, true) => Decision::Sampled,
        (false, false) => Decision::NotSampled,
        (true, true) => Decision::InvertNotSampled,
        (true, false) => Decision::InvertSampled,
    }
}

/// The value of `key` in a W3C `tracestate` (`k1=v1,k2=v2`).
pub fn trace_state_value<'a>(state: &'a str, key: &str) -> Option<&'a str> {
    state.split(',').find_map(|member| {
        let (k, v) = member.trim().split_once('=')?;
        (k == key).then_some(v)
    })
}
