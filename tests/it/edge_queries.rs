//! Issue 16: an edge of the service map lists exactly its traces. For every edge of
//! `weft map --json`, the query the Services view sends to the trace list
//! (`ui/src/lib/model/services.ts` `edgeQuery`: `service:B parent.service:A` with
//! `messaging:true` or `messaging:false`, `service:A peer:X` for a virtual edge) gives
//! through `weft traces` exactly the traces that hold a span of that edge, counted
//! here the slow way from the spans the fixture was made of.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{json, Value};

use crate::common::{weft_json, weft_ok as weft};

const MS: i64 = 1_000_000;
const T0: i64 = 1_760_000_000_000_000_000;
const SERVER: i64 = 2;
const CLIENT: i64 = 3;
const PRODUCER: i64 = 4;
const CONSUMER: i64 = 5;
const INTERNAL: i64 = 1;

/// A span as the fixture writes it and the brute force reads it.
struct FixtureSpan {
    trace: String,
    id: u64,
    parent: Option<u64>,
    service: &'static str,
    kind: i64,
    /// OTLP attribute values by key (`{"stringValue": …}`, `{"intValue": …}`).
    attributes: Vec<(&'static str, Value)>,
    error: bool,
}

/// 64 traces, trace `n` holding the calls of the bits of `n`: a direct call through a
/// client span (with a self-call below it), a database named by `db.system.name` after
/// an empty `peer.service`, a message through a queue, an HTTP API with errors, a
/// client span naming nothing (`unknown`), a port given as a number, and a direct call
/// without a client span; every fifth trace a direct call to the service the queue
/// reaches. Every trace has its root in `frontend`.
fn fixture_spans() -> Vec<FixtureSpan> {
    let mut spans = Vec::new();
    for n in 0u64..64 {
        let trace = format!("{:032x}", 0x1000 + n);
        let mut next_id = n * 100 + 1;
        let mut add = |parent: Option<u64>,
                       service: &'static str,
                       kind: i64,
                       attributes: Vec<(&'static str, Value)>,
                       error: bool| {
            let id = next_id;
            next_id += 1;
            spans.push(FixtureSpan {
                trace: trace.clone(),
                id,
                parent,
                service,
                kind,
                attributes,
                error,
            });
            id
        };
        let text = |value: &str| json!({ "stringValue": value });
        let root = add(None, "frontend", SERVER, vec![], false);
        if n & 1 != 0 {
            let call = add(
                Some(root),
                "frontend",
                CLIENT,
                vec![("http.host", text("checkout.internal"))],
                false,
            );
            let order = add(Some(call), "checkout", SERVER, vec![], false);
            add(Some(order), "checkout", INTERNAL, vec![], false);
        }
        if n & 2 != 0 {
            add(
                Some(root),
                "frontend",
                CLIENT,
                vec![
                    ("peer.service", text("")),
                    ("db.system.name", text("postgresql")),
                    ("db.system", text("postgres")),
                ],
                false,
            );
        }
        if n & 4 != 0 {
            let publish = add(Some(root), "frontend", PRODUCER, vec![], false);
            add(Some(publish), "mailer", CONSUMER, vec![], false);
        }
        // The same two services also talk directly: a second edge beside the messaging one.
        if n % 5 == 0 {
            add(Some(root), "mailer", SERVER, vec![], false);
        }
        if n & 8 != 0 {
            add(
                Some(root),
                "frontend",
                CLIENT,
                vec![("http.host", text("api.stripe.com"))],
                n % 3 == 0,
            );
        }
        if n & 16 != 0 {
            add(Some(root), "frontend", CLIENT, vec![], false);
        }
        if n & 32 != 0 {
            add(
                Some(root),
                "frontend",
                CLIENT,
                vec![("server.address", json!({ "intValue": "5432" }))],
                false,
            );
            add(Some(root), "checkout", SERVER, vec![], false);
        }
    }
    spans
}

fn write_fixture(spans: &[FixtureSpan], dir: &Path) -> std::path::PathBuf {
    let mut by_service: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for span in spans {
        let attributes: Vec<Value> = span
            .attributes
            .iter()
            .map(|(key, value)| json!({"key": key, "value": value}))
            .collect();
        let start = T0 + span.id as i64 * MS;
        by_service.entry(span.service).or_default().push(json!({
            "traceId": span.trace,
            "spanId": format!("{:016x}", span.id),
            "parentSpanId": span.parent.map(|p| format!("{p:016x}")).unwrap_or_default(),
            "name": format!("op{}", span.kind),
            "kind": span.kind,
            "startTimeUnixNano": start.to_string(),
            "endTimeUnixNano": (start + 5 * MS).to_string(),
            "attributes": attributes,
            "status": {"code": if span.error { 2 } else { 0 }},
        }));
    }
    let resource_spans: Vec<Value> = by_service
        .into_iter()
        .map(|(service, spans)| {
            json!({
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
                "scopeSpans": [{"scope": {"name": "test"}, "spans": spans}],
            })
        })
        .collect();
    let file = dir.join("edges.json");
    std::fs::write(
        &file,
        json!({ "resourceSpans": resource_spans }).to_string(),
    )
    .unwrap();
    file
}

/// An edge: from, to, messaging, virtual.
type Edge = (String, String, bool, bool);

/// The edges each trace holds, the slow way: every span against every other.
fn brute_force_edges(spans: &[FixtureSpan]) -> BTreeMap<Edge, BTreeSet<String>> {
    let mut edges: BTreeMap<Edge, BTreeSet<String>> = BTreeMap::new();
    for span in spans {
        let parent = spans
            .iter()
            .find(|other| other.trace == span.trace && Some(other.id) == span.parent);
        if let Some(parent) = parent.filter(|parent| parent.service != span.service) {
            let messaging = parent.kind == PRODUCER && span.kind == CONSUMER;
            let key = (parent.service.into(), span.service.into(), messaging, false);
            edges.entry(key).or_default().insert(span.trace.clone());
        }
        let calls_out = span.kind == CLIENT || span.kind == PRODUCER;
        let called_a_service = spans.iter().any(|child| {
            child.trace == span.trace
                && child.parent == Some(span.id)
                && child.service != span.service
        });
        if calls_out && !called_a_service {
            let peer = [
                "peer.service",
                "db.system.name",
                "db.system",
                "messaging.system",
                "server.address",
                "net.peer.name",
                "http.host",
            ]
            .iter()
            .find_map(|key| {
                let (_, value) = span.attributes.iter().find(|(k, _)| k == key)?;
                let text = value
                    .get("stringValue")
                    .or_else(|| value.get("intValue"))?
                    .as_str()?;
                (!text.is_empty()).then(|| text.to_string())
            })
            .unwrap_or_else(|| "unknown".into());
            let key = (span.service.into(), peer, false, true);
            edges.entry(key).or_default().insert(span.trace.clone());
        }
    }
    edges
}

/// The query of an edge, as `edgeQuery` in `ui/src/lib/model/services.ts` builds it.
fn edge_query((from, to, messaging, is_virtual): &Edge) -> String {
    let quoted = |value: &str| format!("\"{value}\"");
    if *is_virtual {
        format!("service:{} peer:{}", quoted(from), quoted(to))
    } else {
        format!(
            "service:{} parent.service:{} messaging:{messaging}",
            quoted(to),
            quoted(from)
        )
    }
}

fn listed_traces(case: &Path, query: &str) -> BTreeSet<String> {
    weft_json(case, &["traces", query, "--json", "--limit", "0"])
        .as_array()
        .unwrap()
        .iter()
        .map(|summary| summary["trace_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_edge_query_lists_exactly_the_traces_holding_the_edge() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    let spans = fixture_spans();
    weft(
        &case,
        &[
            "ingest",
            write_fixture(&spans, dir.path()).to_str().unwrap(),
        ],
    );
    let expected = brute_force_edges(&spans);

    let map = weft_json(&case, &["map", "--json"]);
    let edges: BTreeSet<Edge> = map["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            (
                edge["from"].as_str().unwrap().to_string(),
                edge["to"].as_str().unwrap().to_string(),
                edge["messaging"].as_bool().unwrap(),
                edge["virtual"].as_bool().unwrap(),
            )
        })
        .collect();
    // Every kind of edge is there, and the self-call of checkout is none.
    assert_eq!(edges, expected.keys().cloned().collect::<BTreeSet<_>>());
    for edge in [
        ("frontend", "checkout", false, false),
        ("frontend", "mailer", true, false),
        ("frontend", "mailer", false, false),
        ("frontend", "postgresql", false, true),
        ("frontend", "api.stripe.com", false, true),
        ("frontend", "unknown", false, true),
        ("frontend", "5432", false, true),
    ] {
        let edge = (edge.0.to_string(), edge.1.to_string(), edge.2, edge.3);
        assert!(edges.contains(&edge), "{edge:?} is missing");
    }
    assert!(!edges.iter().any(|(from, to, _, _)| from == to));

    for edge in &edges {
        let query = edge_query(edge);
        assert_eq!(listed_traces(&case, &query), expected[edge], "{query}");
        // The same query restricts the map to that edge's spans: the edge keeps all
        // its calls.
        let restricted = weft_json(&case, &["map", &query, "--json"]);
        let calls: u64 = restricted["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|other| other["from"] == edge.0.as_str() && other["to"] == edge.1.as_str())
            .map(|other| other["calls"].as_u64().unwrap())
            .sum();
        let all_calls = map["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|other| {
                other["from"] == edge.0.as_str()
                    && other["to"] == edge.1.as_str()
                    && other["virtual"] == edge.3
                    && other["messaging"] == edge.2
            })
            .unwrap()["calls"]
            .as_u64()
            .unwrap();
        assert_eq!(calls, all_calls, "{query}");
    }

    // The client span that reached checkout names a host, yet it is no virtual edge.
    assert!(listed_traces(&case, "peer:checkout.internal").is_empty());
    // A self-call is a span whose parent is of its own service, and no edge.
    assert_eq!(
        listed_traces(&case, "service:checkout parent.service:checkout").len(),
        32
    );
}
