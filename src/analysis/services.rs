//! Services from the spans of a case: RED per service and per operation, and the
//! call graph between services.
//!
//! - An **edge** A → B for every span of service B whose parent span belongs to a
//!   service A other than B (calls: such child spans; errors: those with error
//!   status; latency: their durations). A CONSUMER child of a PRODUCER parent makes a
//!   `messaging` edge. A call of a service to itself is not an edge.
//! - A CLIENT or PRODUCER span with no child span in another service calls a
//!   **virtual** node, named by the first of `peer.service`, `db.system.name`,
//!   `db.system`, `messaging.system`, `server.address`, `net.peer.name`,
//!   `http.host` it has (else `unknown`): the uninstrumented database or API.
//! - **RED**: calls, errors and exact duration percentiles (nearest rank over the
//!   stored durations, not a histogram's estimate).
//!
//! A query restricts what is counted to the spans it matches (`matched`): an edge
//! counts its callee spans that match (the client span for a virtual edge); the
//! parent's service is read whatever the query says.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use super::{KIND_CONSUMER, KIND_PRODUCER};

pub const KIND_CLIENT: i64 = 3;

/// The attributes that name what a client or producer span called, in order. The
/// query language's `peer:` term (`query::sql`) reads the same list, so an edge's
/// query finds the spans this analysis counts (held by `it::edge_queries`).
pub const PEER_KEYS: [&str; 7] = [
    "peer.service",
    "db.system.name",
    "db.system",
    "messaging.system",
    "server.address",
    "net.peer.name",
    "http.host",
];

/// What the service analysis needs of a span.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSpan {
    pub span_id: Vec<u8>,
    pub parent_span_id: Option<Vec<u8>>,
    pub service: String,
    pub name: String,
    pub kind: i64,
    pub error: bool,
    pub duration_ns: i64,
    pub start_ns: i64,
    /// Whether the query matches this span (always true without a query).
    pub matched: bool,
    /// The attributes of a CLIENT or PRODUCER span (others need none).
    pub attributes: Option<Value>,
}

/// The name of the virtual node a client or producer span called.
pub fn peer_of(attributes: Option<&Value>) -> String {
    attributes
        .and_then(|attributes| {
            PEER_KEYS.iter().find_map(|key| match attributes.get(key)? {
                Value::String(text) if !text.is_empty() => Some(text.clone()),
                Value::Null | Value::String(_) => None,
                other => Some(other.to_string()),
            })
        })
        .unwrap_or_else(|| "unknown".to_string())
}

/// Durations and errors of a set of spans, with their starts for a time series.
#[derive(Debug, Default, Clone)]
struct Red {
    durations: Vec<i64>,
    errors: u64,
    /// (start, duration, error) of each span, in the order added.
    spans: Vec<(i64, i64, bool)>,
}

impl Red {
    fn add(&mut self, span: &ServiceSpan) {
        let duration = span.duration_ns.max(0);
        self.durations.push(duration);
        self.errors += u64::from(span.error);
        self.spans.push((span.start_ns, duration, span.error));
    }

    /// Calls, errors and p95 per bucket of `axis` (spans outside it are not counted).
    fn series(&self, axis: &SeriesAxis) -> Vec<SeriesPoint> {
        let mut buckets: Vec<Red> = vec![Red::default(); axis.buckets];
        for &(start, duration, error) in &self.spans {
            if let Some(bucket) = axis.bucket_of(start) {
                let red = &mut buckets[bucket];
                red.durations.push(duration);
                red.errors += u64::from(error);
            }
        }
        buckets
            .into_iter()
            .map(|red| {
                let stats = red.stats();
                SeriesPoint {
                    calls: stats.calls,
                    errors: stats.errors,
                    p95_ns: stats.p95_ns,
                }
            })
            .collect()
    }

    fn stats(mut self) -> RedStats {
        self.durations.sort_unstable();
        let at = |p: u64| percentile(&self.durations, p);
        RedStats {
            calls: self.durations.len() as u64,
            errors: self.errors,
            p50_ns: at(50),
            p90_ns: at(90),
            p95_ns: at(95),
            p99_ns: at(99),
            max_ns: self.durations.last().copied().unwrap_or(0),
        }
    }
}

/// The `p`-th percentile of sorted values by nearest rank: the smallest value with
/// at least `p` % of the values at or below it (0 for none).
pub fn percentile(sorted: &[i64], p: u64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p as usize * sorted.len()).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

/// The buckets of a time series: `buckets` of `bucket_ns` from `start_ns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SeriesAxis {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub start_ns: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bucket_ns: i64,
    pub buckets: usize,
}

impl SeriesAxis {
    /// `buckets` buckets (at least 1) covering `[first, last]`, each at least 1 ns.
    pub fn covering(first: i64, last: i64, buckets: usize) -> SeriesAxis {
        let buckets = buckets.max(1);
        let span = (last - first).max(0) as u128 + 1;
        let bucket_ns = span.div_ceil(buckets as u128).max(1) as i64;
        SeriesAxis {
            start_ns: first,
            bucket_ns,
            buckets,
        }
    }

    fn bucket_of(&self, at: i64) -> Option<usize> {
        if at < self.start_ns {
            return None;
        }
        let bucket = ((at - self.start_ns) / self.bucket_ns) as usize;
        (bucket < self.buckets).then_some(bucket)
    }
}

/// One bucket of a service's or operation's time series.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SeriesPoint {
    pub calls: u64,
    pub errors: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub p95_ns: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RedStats {
    pub calls: u64,
    pub errors: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub p50_ns: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub p90_ns: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub p95_ns: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub p99_ns: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub max_ns: i64,
}

/// `weft services --json`: one service.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceRed {
    pub service: String,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub red: RedStats,
    /// Logs of the service (matching the query).
    pub logs: u64,
    /// Of those, logs at error or above.
    pub logs_error: u64,
    /// Per bucket of the axis asked for (none asked: empty, and left out of the JSON).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub series: Vec<SeriesPoint>,
}

/// `weft operations --json`: one operation (service, span name, kind).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OperationRed {
    pub service: String,
    pub name: String,
    pub kind: i64,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub red: RedStats,
    /// Per bucket of the axis asked for (none asked: empty, and left out of the JSON).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub series: Vec<SeriesPoint>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MapNode {
    pub name: String,
    #[serde(rename = "virtual")]
    pub is_virtual: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MapEdge {
    pub from: String,
    pub to: String,
    pub calls: u64,
    pub errors: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub p50_ns: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub p95_ns: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub p99_ns: i64,
    pub messaging: bool,
    #[serde(rename = "virtual")]
    pub is_virtual: bool,
}

/// `weft map --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceMap {
    pub nodes: Vec<MapNode>,
    pub edges: Vec<MapEdge>,
}

/// The key of an edge: from, to, messaging, virtual.
type EdgeKey = (String, String, bool, bool);

/// Services, operations and edges counted trace by trace.
#[derive(Debug, Default)]
pub struct ServiceTally {
    services: BTreeMap<String, Red>,
    operations: BTreeMap<(String, String, i64), Red>,
    edges: BTreeMap<EdgeKey, Red>,
    /// Every service that has spans (matched or not), so the map shows the callers.
    seen: HashSet<String>,
}

impl ServiceTally {
    /// Counts the spans of one trace (all of them: parents are looked up among them).
    pub fn add_trace(&mut self, spans: &[ServiceSpan]) {
        let by_id: HashMap<&[u8], &ServiceSpan> = spans
            .iter()
            .map(|span| (span.span_id.as_slice(), span))
            .collect();
        // Spans with a child in another service: they did not call a virtual node.
        let mut called_out: HashSet<&[u8]> = HashSet::new();
        for span in spans {
            self.seen.insert(span.service.clone());
            let parent = span
                .parent_span_id
                .as_deref()
                .and_then(|id| by_id.get(id).copied());
            if let Some(parent) = parent.filter(|parent| parent.service != span.service) {
                called_out.insert(parent.span_id.as_slice());
                if span.matched {
                    let messaging = parent.kind == KIND_PRODUCER && span.kind == KIND_CONSUMER;
                    let key = (
                        parent.service.clone(),
                        span.service.clone(),
                        messaging,
                        false,
                    );
                    self.edges.entry(key).or_default().add(span);
                }
            }
            if span.matched {
                self.services
                    .entry(span.service.clone())
                    .or_default()
                    .add(span);
                let operation = (span.service.clone(), span.name.clone(), span.kind);
                self.operations.entry(operation).or_default().add(span);
            }
        }
        for span in spans {
            let calls_out = span.kind == KIND_CLIENT || span.kind == KIND_PRODUCER;
            if span.matched && calls_out && !called_out.contains(span.span_id.as_slice()) {
                let peer = peer_of(span.attributes.as_ref());
                let key = (span.service.clone(), peer, false, true);
                self.edges.entry(key).or_default().add(span);
            }
        }
    }

    /// The axis of a time series of `buckets` over the starts of the spans counted
    /// (`None` when none was).
    pub fn axis(&self, buckets: usize) -> Option<SeriesAxis> {
        let starts = self
            .services
            .values()
            .flat_map(|red| red.spans.iter().map(|span| span.0));
        let (first, last) = starts.fold(None, |range: Option<(i64, i64)>, at| {
            Some(range.map_or((at, at), |(low, high)| (low.min(at), high.max(at))))
        })?;
        Some(SeriesAxis::covering(first, last, buckets))
    }

    /// RED per service, by name; `logs` gives each service's (logs, error logs); with
    /// an `axis`, each service's time series on it.
    pub fn services(
        &self,
        logs: &HashMap<String, (u64, u64)>,
        axis: Option<&SeriesAxis>,
    ) -> Vec<ServiceRed> {
        let mut names: Vec<&String> = self.services.keys().collect();
        names.extend(
            logs.keys()
                .filter(|name| !self.services.contains_key(*name)),
        );
        names.sort();
        names
            .into_iter()
            .map(|service| {
                let (logs, logs_error) = logs.get(service).copied().unwrap_or_default();
                let red = self.services.get(service).cloned().unwrap_or_default();
                ServiceRed {
                    service: service.clone(),
                    series: axis.map(|axis| red.series(axis)).unwrap_or_default(),
                    red: red.stats(),
                    logs,
                    logs_error,
                }
            })
            .collect()
    }

    /// RED per operation, by service, name and kind; with an `axis`, each one's time
    /// series on it.
    pub fn operations(&self, axis: Option<&SeriesAxis>) -> Vec<OperationRed> {
        self.operations
            .iter()
            .map(|((service, name, kind), red)| OperationRed {
                service: service.clone(),
                name: name.clone(),
                kind: *kind,
                series: axis.map(|axis| red.series(axis)).unwrap_or_default(),
                red: red.clone().stats(),
            })
            .collect()
    }

    /// The call graph: every service with spans, the virtual nodes called, the edges.
    pub fn map(&self) -> ServiceMap {
        let mut nodes: BTreeMap<String, bool> =
            self.seen.iter().map(|name| (name.clone(), false)).collect();
        let edges = self
            .edges
            .iter()
            .map(|((from, to, messaging, is_virtual), red)| {
                if *is_virtual {
                    nodes.entry(to.clone()).or_insert(true);
                }
                let stats = red.clone().stats();
                MapEdge {
                    from: from.clone(),
                    to: to.clone(),
                    calls: stats.calls,
                    errors: stats.errors,
                    p50_ns: stats.p50_ns,
                    p95_ns: stats.p95_ns,
                    p99_ns: stats.p99_ns,
                    messaging: *messaging,
                    is_virtual: *is_virtual,
                }
            })
            .collect();
        ServiceMap {
            nodes: nodes
                .into_iter()
                .map(|(name, is_virtual)| MapNode { name, is_virtual })
                .collect(),
            edges,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    const SERVER: i64 = 2;

    fn span(id: u8, parent: Option<u8>, service: &str, kind: i64, ms: i64) -> ServiceSpan {
        ServiceSpan {
            span_id: vec![id],
            parent_span_id: parent.map(|p| vec![p]),
            service: service.into(),
            name: format!("op{id}"),
            kind,
            error: false,
            duration_ns: ms * 1_000_000,
            start_ns: i64::from(id) * 1_000_000,
            matched: true,
            attributes: None,
        }
    }

    fn edges(tally: &ServiceTally) -> Vec<(String, String, u64, bool, bool)> {
        tally
            .map()
            .edges
            .into_iter()
            .map(|e| (e.from, e.to, e.calls, e.messaging, e.is_virtual))
            .collect()
    }

    fn edge(
        from: &str,
        to: &str,
        calls: u64,
        messaging: bool,
        is_virtual: bool,
    ) -> (String, String, u64, bool, bool) {
        (from.into(), to.into(), calls, messaging, is_virtual)
    }

    #[test]
    fn every_kind_of_edge() {
        let mut tally = ServiceTally::default();
        let mut db = span(4, Some(2), "checkout", KIND_CLIENT, 5);
        db.attributes = Some(json!({"db.system": "postgresql", "server.address": "db-1"}));
        let mut peer = span(6, Some(1), "frontend", KIND_CLIENT, 7);
        peer.attributes = Some(json!({"http.host": "api.stripe.com"}));
        tally.add_trace(&[
            span(1, None, "frontend", SERVER, 100),
            // A direct call: frontend's client span, checkout's server span.
            span(2, Some(1), "checkout", SERVER, 50),
            // A self-call is not an edge.
            span(3, Some(2), "checkout", 1, 10),
            db,
            // A message: producer in checkout, consumer in mailer.
            span(5, Some(2), "checkout", KIND_PRODUCER, 1),
            span(7, Some(5), "mailer", KIND_CONSUMER, 30),
            peer,
            // A client span with no attribute that names its peer.
            span(8, Some(7), "mailer", KIND_CLIENT, 2),
        ]);
        assert_eq!(
            edges(&tally),
            vec![
                edge("checkout", "mailer", 1, true, false),
                edge("checkout", "postgresql", 1, false, true),
                edge("frontend", "api.stripe.com", 1, false, true),
                edge("frontend", "checkout", 1, false, false),
                edge("mailer", "unknown", 1, false, true),
            ]
        );
        let nodes: Vec<(String, bool)> = tally
            .map()
            .nodes
            .into_iter()
            .map(|n| (n.name, n.is_virtual))
            .collect();
        assert!(nodes.contains(&("postgresql".into(), true)));
        assert!(nodes.contains(&("checkout".into(), false)));
    }

    #[test]
    fn a_query_counts_only_the_spans_it_matches() {
        let mut tally = ServiceTally::default();
        let mut failed = span(2, Some(1), "checkout", SERVER, 50);
        failed.error = true;
        let mut root = span(1, None, "frontend", SERVER, 100);
        root.matched = false;
        let mut ok = span(3, Some(1), "checkout", SERVER, 20);
        ok.matched = false;
        tally.add_trace(&[root, failed, ok]);
        assert_eq!(
            edges(&tally),
            vec![edge("frontend", "checkout", 1, false, false)]
        );
        let services = tally.services(&HashMap::new(), None);
        assert_eq!(services.len(), 1);
        assert_eq!((services[0].red.calls, services[0].red.errors), (1, 1));
    }

    #[test]
    fn a_time_series_counts_each_span_in_its_bucket() {
        let mut tally = ServiceTally::default();
        let mut spans: Vec<ServiceSpan> = (1..=10)
            .map(|id| span(id, None, "web", SERVER, i64::from(id)))
            .collect();
        spans[9].error = true;
        tally.add_trace(&spans);
        let axis = tally.axis(2).unwrap();
        // Starts 1..=10 ms: two buckets of 4.5 ms (and 1 ns) from 1 ms.
        assert_eq!(
            (axis.start_ns, axis.bucket_ns, axis.buckets),
            (1_000_000, 4_500_001, 2)
        );
        let series = &tally.services(&HashMap::new(), Some(&axis))[0].series;
        assert_eq!(
            series
                .iter()
                .map(|p| (p.calls, p.errors, p.p95_ns))
                .collect::<Vec<_>>(),
            vec![(5, 0, 5_000_000), (5, 1, 10_000_000)]
        );
        let calls: u64 = tally
            .operations(Some(&axis))
            .iter()
            .flat_map(|op| &op.series)
            .map(|p| p.calls)
            .sum();
        assert_eq!(calls, 10);
        assert!(tally.services(&HashMap::new(), None)[0].series.is_empty());
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        assert_eq!(percentile(&[], 50), 0);
        assert_eq!(percentile(&[7], 99), 7);
        let values: Vec<i64> = (1..=100).collect();
        assert_eq!(
            [50, 90, 95, 99].map(|p| percentile(&values, p)),
            [50, 90, 95, 99]
        );
        assert_eq!(percentile(&[1, 2, 3, 4], 50), 2);
    }

    proptest! {
        #[test]
        fn percentiles_match_a_brute_force_count(mut values in prop::collection::vec(0i64..1000, 1..200), p in 1u64..=100) {
            values.sort_unstable();
            let found = percentile(&values, p);
            // Brute force: the smallest value with at least p % of the values at or below it.
            let want = *values
                .iter()
                .find(|&&v| values.iter().filter(|&&w| w <= v).count() * 100 >= p as usize * values.len())
                .unwrap();
            prop_assert_eq!(found, want);
        }
    }
}
