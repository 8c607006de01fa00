//! `weft doctor` through the real binary (issue 17, findings): for each rule a case
//! that triggers it and one that must not, the duplicate spans recorded at load,
//! and the demo case's findings (the intended ones only).

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::common::{fixture, weft_json, weft_ok as weft};

/// The findings of `weft doctor --json` on a new case of `files`.
fn doctor(dir: &Path, files: &[PathBuf], query: &[&str]) -> Vec<Value> {
    let case = dir.join("case.weft");
    let _ = std::fs::remove_file(&case);
    let mut ingest = vec!["ingest"];
    ingest.extend(files.iter().map(|f| f.to_str().unwrap()));
    weft(&case, &ingest);
    let mut args = vec!["doctor", "--json"];
    args.extend(query);
    let out = weft(&case, &args);
    let report: Value = serde_json::from_slice(&out).unwrap();
    report["findings"].as_array().unwrap().clone()
}

fn rules(findings: &[Value]) -> Vec<(String, String, u64)> {
    findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn finding<'a>(findings: &'a [Value], rule: &str, severity: &str) -> &'a Value {
    findings
        .iter()
        .find(|f| f["rule"] == rule && f["severity"] == severity)
        .unwrap_or_else(|| panic!("no {severity} {rule} in {findings:#?}"))
}

pub(crate) const MS: i64 = 1_000_000;
pub(crate) const T0: i64 = 1_760_000_000_000_000_000;

pub(crate) fn trace_hex(trace: u32) -> String {
    format!("{:032x}", 0xabc0_0000u64 + u64::from(trace))
}

pub(crate) fn span_hex(trace: u32, id: u32) -> String {
    format!("{:016x}", u64::from(trace) * 1000 + u64::from(id))
}

/// An OTLP/JSON span of trace `trace` (ids are made unique per trace).
#[allow(clippy::too_many_arguments)]
pub(crate) fn span(
    trace: u32,
    id: u32,
    parent: Option<u32>,
    name: &str,
    kind: u8,
    start_ms: i64,
    end_ms: i64,
    attributes: Value,
) -> Value {
    let attributes: Vec<Value> = attributes
        .as_object()
        .unwrap()
        .iter()
        .map(|(key, value)| json!({"key": key, "value": {"stringValue": value}}))
        .collect();
    json!({
        "traceId": trace_hex(trace),
        "spanId": span_hex(trace, id),
        "parentSpanId": parent.map(|p| span_hex(trace, p)).unwrap_or_default(),
        "name": name,
        "kind": kind,
        "startTimeUnixNano": (T0 + start_ms * MS).to_string(),
        "endTimeUnixNano": (T0 + end_ms * MS).to_string(),
        "attributes": attributes,
    })
}

pub(crate) fn service(name: &str, host: &str, spans: Vec<Value>) -> Value {
    json!({
        "resource": {"attributes": [
            {"key": "service.name", "value": {"stringValue": name}},
            {"key": "host.name", "value": {"stringValue": host}},
        ]},
        "scopeSpans": [{"scope": {"name": "test"}, "spans": spans}],
    })
}

pub(crate) fn write(dir: &Path, name: &str, resources: Vec<Value>) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, json!({"resourceSpans": resources}).to_string()).unwrap();
    file
}

pub(crate) const SERVER: u8 = 2;
pub(crate) const CLIENT: u8 = 3;
pub(crate) const INTERNAL: u8 = 1;

/// frontend → checkout in one trace, done right: one root, every parent present,
/// the call's peer has its child, no skew, every span ended.
pub(crate) fn clean_trace(trace: u32) -> Vec<Value> {
    vec![
        service(
            "frontend",
            "web-1",
            vec![
                span(trace, 1, None, "GET /cart", SERVER, 0, 100, json!({})),
                span(
                    trace,
                    2,
                    Some(1),
                    "POST checkout",
                    CLIENT,
                    10,
                    90,
                    json!({"peer.service": "checkout"}),
                ),
            ],
        ),
        service(
            "checkout",
            "co-1",
            vec![span(
                trace,
                3,
                Some(2),
                "PlaceOrder",
                SERVER,
                20,
                80,
                json!({}),
            )],
        ),
    ]
}

#[test]
fn a_clean_case_has_no_findings() {
    let dir = tempfile::tempdir().unwrap();
    let resources: Vec<Value> = (1..=3).flat_map(clean_trace).collect();
    let file = write(dir.path(), "clean.json", resources);
    assert_eq!(rules(&doctor(dir.path(), &[file], &[])), vec![]);
}

#[test]
fn missing_parents_and_roots_are_found_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut resources = clean_trace(1);
    // Trace 2: every span names a parent; two of them a parent that is not there.
    resources.push(service(
        "checkout",
        "co-1",
        vec![
            span(2, 1, Some(99), "PlaceOrder", SERVER, 0, 50, json!({})),
            span(2, 2, Some(1), "validate", INTERNAL, 10, 20, json!({})),
            span(2, 3, Some(98), "late", INTERNAL, 30, 40, json!({})),
        ],
    ));
    // Trace 3: two spans without a parent.
    resources.push(service(
        "frontend",
        "web-1",
        vec![
            span(3, 1, None, "GET /a", SERVER, 0, 50, json!({})),
            span(3, 2, None, "GET /b", SERVER, 60, 90, json!({})),
        ],
    ));
    let file = write(dir.path(), "broken.json", resources);
    let findings = doctor(dir.path(), &[file], &[]);
    assert_eq!(
        rules(&findings),
        vec![
            ("missing-parent".into(), "error".into(), 2),
            ("missing-root".into(), "warn".into(), 1),
            ("multiple-roots".into(), "warn".into(), 1),
        ]
    );
    let missing = finding(&findings, "missing-parent", "error");
    assert_eq!(missing["traces"], 1);
    assert_eq!(missing["services"], json!(["checkout"]));
    assert_eq!(
        missing["examples"][0],
        json!({"trace_id": trace_hex(2), "span_id": span_hex(2, 1)})
    );
    assert!(!missing["fix"].as_str().unwrap().is_empty());
    // A query keeps the traces with a matching span.
    let only_b = doctor(
        dir.path(),
        &[dir.path().join("broken.json")],
        &["name:\"GET /b\""],
    );
    assert_eq!(
        rules(&only_b),
        vec![("multiple-roots".into(), "warn".into(), 1)]
    );
}

#[test]
fn a_call_whose_callee_starts_a_new_trace_lost_its_context() {
    let dir = tempfile::tempdir().unwrap();
    let mut resources = clean_trace(1);
    // Trace 2: frontend calls checkout (by its host name), and no child in checkout …
    resources.push(service(
        "frontend",
        "web-1",
        vec![
            span(2, 1, None, "GET /pay", SERVER, 1000, 1100, json!({})),
            span(
                2,
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
    // … while trace 3 starts in checkout during that call: the context was lost.
    // Trace 4 starts in checkout after the call ended: no finding.
    // Trace 5 starts with an INTERNAL span in checkout, which receives calls: info.
    resources.push(service(
        "checkout",
        "co-1",
        vec![
            span(3, 1, None, "PlaceOrder", SERVER, 1020, 1080, json!({})),
            span(4, 1, None, "PlaceOrder", SERVER, 1200, 1250, json!({})),
            span(5, 1, None, "flush cache", INTERNAL, 1300, 1310, json!({})),
        ],
    ));
    let file = write(dir.path(), "lost.json", resources);
    let findings = doctor(dir.path(), &[file], &[]);
    assert_eq!(
        rules(&findings),
        vec![
            ("context-lost".into(), "error".into(), 1),
            ("context-lost".into(), "info".into(), 1),
        ]
    );
    let lost = finding(&findings, "context-lost", "error");
    assert_eq!(
        lost["examples"],
        json!([
            {"trace_id": trace_hex(2), "span_id": span_hex(2, 2)},
            {"trace_id": trace_hex(3), "span_id": span_hex(3, 1)},
        ])
    );
    assert_eq!(lost["traces"], 2);
    assert_eq!(lost["services"], json!(["checkout", "frontend"]));
    let internal = finding(&findings, "context-lost", "info");
    assert_eq!(
        internal["examples"],
        json!([{"trace_id": trace_hex(5), "span_id": span_hex(5, 1)}])
    );
}

#[test]
fn unended_zero_and_skewed_spans_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut resources = clean_trace(1);
    resources.push(service(
        "frontend",
        "web-1",
        vec![
            span(2, 1, None, "GET /x", SERVER, 0, 100, json!({})),
            span(
                2,
                2,
                Some(1),
                "ends before it starts",
                INTERNAL,
                50,
                40,
                json!({}),
            ),
            span(2, 3, Some(1), "marker", INTERNAL, 60, 60, json!({})),
        ],
    ));
    // Trace 3: the child on host co-9 starts 500 ms before its parent on web-1.
    resources.push(service(
        "frontend",
        "web-1",
        vec![span(3, 1, None, "GET /y", SERVER, 1000, 1100, json!({}))],
    ));
    resources.push(service(
        "checkout",
        "co-9",
        vec![span(
            3,
            2,
            Some(1),
            "PlaceOrder",
            SERVER,
            500,
            550,
            json!({}),
        )],
    ));
    let file = write(dir.path(), "times.json", resources);
    let findings = doctor(dir.path(), &[file], &[]);
    assert_eq!(
        rules(&findings),
        vec![
            ("unended-span".into(), "error".into(), 1),
            ("clock-skew".into(), "warn".into(), 1),
            ("zero-duration".into(), "info".into(), 1),
        ]
    );
    let skew = finding(&findings, "clock-skew", "warn");
    assert_eq!(skew["services"], json!(["checkout"]));
    assert!(skew["message"]
        .as_str()
        .unwrap()
        .contains("co-9 -525000000 ns"));
}

#[test]
fn an_attribute_distinct_on_every_span_is_high_cardinality() {
    let dir = tempfile::tempdir().unwrap();
    let spans: Vec<Value> = (1..=60)
        .map(|trace| {
            span(
                trace,
                1,
                None,
                "GET /cart",
                SERVER,
                i64::from(trace) * 10,
                i64::from(trace) * 10 + 5,
                json!({"user_id": format!("user-{trace}"), "http.method": "GET"}),
            )
        })
        .collect();
    let file = write(
        dir.path(),
        "users.json",
        vec![service("frontend", "web-1", spans)],
    );
    let findings = doctor(dir.path(), &[file], &[]);
    assert_eq!(
        rules(&findings),
        vec![("high-cardinality-attribute".into(), "warn".into(), 60)]
    );
    assert!(findings[0]["message"]
        .as_str()
        .unwrap()
        .contains("`user_id`"));
}

#[test]
fn the_same_span_with_other_content_from_another_source_is_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let first = write(dir.path(), "a.json", clean_trace(1));
    // The same trace again, unchanged: no finding.
    let again = write(dir.path(), "b.json", clean_trace(1));
    assert_eq!(
        rules(&doctor(dir.path(), &[first.clone(), again.clone()], &[])),
        vec![]
    );
    // The same ids with another name and end for one span: a duplicate.
    let mut changed = clean_trace(1);
    changed[1]["scopeSpans"][0]["spans"][0]["name"] = json!("PlaceOrderV2");
    let changed = write(dir.path(), "c.json", changed);
    let findings = doctor(dir.path(), &[first.clone(), again, changed], &[]);
    assert_eq!(
        rules(&findings),
        vec![("duplicate-span-id".into(), "error".into(), 1)]
    );
    let duplicate = &findings[0];
    assert_eq!(
        duplicate["examples"],
        json!([{"trace_id": trace_hex(1), "span_id": span_hex(1, 3)}])
    );
    assert_eq!(duplicate["services"], json!(["checkout"]));
    let message = duplicate["message"].as_str().unwrap();
    assert!(
        message.contains("a.json") && message.contains("c.json"),
        "{message}"
    );

    // Removing the later source forgets the duplicate.
    let case = dir.path().join("case.weft");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = weft::Store::open(&case).await.unwrap();
        let sources = store.reader().await.unwrap().sources().await.unwrap();
        let id = sources
            .iter()
            .find(|s| s.path.ends_with("c.json"))
            .map(|s| s.id)
            .unwrap();
        store
            .writer()
            .await
            .unwrap()
            .remove_source(id)
            .await
            .unwrap();
    });
    let out = weft(&case, &["doctor", "--json"]);
    let report: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["findings"], json!([]));
}

#[test]
fn a_later_copy_with_an_error_status_marks_the_stored_span_without_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let first = write(dir.path(), "a.json", clean_trace(1));
    let mut failed = clean_trace(1);
    failed[1]["scopeSpans"][0]["spans"][0]["status"] = json!({"code": 2, "message": "boom"});
    let failed = write(dir.path(), "b.json", failed);
    // Only the status differs: no duplicate, but the error is not hidden.
    assert_eq!(rules(&doctor(dir.path(), &[first, failed], &[])), vec![]);
    let case = dir.path().join("case.weft");
    let traces = weft_json(&case, &["traces", "--json"]);
    assert_eq!(traces[0]["errors"], json!(1), "{traces}");
    let trace = weft_json(&case, &["trace", &trace_hex(1), "--json"]);
    let text = trace.to_string();
    assert!(text.contains("boom"), "{text}");
}

fn pino(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    file
}

fn pino_line(ms: i64, service: Option<&str>, trace: Option<String>, msg: &str) -> String {
    let mut line =
        json!({"level": 30, "time": T0 / MS + ms, "pid": 1, "hostname": "h", "msg": msg});
    if let Some(service) = service {
        line["name"] = json!(service);
    }
    if let Some(trace) = trace {
        line["trace_id"] = json!(trace);
    }
    line.to_string()
}

#[test]
fn log_rules_count_per_service_and_source() {
    let dir = tempfile::tempdir().unwrap();
    let traces = write(dir.path(), "traces.json", clean_trace(1));
    // checkout has spans: its logs without a trace id are a finding; frontend's log
    // names a trace of the case, so its logs are fine; the log of a trace that is
    // not in the case is an orphan; a line that is no JSON is unparsed.
    let logs = pino(
        dir.path(),
        "app.log",
        &[
            pino_line(1, Some("checkout"), Some(trace_hex(1)), "placing order"),
            pino_line(2, Some("checkout"), None, "pool warm"),
            pino_line(3, Some("checkout"), None, "pool warm"),
            pino_line(4, Some("frontend"), Some(trace_hex(1)), "GET /cart"),
            pino_line(5, Some("frontend"), Some(trace_hex(77)), "GET /gone"),
            "this is not json".to_string(),
        ],
    );
    // A service without spans logs without trace ids: no finding. Lines that name
    // no service get the file name: missing-service-name.
    let other = pino(
        dir.path(),
        "batch.log",
        &[
            pino_line(6, Some("batch"), None, "nightly"),
            pino_line(7, None, None, "who am I"),
        ],
    );
    let findings = doctor(dir.path(), &[traces, logs, other], &[]);
    assert_eq!(
        rules(&findings),
        vec![
            ("logs-without-trace-id".into(), "warn".into(), 2),
            ("missing-service-name".into(), "warn".into(), 1),
            ("orphan-logs".into(), "warn".into(), 1),
            ("unparsed-lines".into(), "warn".into(), 1),
        ]
    );
    let bare = finding(&findings, "logs-without-trace-id", "warn");
    assert_eq!(bare["services"], json!(["checkout"]));
    assert!(bare["message"]
        .as_str()
        .unwrap()
        .contains("2 of 3 (66.7 %)"));
    assert_eq!(bare["examples"].as_array().unwrap().len(), 2);
    let orphan = finding(&findings, "orphan-logs", "warn");
    assert_eq!(orphan["examples"][0]["trace_id"], json!(trace_hex(77)));
    assert!(orphan["examples"][0]["log_id"].is_i64());
    assert_eq!(
        finding(&findings, "missing-service-name", "warn")["services"],
        json!(["batch"])
    );
}

#[test]
fn ids_derived_from_text_are_reported_per_source() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jaeger.json");
    let spans: Vec<Value> = ["one", "two"]
        .iter()
        .enumerate()
        .map(|(at, id)| {
            json!({
                "traceID": "not-a-hex-trace", "spanID": id, "operationName": "op",
                "references": if at == 0 { json!([]) } else {
                    json!([{"refType": "CHILD_OF", "traceID": "not-a-hex-trace", "spanID": "one"}])
                },
                "startTime": 1_760_000_000_000_000i64 + at as i64, "duration": 10,
                "tags": [], "logs": [], "processID": "p1"
            })
        })
        .collect();
    let document = json!({"data": [{"traceID": "not-a-hex-trace", "spans": spans,
        "processes": {"p1": {"serviceName": "legacy", "tags": []}}}]});
    std::fs::write(&file, document.to_string()).unwrap();
    let findings = doctor(dir.path(), &[file], &[]);
    assert_eq!(
        rules(&findings),
        vec![("ids-rewritten".into(), "info".into(), 2)]
    );
    assert!(findings[0]["message"]
        .as_str()
        .unwrap()
        .contains("jaeger.json"));
}

/// The demo incident's findings are the ones it was written with: logs of
/// sampled-out traces (orphans) and background logs without trace ids in the two
/// services that have them; its traces themselves are clean.
#[test]
fn the_demo_case_has_only_its_intended_findings() {
    let dir = tempfile::tempdir().unwrap();
    let findings = doctor(dir.path(), &[fixture("demo")], &[]);
    let found: Vec<(String, Vec<Value>)> = findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["services"].as_array().unwrap().clone(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("logs-without-trace-id".into(), vec![json!("checkout")]),
            ("logs-without-trace-id".into(), vec![json!("payments")]),
            ("orphan-logs".into(), vec![json!("payments")]),
        ]
    );
}

/// The shared corpus's whole, well-formed traces give no finding; its fragments
/// and its clock-skew sample give the findings they are about.
#[test]
fn the_corpus_clean_files_have_no_findings() {
    let clean = [
        "otlp-json/jaeger__internal__storage__integration__fixtures__traces__default.json",
        "otlp-json/jaeger__internal__storage__integration__fixtures__traces__link_attributes_trace.json",
        "otlp-json/jaeger__internal__storage__integration__fixtures__traces__log_tags_trace.json",
        "otlp-json/jaeger__internal__storage__integration__fixtures__traces__multi_spot_tags_trace.json",
        "otlp-json/jaeger__internal__storage__integration__fixtures__traces__process_tags_trace.json",
        "otlp-json/jaeger__internal__storage__integration__fixtures__traces__scope_attributes_trace.json",
        "otlp-json/jaeger__internal__storage__integration__fixtures__traces__span_tags_trace.json",
        "otlp-json/opentelemetry-proto__examples__events.json",
        "otlp-json/opentelemetry-rust__opentelemetry-otlp__tests__integration_test__expected__traces.json",
        "otlp-json/opentelemetry-rust__opentelemetry-otlp__tests__integration_test__expected__logs.json",
        "jaeger-json/jaeger-ui__packages__jaeger-ui__src__components__TracePage__TraceFlamegraph__testTrace.json",
        "jaeger-json/jaeger-ui__packages__jaeger-ui__src__components__TracePage__TraceStatistics__tableValuesTestTrace__testTraceNormal.json",
        "jaeger-json/jaeger-ui__packages__jaeger-ui__src__components__TracePage__TraceTimelineViewer__genaiTestTrace.json",
        "zipkin-json/zipkin__zipkin-lens__testdata__messaging.json",
        "zipkin-json/zipkin__zipkin-lens__testdata__messaging-kafka.json",
        "zipkin-json/zipkin__zipkin-lens__testdata__simple-db-p6.json",
        "zipkin-json/zipkin__zipkin-lens__testdata__yelp.json",
    ];
    let dir = tempfile::tempdir().unwrap();
    for file in clean {
        let mut found = rules(&doctor(dir.path(), &[fixture(file)], &[]));
        // Zipkin's (and Jaeger's) 64-bit trace ids are padded to 128 bits: a true
        // note of ids-rewritten, and the only one such a clean file may give.
        if file.starts_with("zipkin-json/") || file.starts_with("jaeger-json/") {
            found.retain(|(rule, severity, _)| !(rule == "ids-rewritten" && severity == "info"));
        }
        assert_eq!(found, vec![], "{file}");
    }
    let skew = doctor(
        dir.path(),
        &[fixture(
            "zipkin-json/zipkin__zipkin-lens__testdata__skew.json",
        )],
        &[],
    );
    assert_eq!(
        rules(&skew),
        vec![
            ("clock-skew".into(), "warn".into(), 1),
            ("ids-rewritten".into(), "info".into(), 4),
        ]
    );
    // Jaeger api_v2 ids in base64: an info of ids-rewritten, counting the span
    // records of the file (5, one span id twice: 4 spans stored).
    let padded = doctor(
        dir.path(),
        &[fixture(
            "jaeger-json/jaeger__internal__uimodel__converter__v1__json__fixtures__domain_01.json",
        )],
        &[],
    );
    assert_eq!(
        rules(&padded),
        vec![("ids-rewritten".into(), "info".into(), 5)]
    );
    assert!(padded[0]["message"].as_str().unwrap().contains("(base64)"));
    let fragment = doctor(
        dir.path(),
        &[fixture(
            "otlp-json/opentelemetry-proto__examples__trace.json",
        )],
        &[],
    );
    // Its ids are upper-case hex (`5B8EFFF7…`): a true note of ids-rewritten.
    assert_eq!(
        rules(&fragment),
        vec![
            ("missing-parent".into(), "error".into(), 1),
            ("missing-root".into(), "warn".into(), 1),
            ("ids-rewritten".into(), "info".into(), 1),
        ]
    );
    assert!(fragment[2]["message"]
        .as_str()
        .unwrap()
        .contains("(upper-case)"));
}

/// `weft doctor` on the demo case, JSON and for people, against golden files
/// (fixture paths as `<fixtures>`).
#[test]
fn the_demo_case_doctor_output_is_golden() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    let fixtures = std::fs::canonicalize(crate::common::fixtures_dir()).unwrap();
    weft(&case, &["ingest", fixtures.join("demo").to_str().unwrap()]);
    for (name, args) in [
        ("doctor", &["doctor", "--json"][..]),
        ("doctor-human", &["doctor"][..]),
    ] {
        let out = String::from_utf8(weft(&case, args))
            .unwrap()
            .replace(&fixtures.display().to_string(), "<fixtures>");
        crate::cli::check_golden(name, &out);
    }
}

/// Issue 17's `ids-rewritten` for every form the decoders normalize, one hand-written
/// fixture each (tests/fixtures/ids/, SOURCES.md): the finding names the source and
/// the form and counts the records (spans or logs) with an id in that form, with the
/// first as its example.
#[test]
fn every_rewritten_id_form_is_reported_per_source() {
    let cases: &[(&str, &[(&str, u64)])] = &[
        ("otlp-base64.json", &[("base64", 2)]),
        ("otlp-upper.json", &[("upper-case", 1)]),
        ("datadog-decimal.jsonl", &[("decimal", 2)]),
        ("zipkin-short.json", &[("padded", 2)]),
        (
            "jaeger-forms.json",
            &[("truncated", 1), ("0x", 3), ("derived", 1)],
        ),
        ("text-uuid.log", &[("uuid", 1)]),
        ("pino-upper.jsonl", &[("upper-case", 1)]),
    ];
    for (file, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let findings = doctor(dir.path(), &[fixture(&format!("ids/{file}"))], &[]);
        let rewritten: Vec<&Value> = findings
            .iter()
            .filter(|finding| finding["rule"] == "ids-rewritten")
            .collect();
        let forms: Vec<(String, u64)> = rewritten
            .iter()
            .map(|finding| {
                let message = finding["message"].as_str().unwrap();
                assert!(message.contains(file), "{message}");
                assert_eq!(finding["severity"], "info");
                let form = message.rsplit_once(" (").unwrap().1;
                let form = form.split_once(')').unwrap().0.to_string();
                (form, finding["count"].as_u64().unwrap())
            })
            .collect();
        let mut sorted_expected: Vec<(String, u64)> = expected
            .iter()
            .map(|(form, count)| (form.to_string(), *count))
            .collect();
        let mut sorted_found = forms.clone();
        sorted_expected.sort();
        sorted_found.sort();
        assert_eq!(sorted_found, sorted_expected, "{file}");
        for finding in rewritten {
            let example = &finding["examples"][0];
            assert!(
                example["span_id"].is_string() || example["log_id"].is_i64(),
                "{file}: {finding}"
            );
        }
    }
    // An id of each form names the same trace as its hex spelling: the upper-case and
    // lower-case records of one pino file join the same trace id.
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    weft(
        &case,
        &["ingest", fixture("ids/pino-upper.jsonl").to_str().unwrap()],
    );
    let logs = weft_json(&case, &["logs", "--json"]);
    let ids: Vec<&str> = logs
        .as_array()
        .unwrap()
        .iter()
        .map(|log| log["trace_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["5b8efff798038103d269b633813fc60c"; 2]);
}

/// A source that is removed takes its id forms with it; one loaded again counts once.
#[test]
fn rewritten_ids_go_with_their_source() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("ids/otlp-base64.json");
    let findings = doctor(dir.path(), &[file.clone(), file.clone()], &[]);
    assert_eq!(
        rules(&findings),
        vec![("ids-rewritten".into(), "info".into(), 2)]
    );
    let case = dir.path().join("case.weft");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = weft::Store::open(&case).await.unwrap();
        let sources = store.reader().await.unwrap().sources().await.unwrap();
        let mut writer = store.writer().await.unwrap();
        for source in sources {
            writer.remove_source(source.id).await.unwrap();
        }
    });
    let report = weft_json(&case, &["doctor", "--json"]);
    assert_eq!(report["findings"], json!([]));
}
