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
//!
//! What a span counts towards is its `SpanRole` (`span_roles`, from its whole
//! trace) and its `Call` (start, duration, error). A scan adds trace after trace
//! (`ServiceTally::add_trace`); the store's rollups keep the calls per role and
//! minute and hand them over with `ServiceTally::add_calls`, the same function the
//! scan ends in, so both give the same answer.

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

/// One span as RED counts it: when it started, how long it took (never below 0),
/// whether it failed. What the rollups keep per span (`analysis::rollup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Call {
    pub duration_ns: i64,
    pub start_ns: i64,
    pub error: bool,
}

impl Call {
    pub fn of(span: &ServiceSpan) -> Call {
        Call {
            duration_ns: span.duration_ns.max(0),
            start_ns: span.start_ns,
            error: span.error,
        }
    }
}

/// The calls of a set of spans (of a service, an operation or an edge).
#[derive(Debug, Default, Clone)]
struct Red {
    calls: Vec<Call>,
    errors: u64,
}

impl Red {
    fn add(&mut self, call: Call) {
        self.errors += u64::from(call.error);
        self.calls.push(call);
    }

    /// Calls, errors and p95 per bucket of `axis` (spans outside it are not counted).
    fn series(&self, axis: &SeriesAxis) -> Vec<SeriesPoint> {
        let mut buckets: Vec<Red> = vec![Red::default(); axis.buckets];
        for call in &self.calls {
            if let Some(bucket) = axis.bucket_of(call.start_ns) {
                buckets[bucket].add(*call);
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

    fn stats(&self) -> RedStats {
        let mut durations: Vec<i64> = self.calls.iter().map(|call| call.duration_ns).collect();
        // A stable sort: the rollups hand durations over in sorted runs, which it merges.
        durations.sort();
        let at = |p: u64| percentile(&durations, p);
        RedStats {
            calls: durations.len() as u64,
            errors: self.errors,
            p50_ns: at(50),
            p90_ns: at(90),
            p95_ns: at(95),
            p99_ns: at(99),
            max_ns: durations.last().copied().unwrap_or(0),
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
    /// Logs joined to a span of this operation (matching the query).
    pub logs: u64,
    /// Of those, logs at error or above.
    pub logs_error: u64,
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

/// Where one span counts beyond its service and operation: the edge from its
/// parent's service, and the virtual node it called. What a span of a trace is,
/// for RED and the map, apart from its own times (`Call`): the key of a rollup
/// row (`store::rollups`), so the rollups count exactly what a scan counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanRole {
    pub service: String,
    pub name: String,
    pub kind: i64,
    /// The parent span's service when it is another service, and whether the edge
    /// is a message (a CONSUMER span under a PRODUCER span).
    pub caller: Option<(String, bool)>,
    /// The virtual node a CLIENT or PRODUCER span with no child in another service
    /// called (`peer_of`).
    pub peer: Option<String>,
}

/// The role of each span of one trace (all of its spans: parents and children are
/// looked up among them), in the order given.
pub fn span_roles(spans: &[ServiceSpan]) -> Vec<SpanRole> {
    let by_id: HashMap<&[u8], &ServiceSpan> = spans
        .iter()
        .map(|span| (span.span_id.as_slice(), span))
        .collect();
    // Spans with a child in another service: they did not call a virtual node.
    let mut called_out: HashSet<&[u8]> = HashSet::new();
    let callers: Vec<Option<(String, bool)>> = spans
        .iter()
        .map(|span| {
            let parent = span
                .parent_span_id
                .as_deref()
                .and_then(|id| by_id.get(id).copied())
                .filter(|parent| parent.service != span.service)?;
            called_out.insert(parent.span_id.as_slice());
            let messaging = parent.kind == KIND_PRODUCER && span.kind == KIND_CONSUMER;
            Some((parent.service.clone(), messaging))
        })
        .collect();
    spans
        .iter()
        .zip(callers)
        .map(|(span, caller)| {
            let calls_out = span.kind == KIND_CLIENT || span.kind == KIND_PRODUCER;
            let peer = (calls_out && !called_out.contains(span.span_id.as_slice()))
                .then(|| peer_of(span.attributes.as_ref()));
            SpanRole {
                service: span.service.clone(),
                name: span.name.clone(),
                kind: span.kind,
                caller,
                peer,
            }
        })
        .collect()
}

/// Logs counted per service (`(all, at error or above)`, by the log's own service)
/// and per operation (`(service, name, kind)` of the span a log is joined to).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TallyLogs {
    pub services: HashMap<String, (u64, u64)>,
    pub operations: HashMap<(String, String, i64), (u64, u64)>,
}

/// Services, operations and edges counted trace by trace (`add_trace`), or from the
/// rollups kept by the load (`add_calls`).
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
        for (span, role) in spans.iter().zip(span_roles(spans)) {
            if span.matched {
                self.add_calls(&role, &[Call::of(span)]);
            } else {
                self.see(&role.service);
            }
        }
    }

    /// Records that `service` has spans (matched or not).
    pub fn see(&mut self, service: &str) {
        if !self.seen.contains(service) {
            self.seen.insert(service.to_string());
        }
    }

    /// Counts matched spans of one role: to its service, its operation, the edge
    /// from its caller and the edge to its virtual peer.
    pub fn add_calls(&mut self, role: &SpanRole, calls: &[Call]) {
        self.see(&role.service);
        let errors = calls.iter().filter(|call| call.error).count() as u64;
        let add = |red: &mut Red| {
            red.errors += errors;
            red.calls.extend_from_slice(calls);
        };
        add(self.services.entry(role.service.clone()).or_default());
        let operation = (role.service.clone(), role.name.clone(), role.kind);
        add(self.operations.entry(operation).or_default());
        if let Some((caller, messaging)) = &role.caller {
            let key = (caller.clone(), role.service.clone(), *messaging, false);
            add(self.edges.entry(key).or_default());
        }
        if let Some(peer) = &role.peer {
            let key = (role.service.clone(), peer.clone(), false, true);
            add(self.edges.entry(key).or_default());
        }
    }

    /// The axis of a time series of `buckets` over the starts of the spans counted
    /// (`None` when none was).
    pub fn axis(&self, buckets: usize) -> Option<SeriesAxis> {
        let starts = self
            .services
            .values()
            .flat_map(|red| red.calls.iter().map(|call| call.start_ns));
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

    /// RED per operation, by service, name and kind; `logs` gives each one's (logs,
    /// error logs) — logs joined to its spans; with an `axis`, each one's time series
    /// on it.
    pub fn operations(
        &self,
        logs: &HashMap<(String, String, i64), (u64, u64)>,
        axis: Option<&SeriesAxis>,
    ) -> Vec<OperationRed> {
        self.operations
            .iter()
            .map(|(operation, red)| {
                let (logs, logs_error) = logs.get(operation).copied().unwrap_or_default();
                let (service, name, kind) = operation;
                OperationRed {
                    service: service.clone(),
                    name: name.clone(),
                    kind: *kind,
                    series: axis.map(|axis| red.series(axis)).unwrap_or_default(),
                    red: red.stats(),
                    logs,
                    logs_error,
                }
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
                let stats = red.stats();
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
            .operations(&HashMap::new(), Some(&axis))
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
