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

/// The attributes that name what a client or producer span called, in order.
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

/// Durations and errors of a set of spans.
#[derive(Debug, Default, Clone)]
struct Red {
    durations: Vec<i64>,
    errors: u64,
}

impl Red {
    fn add(&mut self, span: &ServiceSpan) {
        self.durations.push(span.duration_ns.max(0));
        self.errors += u64::from(span.error);
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

    /// RED per service, by name; `logs` gives each service's (logs, error logs).
    pub fn services(&self, logs: &HashMap<String, (u64, u64)>) -> Vec<ServiceRed> {
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
                ServiceRed {
                    service: service.clone(),
                    red: self
                        .services
                        .get(service)
                        .cloned()
                        .unwrap_or_default()
                        .stats(),
                    logs,
                    logs_error,
                }
            })
            .collect()
    }

    /// RED per operation, by service, name and kind.
    pub fn operations(&self) -> Vec<OperationRed> {
        self.operations
            .iter()
            .map(|((service, name, kind), red)| OperationRed {
                service: service.clone(),
                name: name.clone(),
                kind: *kind,
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
        let services = tally.services(&HashMap::new());
        assert_eq!(services.len(), 1);
        assert_eq!((services[0].red.calls, services[0].red.errors), (1, 1));
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
