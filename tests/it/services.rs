//! Services from the spans of a case through the real `weft` binary: the call graph
//! with every kind of edge, RED per service and operation against a brute-force
//! count of the stored spans, and a query that restricts both.

use std::path::Path;

use serde_json::{json, Value};

use crate::common::{fixture, weft_json, weft_ok as weft};

const MS: i64 = 1_000_000;
const T0: i64 = 1_760_000_000_000_000_000;

fn span(id: u8, parent: Option<u8>, name: &str, kind: u8, ms: i64, attributes: Value) -> Value {
    let attributes: Vec<Value> = attributes
        .as_object()
        .unwrap()
        .iter()
        .map(|(key, value)| json!({"key": key, "value": {"stringValue": value}}))
        .collect();
    json!({
        "traceId": format!("{:032x}", 0xabcd),
        "spanId": format!("{id:016x}"),
        "parentSpanId": parent.map(|p| format!("{p:016x}")).unwrap_or_default(),
        "name": name,
        "kind": kind,
        "startTimeUnixNano": (T0 + i64::from(id) * MS).to_string(),
        "endTimeUnixNano": (T0 + i64::from(id) * MS + ms * MS).to_string(),
        "attributes": attributes,
        "status": {"code": if name == "charge" { 2 } else { 0 }},
    })
}

fn service(name: &str, spans: Vec<Value>) -> Value {
    json!({
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": name}}]},
        "scopeSpans": [{"scope": {"name": "test"}, "spans": spans}],
    })
}

/// One trace with every kind of edge: a direct call, a self-call, a database and an
/// HTTP API that send no spans, a message through a queue.
fn every_edge(dir: &Path) -> std::path::PathBuf {
    let file = dir.join("edges.json");
    let document = json!({"resourceSpans": [
        service("frontend", vec![
            span(1, None, "GET /cart", 2, 100, json!({})),
            span(6, Some(1), "GET stripe", 3, 7, json!({"http.host": "api.stripe.com"})),
        ]),
        service("checkout", vec![
            span(2, Some(1), "PlaceOrder", 2, 50, json!({})),
            span(3, Some(2), "validate", 1, 10, json!({})),
            span(4, Some(2), "SELECT carts", 3, 5, json!({"db.system": "postgresql"})),
            span(5, Some(2), "publish order", 4, 1, json!({})),
            span(8, Some(2), "charge", 3, 20, json!({"peer.service": "payments-api"})),
        ]),
        service("mailer", vec![span(7, Some(5), "send mail", 5, 30, json!({}))]),
    ]});
    std::fs::write(&file, document.to_string()).unwrap();
    file
}

#[test]
fn the_map_has_every_kind_of_edge_and_no_self_call() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    weft(&case, &["ingest", every_edge(dir.path()).to_str().unwrap()]);
    let map = weft_json(&case, &["map", "--json"]);
    let edges: Vec<(String, String, u64, bool, bool)> = map["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            (
                edge["from"].as_str().unwrap().to_string(),
                edge["to"].as_str().unwrap().to_string(),
                edge["calls"].as_u64().unwrap(),
                edge["messaging"].as_bool().unwrap(),
                edge["virtual"].as_bool().unwrap(),
            )
        })
        .collect();
    let edge = |from: &str, to: &str, messaging, is_virtual| {
        (from.to_string(), to.to_string(), 1, messaging, is_virtual)
    };
    assert_eq!(
        edges,
        vec![
            edge("checkout", "mailer", true, false),
            edge("checkout", "payments-api", false, true),
            edge("checkout", "postgresql", false, true),
            edge("frontend", "api.stripe.com", false, true),
            edge("frontend", "checkout", false, false),
        ]
    );
    let nodes = map["nodes"].as_array().unwrap();
    assert!(nodes.contains(&json!({"name": "postgresql", "virtual": true})));
    assert!(nodes.contains(&json!({"name": "mailer", "virtual": false})));

    // A query restricts the edges to the spans it matches: the failed charge.
    let failed = weft_json(&case, &["map", "status:error", "--json"]);
    assert_eq!(failed["edges"].as_array().unwrap().len(), 1);
    assert_eq!(failed["edges"][0]["to"], "payments-api");
    assert_eq!(failed["edges"][0]["errors"], 1);
}

/// The nearest-rank percentile, counted the slow way.
fn brute_percentile(values: &[i64], p: usize) -> i64 {
    *values
        .iter()
        .filter(|v| values.iter().filter(|w| w <= v).count() * 100 >= p * values.len())
        .min()
        .unwrap()
}

#[test]
fn red_per_service_and_operation_matches_the_stored_spans() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    weft(&case, &["ingest", fixture("demo").to_str().unwrap()]);
    let mut durations: std::collections::BTreeMap<(String, String), Vec<(i64, bool)>> =
        Default::default();
    for summary in weft_json(&case, &["traces", "--json", "--limit", "0"])
        .as_array()
        .unwrap()
    {
        let trace = weft_json(
            &case,
            &["trace", summary["trace_id"].as_str().unwrap(), "--json"],
        );
        for span in trace["spans"].as_array().unwrap() {
            let key = (
                span["service"].as_str().unwrap().to_string(),
                span["name"].as_str().unwrap().to_string(),
            );
            let length = span["end_ns"].as_i64().unwrap() - span["start_ns"].as_i64().unwrap();
            durations
                .entry(key)
                .or_default()
                .push((length, span["status"] == "error"));
        }
    }
    let services = weft_json(&case, &["services", "--json"]);
    for service in services.as_array().unwrap() {
        let name = service["service"].as_str().unwrap();
        let spans: Vec<(i64, bool)> = durations
            .iter()
            .filter(|((of, _), _)| of == name)
            .flat_map(|(_, spans)| spans.iter().copied())
            .collect();
        let lengths: Vec<i64> = spans.iter().map(|(length, _)| *length).collect();
        assert_eq!(service["calls"], lengths.len(), "{name}");
        assert_eq!(
            service["errors"],
            spans.iter().filter(|(_, error)| *error).count(),
            "{name}"
        );
        for (field, p) in [
            ("p50_ns", 50),
            ("p90_ns", 90),
            ("p95_ns", 95),
            ("p99_ns", 99),
            ("max_ns", 100),
        ] {
            assert_eq!(
                service[field],
                brute_percentile(&lengths, p),
                "{name} {field}"
            );
        }
    }
    let logs: u64 = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["logs"].as_u64().unwrap())
        .sum();
    assert_eq!(json!(logs), weft_json(&case, &["stats", "--json"])["logs"]);

    let operations = weft_json(&case, &["operations", "--service", "payments", "--json"]);
    for operation in operations.as_array().unwrap() {
        let key = (
            "payments".to_string(),
            operation["name"].as_str().unwrap().to_string(),
        );
        let lengths: Vec<i64> = durations[&key].iter().map(|(length, _)| *length).collect();
        assert_eq!(operation["calls"], lengths.len());
        assert_eq!(operation["p95_ns"], brute_percentile(&lengths, 95));
    }
    assert_eq!(
        operations.as_array().unwrap().len(),
        durations
            .keys()
            .filter(|(service, _)| service == "payments")
            .count()
    );
}

#[test]
fn objectives_are_kept_in_the_case_and_burn_their_budget() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    weft(&case, &["ingest", fixture("demo").to_str().unwrap()]);
    assert_eq!(weft_json(&case, &["slo", "--json"]), json!([]));
    let added = weft(
        &case,
        &[
            "slo",
            "add",
            "frontend: POST /api/checkout",
            "--p95",
            "500ms",
            "--errors",
            "1%",
        ],
    );
    assert!(String::from_utf8_lossy(&added).starts_with("objective 1:"));

    // Brute force over the stored spans of the operation.
    let (mut calls, mut slow, mut failed, mut bad) = (0, 0, 0, 0);
    for summary in weft_json(&case, &["traces", "--json", "--limit", "0"])
        .as_array()
        .unwrap()
    {
        let trace = weft_json(
            &case,
            &["trace", summary["trace_id"].as_str().unwrap(), "--json"],
        );
        for span in trace["spans"].as_array().unwrap() {
            if span["service"] == "frontend" && span["name"] == "POST /api/checkout" {
                let length = span["end_ns"].as_i64().unwrap() - span["start_ns"].as_i64().unwrap();
                let (is_slow, is_failed) = (length > 500 * MS, span["status"] == "error");
                calls += 1;
                slow += u64::from(is_slow);
                failed += u64::from(is_failed);
                bad += u64::from(is_slow || is_failed);
            }
        }
    }
    let reports = weft_json(&case, &["slo", "--json", "--buckets", "4"]);
    let report = &reports[0];
    assert_eq!(report["calls"], calls);
    assert_eq!(report["bad"], bad);
    assert_eq!(report["latency"]["bad"], slow);
    assert_eq!(report["errors"]["bad"], failed);
    assert_eq!(
        report["broken"],
        json!(slow * 20 > calls || failed * 100 > calls)
    );
    let buckets = report["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 4);
    let counted: u64 = buckets
        .iter()
        .map(|b| b["good"].as_u64().unwrap() + b["bad"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, calls);
    assert!(!report["broken_traces"].as_array().unwrap().is_empty() || bad == 0);

    // Adding it again replaces it; removing it leaves none.
    weft(
        &case,
        &["slo", "add", "frontend: POST /api/checkout", "--p95", "10s"],
    );
    let reports = weft_json(&case, &["slo", "--json"]);
    assert_eq!(reports.as_array().unwrap().len(), 1);
    assert_eq!(reports[0]["objective"]["error_rate"], Value::Null);
    weft(&case, &["slo", "remove", "1"]);
    assert_eq!(weft_json(&case, &["slo", "--json"]), json!([]));
}

/// `Reader::slo_reports` is what `weft slo --json` prints (the app's `slo_report`
/// calls it too), and `weft slo add` refuses what `analysis::slo::read_objective`
/// refuses, with its words.
#[tokio::test]
async fn the_reader_evaluates_objectives_as_the_cli_prints_them_and_bad_ones_are_refused() {
    let case = crate::common::TestCase::new().await;
    case.ingest(&[fixture("demo")]).await;
    let path = case.path();
    weft(
        &path,
        &["slo", "add", "payments: POST /v1/charges", "--p95", "300ms"],
    );
    weft(
        &path,
        &[
            "slo",
            "add",
            "frontend: POST /api/checkout",
            "--errors",
            "0.5%",
        ],
    );
    let reports = case
        .store
        .reader()
        .await
        .unwrap()
        .slo_reports(7)
        .await
        .unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(
        serde_json::to_value(&reports).unwrap(),
        weft_json(&path, &["slo", "--json", "--buckets", "7"])
    );
    for (args, message) in [
        (
            vec!["checkout", "--p95", "1s"],
            "`checkout` is not an operation: write `service: span name`",
        ),
        (
            vec!["a: b", "--p95", "fast"],
            "`fast` is not a duration (300ms, 1.5s, 2m)",
        ),
        (
            vec!["a: b", "--errors", "150%"],
            "`150%` is not a share (1% or 0.01)",
        ),
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_weft"))
            .arg("--case")
            .arg(&path)
            .args(["slo", "add"])
            .args(&args)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}
