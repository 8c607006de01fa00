//! The analysis of one trace through the real `weft` binary: self time and the
//! critical path of the demo incident's slow checkout, and clock skew found on a
//! trace whose server half runs 2 s ahead, adjusted only when asked.

use std::path::Path;

use serde_json::{json, Value};
use weft::{analysis, TraceId};

use crate::cli::check_golden;
use crate::common::{fixture, weft_json, weft_ok, TestCase};

fn ingest(case: &Path, file: &Path) {
    weft_ok(case, &["ingest", file.to_str().unwrap()]);
}

fn span_of<'a>(trace: &'a Value, name: &str) -> &'a Value {
    trace["spans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|span| span["name"] == name)
        .unwrap_or_else(|| panic!("no span {name}"))
}

fn ns(value: &Value) -> i64 {
    value.as_i64().unwrap()
}

#[test]
fn the_slow_checkout_waits_on_payments() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    ingest(&case, &fixture("demo/traces.jsonl"));
    let trace = weft_json(
        &case,
        &["trace", "62a299412c14cccf19cc9937031761f3", "--json"],
    );

    let root = span_of(&trace, "POST /api/checkout");
    let path = trace["critical_path"].as_array().unwrap();
    assert_eq!(ns(&path[0]["start_ns"]), ns(&root["start_ns"]));
    assert_eq!(ns(&path.last().unwrap()["end_ns"]), ns(&root["end_ns"]));
    for pair in path.windows(2) {
        assert_eq!(pair[0]["end_ns"], pair[1]["start_ns"], "{pair:?}");
    }

    let charge = span_of(&trace, "POST /v1/charges");
    let on_path: i64 = path
        .iter()
        .filter(|section| section["span_id"] == charge["span_id"])
        .map(|section| ns(&section["end_ns"]) - ns(&section["start_ns"]))
        .sum();
    let whole = ns(&root["end_ns"]) - ns(&root["start_ns"]);
    assert!(on_path * 10 > whole * 9, "{on_path} of {whole}");

    // Self time: the root's duration minus its one child's.
    let child = span_of(&trace, "PlaceOrder");
    assert_eq!(
        ns(&root["self_ns"]),
        whole - (ns(&child["end_ns"]) - ns(&child["start_ns"]))
    );
    for span in trace["spans"].as_array().unwrap() {
        let length = ns(&span["end_ns"]) - ns(&span["start_ns"]);
        assert!((0..=length).contains(&ns(&span["self_ns"])), "{span}");
    }
    assert_eq!(trace["skew"], json!([]));
}

const S: i64 = 1_000_000_000;
const T0: i64 = 1_760_000_000 * S;

fn otlp_span(id: &str, parent: &str, name: &str, kind: u8, start: i64, end: i64) -> Value {
    json!({
        "traceId": "0af7651916cd43dd8448eb211c80319c",
        "spanId": id,
        "parentSpanId": parent,
        "name": name,
        "kind": kind,
        "startTimeUnixNano": (T0 + start).to_string(),
        "endTimeUnixNano": (T0 + end).to_string(),
    })
}

fn resource(service: &str, host: &str, spans: Vec<Value>) -> Value {
    json!({
        "resource": {"attributes": [
            {"key": "service.name", "value": {"stringValue": service}},
            {"key": "host.name", "value": {"stringValue": host}},
        ]},
        "scopeSpans": [{"scope": {"name": "test"}, "spans": spans}],
    })
}

/// A trace whose client waits 1 s for a server whose clock runs 2 s ahead, so the
/// server's 0.8 s show up after the client has its answer.
fn skewed_file(dir: &Path) -> std::path::PathBuf {
    let file = dir.join("skewed.json");
    let trace = json!({"resourceSpans": [
        resource("web", "web-1", vec![
            otlp_span("1111111111111111", "", "GET /pay", 2, 0, 2 * S),
            otlp_span("2222222222222222", "1111111111111111", "POST pay", 3, S / 2, 3 * S / 2),
        ]),
        resource("payments", "payments-7f9c", vec![
            otlp_span("3333333333333333", "2222222222222222", "charge", 2, 2 * S + 6 * S / 10, 3 * S + 4 * S / 10),
        ]),
    ]});
    std::fs::write(&file, trace.to_string()).unwrap();
    file
}

const SKEWED: &str = "0af7651916cd43dd8448eb211c80319c";

#[test]
fn a_server_two_seconds_ahead_is_found_and_adjusted_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let file = skewed_file(dir.path());
    let case = dir.path().join("case.weft");
    ingest(&case, &file);
    let id = SKEWED;

    let found = weft_json(&case, &["trace", id, "--json"]);
    assert_eq!(
        found["skew"],
        json!([{"host": "payments-7f9c", "service": "payments", "delta_ns": 2 * S, "spans": 1}])
    );
    assert_eq!(found["skew_adjusted"], json!(false));
    assert_eq!(
        ns(&span_of(&found, "charge")["start_ns"]),
        T0 + 2 * S + 6 * S / 10
    );

    let adjusted = weft_json(&case, &["trace", id, "--json", "--adjust-skew"]);
    assert_eq!(adjusted["skew"], found["skew"]);
    assert_eq!(adjusted["skew_adjusted"], json!(true));
    let charge = span_of(&adjusted, "charge");
    assert_eq!(ns(&charge["start_ns"]), T0 + 6 * S / 10);
    assert_eq!(ns(&charge["end_ns"]), T0 + 14 * S / 10);
    // On the adjusted times the server is on the critical path inside the client.
    assert!(adjusted["critical_path"]
        .as_array()
        .unwrap()
        .iter()
        .any(|section| section["span_id"] == charge["span_id"]));

    // The case itself is not changed.
    let again = weft_json(&case, &["trace", id, "--json"]);
    assert_eq!(again["spans"], found["spans"]);
}

#[test]
fn two_checkouts_and_the_failed_ones_compared() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    ingest(&case, &fixture("demo/traces.jsonl"));
    // The slowest checkout (payments waits on a timeout) against a fast one.
    let slow = "62a299412c14cccf19cc9937031761f3";
    let fast = "b02b3dc666f45bdeaa2ccaedcd2b5157";
    let nodes = weft_json(&case, &["compare", slow, fast, "--json"]);
    check_golden(
        "compare-two",
        &serde_json::to_string_pretty(&nodes).unwrap(),
    );
    let first = &nodes[0];
    assert_eq!(first["path"], json!([["frontend", "POST /api/checkout"]]));
    // Spans only in B (the card gateway answered) have no count in A.
    assert!(nodes
        .as_array()
        .unwrap()
        .iter()
        .any(|node| node["a"]["count"] == 0 && node["b"]["count"] == 1));

    let ranked = weft_json(&case, &["compare", "--selection", "status:error", "--json"]);
    check_golden(
        "compare-selection",
        &serde_json::to_string_pretty(&ranked).unwrap(),
    );
    let total = weft_json(&case, &["stats", "--json"])["traces"]
        .as_u64()
        .unwrap();
    let (selected, baseline) = (
        ranked["selection_traces"].as_u64().unwrap(),
        ranked["baseline_traces"].as_u64().unwrap(),
    );
    assert_eq!(selected + baseline, total);
    let status = ranked["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|attribute| attribute["attribute"] == "attr.http.status_code")
        .unwrap();
    assert_eq!(status["score"], json!(1.0));
    // A baseline query narrows the rest.
    let against = weft_json(
        &case,
        &[
            "compare",
            "--selection",
            "status:error",
            "--baseline",
            &format!("trace:{fast}"),
            "--json",
        ],
    );
    assert_eq!(against["selection_traces"].as_u64(), Some(selected));
    assert_eq!(against["baseline_traces"], json!(1));
}

#[tokio::test]
async fn an_applied_adjustment_is_kept_in_the_case_and_undone() {
    let case = TestCase::new().await;
    case.ingest(&[skewed_file(case.dir.path())]).await;
    let reader = case.store.reader().await.unwrap();
    let id = TraceId::parse(SKEWED).unwrap().unwrap();
    let stored = reader.trace(id).await.unwrap().unwrap();
    let found = analysis::analyse_trace(&stored).skew;
    assert_eq!(found.len(), 1);
    assert!(reader.skew_adjustment(id).await.unwrap().is_empty());

    case.store
        .writer()
        .await
        .unwrap()
        .set_skew_adjustment(id, found.clone())
        .await
        .unwrap();
    let applied = reader.skew_adjustment(id).await.unwrap();
    assert_eq!(applied, found);
    let (shown, analysis) = analysis::analyse_trace_with(&stored, &applied);
    assert!(analysis.skew_adjusted);
    let charge = shown
        .spans
        .iter()
        .find(|span| span.name == "charge")
        .unwrap();
    assert_eq!(charge.start_ns, T0 + 6 * S / 10);
    // The stored spans are as loaded.
    assert_eq!(reader.trace(id).await.unwrap().unwrap(), stored);

    case.store
        .writer()
        .await
        .unwrap()
        .set_skew_adjustment(id, Vec::new())
        .await
        .unwrap();
    assert!(reader.skew_adjustment(id).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_logs_of_an_adjusted_host_move_with_its_spans() {
    let case = TestCase::new().await;
    let logs = case.dir.path().join("app.log");
    let line = |ts: i64, msg: &str, span: &str| {
        json!({"ts": ts as f64 / 1e9, "level": "info", "msg": msg,
               "traceID": SKEWED, "spanID": span})
        .to_string()
    };
    std::fs::write(
        &logs,
        [
            line(T0 + 14 * S / 10, "got the answer", "2222222222222222"),
            line(T0 + 27 * S / 10, "charged", "3333333333333333"),
        ]
        .join("\n"),
    )
    .unwrap();
    case.ingest(&[skewed_file(case.dir.path()), logs]).await;
    let reader = case.store.reader().await.unwrap();
    let id = TraceId::parse(SKEWED).unwrap().unwrap();
    let trace = reader.trace(id).await.unwrap().unwrap();
    let filter = weft::store::LogFilter {
        trace_id: Some(id),
        ..Default::default()
    };
    let stored = reader.logs(&filter).await.unwrap();
    let bodies = |logs: &[weft::store::LogView]| -> Vec<String> {
        logs.iter().map(|log| log.body.clone()).collect()
    };
    assert_eq!(bodies(&stored), ["got the answer", "charged"]);

    let found = analysis::analyse_trace(&trace).skew;
    let shown = analysis::skew::adjust_logs(&trace, &found, stored.clone());
    // The server's log, 2 s earlier, now comes first; the client's stays where it was.
    assert_eq!(bodies(&shown), ["charged", "got the answer"]);
    assert_eq!(shown[0].ts_ns, stored[1].ts_ns.map(|ts| ts - 2 * S));
    assert_eq!(shown[1].ts_ns, stored[0].ts_ns);
    // Without an adjustment the logs are as stored.
    assert_eq!(
        analysis::skew::adjust_logs(&trace, &[], stored.clone()),
        stored
    );
}

#[tokio::test]
async fn the_slowest_tenth_of_the_traces_are_slow() {
    let case = TestCase::new().await;
    case.ingest(&[fixture("demo/traces.jsonl")]).await;
    let reader = case.store.reader().await.unwrap();
    let by_duration = reader
        .traces(&weft::store::TraceFilter {
            sort: weft::store::TraceSort::Duration,
            ..Default::default()
        })
        .await
        .unwrap();
    let n_traces = by_duration.len();
    assert!(n_traces >= 20, "{n_traces} traces");
    let mut n_slow = 0;
    for (rank, trace) in by_duration.iter().enumerate() {
        let slow = reader
            .is_slow(trace.trace_id.parse().unwrap())
            .await
            .unwrap();
        n_slow += usize::from(slow);
        // Ties aside, the first tenth by duration are slow and the rest not.
        let longer = by_duration
            .iter()
            .filter(|other| other.duration_ns > trace.duration_ns)
            .count();
        assert_eq!(slow, longer * 10 < n_traces, "rank {rank}");
    }
    assert!(n_slow >= 1 && n_slow * 10 <= n_traces + 10, "{n_slow} slow");
    let absent = TraceId::parse("00000000000000000000000000000abc")
        .unwrap()
        .unwrap();
    assert!(!reader.is_slow(absent).await.unwrap());
}

#[tokio::test]
async fn the_reader_compares_a_selection_as_the_cli_does() {
    let case = TestCase::new().await;
    case.ingest(&[fixture("demo/traces.jsonl")]).await;
    let reader = case.store.reader().await.unwrap();
    let now = weft::time::now_ns();
    let selection = weft::query::parse("status:error", now).unwrap();
    let ranked = reader.compare_selection(&selection, None).await.unwrap();
    let cli = weft_json(
        &case.dir.path().join("case.weft"),
        &["compare", "--selection", "status:error", "--json"],
    );
    // Both through JSON text, as floats parse back the same way.
    let ours: Value = serde_json::from_str(&serde_json::to_string(&ranked).unwrap()).unwrap();
    assert_eq!(ours, cli);
    assert!(ranked.selection_traces > 0);
}
