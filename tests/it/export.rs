//! `weft export`: a case exported in each format and loaded into a new case holds
//! the same spans and logs, field by field (ids, times, attributes with their
//! types, events, links, resources, scopes, status, kind, trace state, flags,
//! dropped counts; logs' times, severities, bodies, ids, attributes, service,
//! resource and scope), on the corpus fixtures and the demo case; a query or
//! `--traces` exports what it selects. The rows are read here with SQL of the
//! test's own, not with the reader the export uses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sqlx::Row;
use weft::export::{export_to_file, ExportFormat};
use weft::store::RecordSelection;
use weft::TraceId;

use crate::common::{expected_inputs, fixture, TestCase};

const FORMATS: [ExportFormat; 3] = [
    ExportFormat::OtlpJson,
    ExportFormat::OtlpJsonl,
    ExportFormat::OtlpProto,
];

/// Every span and log of the case file at `path`, as comparable JSON: spans by
/// (trace id, span id), logs sorted by their whole content.
async fn case_content(path: &Path) -> (BTreeMap<String, Value>, Vec<String>) {
    let url = format!("sqlite://{}?mode=ro", path.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let parse = |text: String| serde_json::from_str::<Value>(&text).unwrap();
    let mut resources = BTreeMap::new();
    for row in sqlx::query(
        "SELECT id, service, attributes, schema_url, dropped_attributes_count FROM resources",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        let id: i64 = row.get("id");
        resources.insert(
            id,
            json!({
                "service": row.get::<String, _>("service"),
                "attributes": parse(row.get("attributes")),
                "schema_url": row.get::<String, _>("schema_url"),
                "dropped": row.get::<i64, _>("dropped_attributes_count"),
            }),
        );
    }
    let mut scopes = BTreeMap::new();
    for row in sqlx::query(
        "SELECT id, name, version, attributes, schema_url, dropped_attributes_count FROM scopes",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        let id: i64 = row.get("id");
        scopes.insert(
            id,
            json!({
                "name": row.get::<String, _>("name"),
                "version": row.get::<String, _>("version"),
                "attributes": parse(row.get("attributes")),
                "schema_url": row.get::<String, _>("schema_url"),
                "dropped": row.get::<i64, _>("dropped_attributes_count"),
            }),
        );
    }
    let mut spans = BTreeMap::new();
    for row in sqlx::query(
        "SELECT hex(trace_id) AS t, hex(span_id) AS s, hex(parent_span_id) AS p, trace_state, \
         flags, name, kind, start_ns, end_ns, status_code, status_message, service, attributes, \
         resource_id, scope_id, dropped_attributes_count, dropped_events_count, \
         dropped_links_count FROM spans",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        let key = format!(
            "{}/{}",
            row.get::<String, _>("t"),
            row.get::<String, _>("s")
        );
        spans.insert(
            key,
            json!({
                "parent": row.get::<Option<String>, _>("p"),
                "trace_state": row.get::<String, _>("trace_state"),
                "flags": row.get::<i64, _>("flags"),
                "name": row.get::<String, _>("name"),
                "kind": row.get::<i64, _>("kind"),
                "start": row.get::<i64, _>("start_ns"),
                "end": row.get::<i64, _>("end_ns"),
                "status": [row.get::<i64, _>("status_code"), json!(row.get::<String, _>("status_message"))],
                "service": row.get::<String, _>("service"),
                "attributes": parse(row.get("attributes")),
                "resource": resources[&row.get::<i64, _>("resource_id")],
                "scope": scopes[&row.get::<i64, _>("scope_id")],
                "dropped": [
                    row.get::<i64, _>("dropped_attributes_count"),
                    row.get::<i64, _>("dropped_events_count"),
                    row.get::<i64, _>("dropped_links_count"),
                ],
                "events": [],
                "links": [],
            }),
        );
    }
    for row in sqlx::query(
        "SELECT hex(trace_id) AS t, hex(span_id) AS s, time_ns, name, attributes, \
         dropped_attributes_count FROM span_events ORDER BY trace_id, span_id, event_idx",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        let key = format!(
            "{}/{}",
            row.get::<String, _>("t"),
            row.get::<String, _>("s")
        );
        spans.get_mut(&key).unwrap()["events"]
            .as_array_mut()
            .unwrap()
            .push(json!([
                row.get::<i64, _>("time_ns"),
                row.get::<String, _>("name"),
                parse(row.get("attributes")),
                row.get::<i64, _>("dropped_attributes_count"),
            ]));
    }
    for row in sqlx::query(
        "SELECT hex(trace_id) AS t, hex(span_id) AS s, hex(linked_trace_id) AS lt, \
         hex(linked_span_id) AS ls, trace_state, flags, attributes, dropped_attributes_count \
         FROM span_links ORDER BY trace_id, span_id, link_idx",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        let key = format!(
            "{}/{}",
            row.get::<String, _>("t"),
            row.get::<String, _>("s")
        );
        spans.get_mut(&key).unwrap()["links"]
            .as_array_mut()
            .unwrap()
            .push(json!([
                row.get::<String, _>("lt"),
                row.get::<String, _>("ls"),
                row.get::<String, _>("trace_state"),
                row.get::<i64, _>("flags"),
                parse(row.get("attributes")),
                row.get::<i64, _>("dropped_attributes_count"),
            ]));
    }
    let mut logs = Vec::new();
    for row in sqlx::query(
        "SELECT ts_ns, observed_ns, severity, severity_text, body, service, hex(trace_id) AS t, \
         hex(span_id) AS s, flags, attributes, resource_id, scope_id, link FROM logs",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        let service: String = row.get("service");
        // A log file's line has no resource: the export gives it one naming its service.
        let resource = match row.get::<Option<i64>, _>("resource_id") {
            Some(id) => resources[&id].clone(),
            None => json!({
                "service": service,
                "attributes": {"service.name": service},
                "schema_url": "",
                "dropped": 0,
            }),
        };
        // And no scope: the export's is the empty one.
        let scope = match row.get::<Option<i64>, _>("scope_id") {
            Some(id) => scopes[&id].clone(),
            None => {
                json!({"name": "", "version": "", "attributes": {}, "schema_url": "", "dropped": 0})
            }
        };
        logs.push(
            json!({
                "ts": row.get::<Option<i64>, _>("ts_ns"),
                "observed": row.get::<Option<i64>, _>("observed_ns"),
                "severity": [row.get::<i64, _>("severity"), json!(row.get::<String, _>("severity_text"))],
                "body": row.get::<String, _>("body"),
                "service": service,
                "ids": [row.get::<Option<String>, _>("t"), row.get::<Option<String>, _>("s")],
                "flags": row.get::<i64, _>("flags"),
                "attributes": parse(row.get("attributes")),
                "resource": resource,
                "scope": scope,
                "link": row.get::<i64, _>("link"),
            })
            .to_string(),
        );
    }
    logs.sort();
    pool.close().await;
    (spans, logs)
}

/// Fails on the first span or log of `copy` that differs from `original`'s; returns
/// `original`'s content.
async fn assert_same_content(
    original: &TestCase,
    copy: &TestCase,
    label: &str,
) -> (BTreeMap<String, Value>, Vec<String>) {
    let (spans_before, logs_before) = case_content(&original.path()).await;
    let (spans_after, logs_after) = case_content(&copy.path()).await;
    assert_eq!(
        spans_before.keys().collect::<Vec<_>>(),
        spans_after.keys().collect::<Vec<_>>(),
        "{label}: span ids"
    );
    for (key, before) in &spans_before {
        assert_eq!(before, &spans_after[key], "{label}: span {key}");
    }
    assert_eq!(logs_before.len(), logs_after.len(), "{label}: logs");
    for (before, after) in logs_before.iter().zip(&logs_after) {
        assert_eq!(before, after, "{label}: log");
    }
    (spans_before, logs_before)
}

/// Exports the whole case `original` in `format`, loads the file into a new case and
/// fails on the first span or log that differs. Returns the spans, events, links and
/// logs compared.
async fn assert_round_trip(original: &TestCase, label: &str, format: ExportFormat) -> [usize; 4] {
    let file = original
        .dir
        .path()
        .join(format!("export.{}", format.extension()));
    let reader = original.store.reader().await.unwrap();
    let counts = export_to_file(&reader, &RecordSelection::default(), &file, format)
        .await
        .unwrap();
    let copy = TestCase::new().await;
    let reports = copy.ingest(std::slice::from_ref(&file)).await;
    assert_eq!(
        reports[0].errors.len(),
        0,
        "{label} {format:?}: {:?}",
        reports[0].errors
    );
    assert_eq!(reports[0].unparsed, 0, "{label} {format:?}");
    let (spans_before, logs_before) =
        assert_same_content(original, &copy, &format!("{label} {format:?}")).await;
    assert_eq!(
        counts.spans as usize,
        spans_before.len(),
        "{label} {format:?}"
    );
    assert_eq!(
        counts.logs as usize,
        logs_before.len(),
        "{label} {format:?}"
    );
    let n_of = |field: &str| -> usize {
        spans_before
            .values()
            .map(|span| span[field].as_array().unwrap().len())
            .sum()
    };
    [
        spans_before.len(),
        n_of("events"),
        n_of("links"),
        logs_before.len(),
    ]
}

/// The fixture folders whose files the store keeps whole (see `LEFT_OUT`).
fn corpus_groups() -> BTreeMap<String, Vec<PathBuf>> {
    let mut groups: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for (relative, _) in expected_inputs() {
        if LEFT_OUT.iter().any(|(left_out, _)| *left_out == relative) {
            continue;
        }
        let folder = relative.split('/').next().unwrap().to_string();
        groups.entry(folder).or_default().push(fixture(&relative));
    }
    groups
}

/// Fixtures left out of the round trip, and why.
const LEFT_OUT: &[(&str, &str)] = &[];

#[tokio::test]
async fn every_corpus_fixture_and_the_demo_case_come_back_equal_in_every_format() {
    let mut groups = corpus_groups();
    // Ours, not in EXPECTED.json: whole folders (`sampling/` holds a policy, no records).
    for folder in ["demo", "ids", "issue23", "regex"] {
        groups.insert(folder.into(), vec![fixture(folder)]);
    }
    assert!(groups.len() >= 10, "fixture folders missing: {groups:?}");
    let mut compared = [0; 4];
    for (label, paths) in &groups {
        let original = TestCase::new().await;
        original.ingest(paths).await;
        for format in FORMATS {
            let counts = assert_round_trip(&original, label, format).await;
            for (total, n) in compared.iter_mut().zip(counts) {
                *total += n;
            }
        }
    }
    // Spans, events, links and logs were all compared (three times each).
    assert!(compared.iter().all(|&n| n > 0), "{compared:?}");
    eprintln!("compared spans, events, links, logs: {compared:?}");
}

#[tokio::test]
async fn a_query_exports_its_traces_with_all_their_spans_and_logs_and_its_own_logs() {
    let case = TestCase::new().await;
    case.ingest(&[fixture("demo")]).await;
    let reader = case.store.reader().await.unwrap();
    let query = weft::query::parse("service:inventory", weft::time::now_ns()).unwrap();
    let selection = RecordSelection {
        query: Some(query),
        trace_ids: Vec::new(),
    };
    let file = case.dir.path().join("selection.jsonl");
    let counts = export_to_file(&reader, &selection, &file, ExportFormat::OtlpJsonl)
        .await
        .unwrap();
    // What the export should hold, counted with SQL of the test's own.
    let traces = "SELECT DISTINCT trace_id FROM spans WHERE service = 'inventory' \
                  UNION SELECT DISTINCT trace_id FROM logs WHERE service = 'inventory' \
                  AND trace_id IN (SELECT trace_id FROM spans)";
    let spans = case
        .count(Box::leak(
            format!("SELECT COUNT(*) FROM spans WHERE trace_id IN ({traces})").into_boxed_str(),
        ))
        .await;
    let logs = case
        .count(Box::leak(
            format!(
                "SELECT COUNT(*) FROM logs WHERE trace_id IN ({traces}) OR service = 'inventory'"
            )
            .into_boxed_str(),
        ))
        .await;
    assert!(spans > 0 && logs > 0);
    assert_eq!(counts.spans as i64, spans);
    assert_eq!(counts.logs as i64, logs);
    let copy = TestCase::new().await;
    copy.ingest(&[file]).await;
    let stats = copy.stats().await;
    assert_eq!(stats.spans as i64, spans);
    assert_eq!(stats.logs as i64, logs);
}

#[tokio::test]
async fn named_traces_export_exactly_their_spans_and_logs() {
    let case = TestCase::new().await;
    case.ingest(&[fixture("demo")]).await;
    let reader = case.store.reader().await.unwrap();
    let first = reader
        .traces(&weft::store::TraceFilter {
            limit: 2,
            ..Default::default()
        })
        .await
        .unwrap();
    let trace_ids: Vec<TraceId> = first
        .iter()
        .map(|summary| summary.trace_id.parse().unwrap())
        .collect();
    let file = case.dir.path().join("two.binpb");
    let selection = RecordSelection {
        query: None,
        trace_ids: trace_ids.clone(),
    };
    let counts = export_to_file(&reader, &selection, &file, ExportFormat::OtlpProto)
        .await
        .unwrap();
    let spans: i64 = first.iter().map(|summary| summary.spans).sum();
    assert_eq!(counts.spans as i64, spans);
    let copy = TestCase::new().await;
    copy.ingest(&[file]).await;
    let copied = copy
        .store
        .reader()
        .await
        .unwrap()
        .traces(&weft::store::TraceFilter::default())
        .await
        .unwrap();
    assert_eq!(
        copied, first,
        "the same two traces, with their logs counted"
    );
}

#[test]
fn the_cli_exports_to_a_file_and_refuses_a_missing_target() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    let weft = env!("CARGO_BIN_EXE_weft");
    let run = |args: &[&str]| {
        std::process::Command::new(weft)
            .arg("--case")
            .arg(&case)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(&["ingest", fixture("demo").to_str().unwrap()])
        .status
        .success());
    let out = dir.path().join("all.json");
    let exported = run(&["--json", "export", "-o", out.to_str().unwrap()]);
    assert!(exported.status.success(), "{exported:?}");
    let counts: Value = serde_json::from_slice(&exported.stdout).unwrap();
    assert_eq!(counts["spans"], 212);
    assert_eq!(counts["logs"], 364);
    let missing = run(&["export", "service:checkout"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--output"));
}

/// Both sides of issue 20 end to end: the demo case pushed with `weft export --to`'s
/// engine function to `weft receive` (the library, on a loopback port) of a new case;
/// that case then holds every span and log field by field, as a file round trip does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_pushed_to_weft_receive_of_another_case_arrives_equal() {
    let original = TestCase::new().await;
    original.ingest(&[fixture("demo")]).await;
    let copy = TestCase::new().await;
    let receiving = weft::receive::start(
        copy.store.clone(),
        weft::receive::ReceiveConfig {
            http: Some("127.0.0.1:0".parse().unwrap()),
            grpc: None,
            ..weft::receive::ReceiveConfig::default()
        },
    )
    .await
    .unwrap();
    let url = format!("http://{}", receiving.http_addr().unwrap());
    let reader = original.store.reader().await.unwrap();
    let counts = weft::export::export_to_url(
        &reader,
        &RecordSelection::default(),
        &url,
        weft::export::RetryPolicy::default(),
    )
    .await
    .unwrap();
    let received = receiving.stop().await.unwrap();
    assert_eq!(received.spans, counts.spans);
    assert_eq!(received.logs, counts.logs);
    assert_eq!(received.rejected, 0);

    let (spans, logs) = assert_same_content(&original, &copy, "pushed").await;
    assert!(spans.len() > 100 && logs.len() > 100);
    assert_eq!(counts.spans as usize, spans.len());
    assert_eq!(counts.logs as usize, logs.len());
}
