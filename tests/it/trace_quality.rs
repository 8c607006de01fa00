//! One trace's telemetry problems (issue 17) through the real binary: the missing
//! parents `weft trace --json` names, and its `findings`, which are the case-wide
//! `weft doctor` findings restricted to that trace.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::common::{weft_json, weft_ok};
use crate::doctor::{
    clean_trace, service, span, span_hex, trace_hex, write, CLIENT, INTERNAL, SERVER,
};

fn ingest(dir: &Path, files: &[PathBuf]) -> PathBuf {
    let case = dir.join("case.weft");
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    weft_ok(&case, &args);
    case
}

/// A trace of checkout whose spans name two parents the case does not hold: the
/// first orphan has a child of its own, the second parent is named by two spans.
fn incomplete_trace(trace: u32) -> Vec<Value> {
    vec![service(
        "checkout",
        "co-1",
        vec![
            span(trace, 1, Some(98), "PlaceOrder", SERVER, 0, 50, json!({})),
            span(trace, 2, Some(1), "validate", INTERNAL, 10, 20, json!({})),
            span(trace, 3, Some(99), "charge", INTERNAL, 30, 40, json!({})),
            span(trace, 4, Some(99), "refund", INTERNAL, 35, 60, json!({})),
        ],
    )]
}

#[test]
fn weft_trace_names_the_missing_parents_and_the_spans_under_each() {
    let dir = tempfile::tempdir().unwrap();
    let mut resources = clean_trace(1);
    resources.extend(incomplete_trace(2));
    let file = write(dir.path(), "incomplete.json", resources);
    let case = ingest(dir.path(), &[file]);

    let trace = weft_json(&case, &["trace", &trace_hex(2), "--json"]);
    assert_eq!(
        trace["missing_parents"],
        json!([
            {"span_id": span_hex(2, 98), "children": [span_hex(2, 1)]},
            {"span_id": span_hex(2, 99), "children": [span_hex(2, 3), span_hex(2, 4)]},
        ])
    );
    // The fields that were there stay as they were: four spans, none invented.
    assert_eq!(trace["spans"].as_array().unwrap().len(), 4);
    let rules: Vec<(&str, u64)> = trace["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(rules, vec![("missing-parent", 3), ("missing-root", 1)]);
    assert_eq!(
        trace["findings"][0]["examples"],
        json!([
            {"trace_id": trace_hex(2), "span_id": span_hex(2, 1)},
            {"trace_id": trace_hex(2), "span_id": span_hex(2, 3)},
            {"trace_id": trace_hex(2), "span_id": span_hex(2, 4)},
        ])
    );

    let whole = weft_json(&case, &["trace", &trace_hex(1), "--json"]);
    assert_eq!(whole["missing_parents"], json!([]));
    assert_eq!(whole["findings"], json!([]));
}

/// A case with every span rule broken somewhere, traces 1–9.
fn broken_case(dir: &Path) -> PathBuf {
    let mut resources = clean_trace(1);
    resources.extend(incomplete_trace(2));
    // 3: two roots. 4: a call to checkout (by host name) during which trace 5
    // starts in checkout: the context was lost. 6: an INTERNAL root in checkout.
    resources.push(service(
        "frontend",
        "web-1",
        vec![
            span(3, 1, None, "GET /a", SERVER, 0, 50, json!({})),
            span(3, 2, None, "GET /b", SERVER, 60, 90, json!({})),
            span(4, 1, None, "GET /pay", SERVER, 1000, 1100, json!({})),
            span(
                4,
                2,
                Some(1),
                "POST co-1",
                CLIENT,
                1010,
                1090,
                json!({"server.address": "co-1"}),
            ),
        ],
    ));
    resources.push(service(
        "checkout",
        "co-1",
        vec![
            span(5, 1, None, "PlaceOrder", SERVER, 1020, 1080, json!({})),
            span(6, 1, None, "flush cache", INTERNAL, 1300, 1310, json!({})),
        ],
    ));
    // 7: an unended span and a zero-length one; 8: a skewed host.
    resources.push(service(
        "frontend",
        "web-1",
        vec![
            span(7, 1, None, "GET /x", SERVER, 2000, 2100, json!({})),
            span(7, 2, Some(1), "ends early", INTERNAL, 2050, 2040, json!({})),
            span(7, 3, Some(1), "marker", INTERNAL, 2060, 2060, json!({})),
            span(8, 1, None, "GET /y", SERVER, 3000, 3100, json!({})),
        ],
    ));
    resources.push(service(
        "checkout",
        "co-9",
        vec![span(
            8,
            2,
            Some(1),
            "PlaceOrder",
            SERVER,
            2500,
            2550,
            json!({}),
        )],
    ));
    // 9: a service without a name.
    resources.push(service(
        "unknown_service:java",
        "x-1",
        vec![span(9, 1, None, "work", SERVER, 4000, 4010, json!({}))],
    ));
    write(dir, "broken.json", resources)
}

#[test]
fn the_findings_of_each_trace_are_the_doctors_restricted_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let broken = broken_case(dir.path());
    // Trace 1 again with another name for one span: a duplicate span id.
    let mut changed = clean_trace(1);
    changed[1]["scopeSpans"][0]["spans"][0]["name"] = json!("PlaceOrderV2");
    let changed = write(dir.path(), "changed.json", changed);
    let case = ingest(dir.path(), &[broken, changed]);

    let doctor = weft_json(&case, &["doctor", "--json"]);
    let trace_rules = [
        "missing-parent",
        "missing-root",
        "multiple-roots",
        "context-lost",
        "unended-span",
        "zero-duration",
        "missing-service-name",
        "clock-skew",
        "duplicate-span-id",
    ];
    // (rule, severity) → (count, examples, fix) of the doctor …
    let mut expected: BTreeMap<(String, String), (u64, BTreeSet<String>, String)> = BTreeMap::new();
    for finding in doctor["findings"].as_array().unwrap() {
        let rule = finding["rule"].as_str().unwrap();
        if !trace_rules.contains(&rule) {
            continue;
        }
        let examples = finding["examples"]
            .as_array()
            .unwrap()
            .iter()
            .map(Value::to_string)
            .collect();
        let key = (
            rule.to_string(),
            finding["severity"].as_str().unwrap().to_string(),
        );
        let fix = finding["fix"].as_str().unwrap().to_string();
        expected.insert(key, (finding["count"].as_u64().unwrap(), examples, fix));
    }
    assert_eq!(
        expected.len(),
        10,
        "the case breaks every rule about a trace: {doctor:#}"
    );
    // … and the same summed over the traces (a lost context is counted in the trace
    // of the root and in the trace of the call).
    let mut found: BTreeMap<(String, String), (u64, BTreeSet<String>, String)> = BTreeMap::new();
    for trace in 1..=9 {
        let view = weft_json(&case, &["trace", &trace_hex(trace), "--json"]);
        for finding in view["findings"].as_array().unwrap() {
            let key = (
                finding["rule"].as_str().unwrap().to_string(),
                finding["severity"].as_str().unwrap().to_string(),
            );
            let entry = found.entry(key).or_default();
            entry.0 += finding["count"].as_u64().unwrap();
            for example in finding["examples"].as_array().unwrap() {
                let example_trace = example["trace_id"].as_str().unwrap();
                assert!(
                    example_trace == trace_hex(trace) || key_is_context(finding),
                    "trace {trace} shows an example of another trace: {finding:#}"
                );
                entry.1.insert(example.to_string());
            }
            entry.2 = finding["fix"].as_str().unwrap().to_string();
        }
    }
    let lost = ("context-lost".to_string(), "error".to_string());
    if let Some(entry) = found.get_mut(&lost) {
        entry.0 /= 2;
    }
    assert_eq!(found, expected);
}

fn key_is_context(finding: &Value) -> bool {
    finding["rule"] == "context-lost"
}

#[test]
fn a_lost_context_shows_in_the_trace_of_the_call_and_in_the_trace_it_started() {
    let dir = tempfile::tempdir().unwrap();
    let case = ingest(dir.path(), &[broken_case(dir.path())]);
    let pair = json!([
        {"trace_id": trace_hex(4), "span_id": span_hex(4, 2)},
        {"trace_id": trace_hex(5), "span_id": span_hex(5, 1)},
    ]);
    for trace in [4, 5] {
        let view = weft_json(&case, &["trace", &trace_hex(trace), "--json"]);
        let lost: Vec<&Value> = view["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "context-lost" && f["severity"] == "error")
            .collect();
        assert_eq!(lost.len(), 1, "trace {trace}: {view:#}");
        assert_eq!(lost[0]["examples"], pair);
    }
    // The INTERNAL root of checkout (which receives calls) is trace 6's alone.
    let six = weft_json(&case, &["trace", &trace_hex(6), "--json"]);
    assert_eq!(six["findings"][0]["rule"], "context-lost");
    assert_eq!(six["findings"][0]["severity"], "info");
    let one = weft_json(&case, &["trace", &trace_hex(1), "--json"]);
    assert_eq!(one["findings"], json!([]));
}

#[test]
fn no_trace_of_the_demo_case_has_findings_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let case = ingest(dir.path(), &[crate::common::fixture("demo")]);
    let doctor = weft_json(&case, &["doctor", "--json"]);
    let trace_rules: Vec<&Value> = doctor["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["traces"].as_u64().unwrap() > 0)
        .collect();
    assert_eq!(
        trace_rules,
        Vec::<&Value>::new(),
        "the demo's traces are whole"
    );
    let traces = weft_json(&case, &["traces", "--json", "--limit", "1000"]);
    let traces = traces.as_array().unwrap();
    assert_eq!(traces.len(), 40);
    for summary in traces {
        let id = summary["trace_id"].as_str().unwrap();
        let view = weft_json(&case, &["trace", id, "--json"]);
        assert_eq!(view["findings"], json!([]), "trace {id}");
        assert_eq!(view["missing_parents"], json!([]), "trace {id}");
    }
}
