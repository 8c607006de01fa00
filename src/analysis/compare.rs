//! Comparing traces.
//!
//! Two traces (`compare_traces`): spans are matched by their path of
//! `(service, name)` pairs from the root — Jaeger's trace diff key — so two runs of
//! one request line up although their span ids differ; each path gets the count,
//! total and self time and errors in A and in B, the largest difference in total
//! time first.
//!
//! A selection of traces against a baseline (`AttributeTally`): for each
//! attribute (span and resource attributes, and the service, span name and
//! status), the share of selected and of baseline *traces* that have each value;
//! an attribute's score is the largest |selection share − baseline share| over its
//! values (Grafana's ranking). Numbers of a key with many values are put in ten
//! buckets of equal count.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde_json::Value;

use super::critical_path::self_times;
use super::trace::timings;
use super::tree::TraceTree;
use crate::model::StatusCode;
use crate::store::{SpanView, TraceView};

/// What the spans of one path did in one trace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PathStats {
    pub count: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total_ns: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub self_ns: i64,
    pub errors: u64,
}

/// One path of `(service, name)` pairs from a root, in trace A and in trace B.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CompareNode {
    pub path: Vec<(String, String)>,
    pub a: PathStats,
    pub b: PathStats,
}

impl CompareNode {
    fn difference(&self) -> i64 {
        (self.b.total_ns - self.a.total_ns).abs()
    }
}

/// Each span's path of `(service, name)` from its root, with its stats.
fn paths(trace: &TraceView) -> BTreeMap<Vec<(String, String)>, PathStats> {
    let timings = timings(&trace.spans);
    let tree = TraceTree::new(&timings);
    let self_ns = self_times(&timings, &tree);
    let mut out: BTreeMap<Vec<(String, String)>, PathStats> = BTreeMap::new();
    // Parents first, each span's path is its parent's plus itself.
    let mut path_of: Vec<Option<Vec<(String, String)>>> = vec![None; trace.spans.len()];
    let mut stack: Vec<usize> = tree.roots.iter().rev().copied().collect();
    while let Some(at) = stack.pop() {
        let span: &SpanView = &trace.spans[at];
        let mut path = tree.parent[at]
            .and_then(|up| path_of[up].clone())
            .unwrap_or_default();
        path.push((span.service.clone(), span.name.clone()));
        let stats = out.entry(path.clone()).or_default();
        stats.count += 1;
        stats.total_ns += timings[at].end() - span.start_ns;
        stats.self_ns += self_ns[at];
        stats.errors += u64::from(span.status == StatusCode::Error);
        path_of[at] = Some(path);
        stack.extend(tree.children[at].iter().rev());
    }
    out
}

/// Every path of either trace, the largest difference in total time first (ties:
/// the path, so the order is stable).
pub fn compare_traces(a: &TraceView, b: &TraceView) -> Vec<CompareNode> {
    let (in_a, mut in_b) = (paths(a), paths(b));
    let mut nodes: Vec<CompareNode> = in_a
        .into_iter()
        .map(|(path, a)| {
            let b = in_b.remove(&path).unwrap_or_default();
            CompareNode { path, a, b }
        })
        .collect();
    nodes.extend(in_b.into_iter().map(|(path, b)| CompareNode {
        path,
        a: PathStats::default(),
        b,
    }));
    nodes.sort_by(|x, y| {
        y.difference()
            .cmp(&x.difference())
            .then_with(|| x.path.cmp(&y.path))
    });
    nodes
}

/// The `(attribute, value)` pairs one trace has, in any of its spans.
pub type TraceFacts = BTreeSet<(String, String)>;

/// The facts of one span: service, name, status, and its span and resource attributes
/// (`attr.KEY`, `resource.KEY`; nested values as their JSON text).
pub fn span_facts(
    facts: &mut TraceFacts,
    service: &str,
    name: &str,
    status: StatusCode,
    attributes: &Value,
    resource: &Value,
) {
    facts.insert(("service".into(), service.into()));
    facts.insert(("name".into(), name.into()));
    facts.insert(("status".into(), status.as_str().into()));
    for (prefix, object) in [("attr.", attributes), ("resource.", resource)] {
        if let Some(object) = object.as_object() {
            for (key, value) in object {
                let text = match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                facts.insert((format!("{prefix}{key}"), text));
            }
        }
    }
}

/// How many traces of each group have each value of each attribute.
#[derive(Debug, Default)]
pub struct AttributeTally {
    counts: HashMap<String, HashMap<String, [u64; 2]>>,
    traces: [u64; 2],
}

/// One value of an attribute: its share of the selected and of the baseline traces.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ValueShare {
    pub value: String,
    pub selection: f64,
    pub baseline: f64,
}

/// One attribute, scored by how much its values set the selection apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttributeScore {
    pub attribute: String,
    pub score: f64,
    /// The values with the largest difference first (at most `TOP_VALUES`).
    pub values: Vec<ValueShare>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SelectionComparison {
    pub selection_traces: u64,
    pub baseline_traces: u64,
    pub attributes: Vec<AttributeScore>,
}

pub const TOP_VALUES: usize = 5;
/// A key whose values are all numbers and has more distinct values than this is bucketed.
const MANY_VALUES: usize = 12;
const BUCKETS: usize = 10;

impl AttributeTally {
    /// Counts one trace's facts in the selection (`true`) or the baseline.
    pub fn add(&mut self, facts: &TraceFacts, selected: bool) {
        let group = usize::from(!selected);
        self.traces[group] += 1;
        for (key, value) in facts {
            self.counts
                .entry(key.clone())
                .or_default()
                .entry(value.clone())
                .or_default()[group] += 1;
        }
    }

    pub fn rank(self) -> SelectionComparison {
        let [selection_traces, baseline_traces] = self.traces;
        let share = |count: u64, of: u64| {
            if of == 0 {
                0.0
            } else {
                count as f64 / of as f64
            }
        };
        let mut attributes: Vec<AttributeScore> = self
            .counts
            .into_iter()
            .map(|(attribute, values)| {
                let values = bucket_numbers(values);
                let mut shares: Vec<ValueShare> = values
                    .into_iter()
                    .map(|(value, [selected, baseline])| ValueShare {
                        value,
                        selection: share(selected, selection_traces),
                        baseline: share(baseline, baseline_traces),
                    })
                    .collect();
                let gap = |v: &ValueShare| (v.selection - v.baseline).abs();
                shares.sort_by(|x, y| gap(y).total_cmp(&gap(x)).then(x.value.cmp(&y.value)));
                let score = shares.first().map_or(0.0, gap);
                shares.truncate(TOP_VALUES);
                AttributeScore {
                    attribute,
                    score,
                    values: shares,
                }
            })
            .collect();
        attributes.sort_by(|x, y| {
            y.score
                .total_cmp(&x.score)
                .then_with(|| x.attribute.cmp(&y.attribute))
        });
        SelectionComparison {
            selection_traces,
            baseline_traces,
            attributes,
        }
    }
}

/// The values of one key, numbers with many values put in buckets of about equal
/// count (`"[lo, hi)"`, the last one closed). Counts of a trace with several values
/// in one bucket are added, so a bucket's share can pass the trace count's only
/// when traces hold several such values.
fn bucket_numbers(values: HashMap<String, [u64; 2]>) -> Vec<(String, [u64; 2])> {
    let numbers: Option<Vec<(f64, [u64; 2])>> = values
        .iter()
        .map(|(text, counts)| {
            text.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|n| (n, *counts))
        })
        .collect();
    let Some(mut numbers) = numbers.filter(|numbers| numbers.len() > MANY_VALUES) else {
        return values.into_iter().collect();
    };
    numbers.sort_by(|x, y| x.0.total_cmp(&y.0));
    let per_bucket = numbers.len().div_ceil(BUCKETS);
    numbers
        .chunks(per_bucket)
        .enumerate()
        .map(|(at, chunk)| {
            let low = chunk[0].0;
            let label = match numbers.get((at + 1) * per_bucket) {
                Some((high, _)) => format!("[{low}, {high})"),
                None => format!("[{low}, {}]", chunk[chunk.len() - 1].0),
            };
            let counts = chunk
                .iter()
                .fold([0, 0], |sum, (_, c)| [sum[0] + c[0], sum[1] + c[1]]);
            (label, counts)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(pairs: &[(&str, &str)]) -> TraceFacts {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_attribute_that_sets_the_selection_apart_ranks_first() {
        let mut tally = AttributeTally::default();
        for _ in 0..4 {
            tally.add(&facts(&[("attr.region", "eu"), ("service", "web")]), true);
        }
        for n in 0..6 {
            let region = if n == 0 { "eu" } else { "us" };
            tally.add(
                &facts(&[("attr.region", region), ("service", "web")]),
                false,
            );
        }
        let ranked = tally.rank();
        assert_eq!((ranked.selection_traces, ranked.baseline_traces), (4, 6));
        assert_eq!(ranked.attributes[0].attribute, "attr.region");
        assert!((ranked.attributes[0].score - 5.0 / 6.0).abs() < 1e-9);
        // "eu" (all of the selection, 1 in 6 of the rest) and "us" tie at 5/6; by value.
        assert_eq!(ranked.attributes[0].values[0].value, "eu");
        assert_eq!(ranked.attributes[1].attribute, "service");
        assert_eq!(ranked.attributes[1].score, 0.0);
    }

    #[test]
    fn many_numbers_are_bucketed() {
        let mut tally = AttributeTally::default();
        for n in 0..100 {
            let size = (n * 10).to_string();
            tally.add(&facts(&[("attr.size", &size)]), n >= 90);
        }
        let ranked = tally.rank();
        let size = &ranked.attributes[0];
        assert!(size.values.len() <= TOP_VALUES);
        assert_eq!(size.values[0].value, "[900, 990]");
        assert_eq!(size.values[0].selection, 1.0);
        assert_eq!(size.values[0].baseline, 0.0);
    }

    #[test]
    fn a_few_numbers_stay_values() {
        let values: HashMap<String, [u64; 2]> =
            [("200".to_string(), [1, 2]), ("500".to_string(), [3, 0])].into();
        let mut out = bucket_numbers(values);
        out.sort();
        assert_eq!(out, vec![("200".into(), [1, 2]), ("500".into(), [3, 0])]);
    }
}
