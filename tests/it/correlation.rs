//! Correlation: the four link states and the trace summaries come out the same
//! whichever order spans and logs are loaded in, and loading again changes nothing.

use std::path::PathBuf;

use weft::ingest::FileStatus;
use weft::model::Link;
use weft::store::{LogFilter, TraceFilter};
use weft::TraceId;

use crate::common::{logs_line, span_json, traces_line, TestCase};

const T1: &str = "11111111111111111111111111111111";
const T2: &str = "22222222222222222222222222222222";
const T_MISSING: &str = "99999999999999999999999999999999";

/// A traces file (two traces) and a logs file whose records fall in each link state.
fn write_pair(dir: &std::path::Path) -> (PathBuf, PathBuf) {
    let spans_a = vec![
        span_json(T1, "00000000000000a1", "", "GET /checkout", 1000),
        span_json(
            T1,
            "00000000000000a2",
            "00000000000000a1",
            "SELECT orders",
            1002,
        ),
    ];
    let spans_b = vec![span_json(T2, "00000000000000b1", "", "POST /pay", 2000)];
    let traces = [
        traces_line("checkout", &spans_a),
        traces_line("payments", &spans_b),
    ]
    .join("\n");
    let logs = logs_line(
        "checkout",
        &[
            (T1, "00000000000000a1", "span-linked one"),
            (T1, "00000000000000a2", "span-linked two"),
            (T1, "00000000000000ff", "trace-linked: sampled-out span"),
            (T2, "", "trace-linked: no span id"),
            (T_MISSING, "0000000000000001", "orphan"),
            ("", "", "unlinked"),
        ],
    );
    let traces_path = dir.join("traces.jsonl");
    let logs_path = dir.join("logs.jsonl");
    std::fs::write(&traces_path, traces + "\n").unwrap();
    std::fs::write(&logs_path, logs + "\n").unwrap();
    (traces_path, logs_path)
}

#[tokio::test]
async fn both_load_orders_give_the_same_links_and_summaries() {
    let files = tempfile::tempdir().unwrap();
    let (traces, logs) = write_pair(files.path());
    let spans_first = TestCase::new().await;
    spans_first.ingest(&[traces.clone(), logs.clone()]).await;
    let logs_first = TestCase::new().await;
    logs_first.ingest(std::slice::from_ref(&logs)).await;
    // Before the spans arrive every log with an id is an orphan.
    let early = logs_first.stats().await;
    assert_eq!((early.logs_orphan, early.logs_unlinked), (5, 1));
    logs_first.ingest(std::slice::from_ref(&traces)).await;

    for case in [&spans_first, &logs_first] {
        let stats = case.stats().await;
        assert_eq!(stats.logs, 6);
        assert_eq!(stats.logs_span_linked, 2);
        assert_eq!(stats.logs_trace_linked, 2);
        assert_eq!(stats.logs_orphan, 1);
        assert_eq!(stats.logs_unlinked, 1);
        assert_eq!((stats.traces, stats.spans), (2, 3));
        let reader = case.store.reader().await.unwrap();
        let traces = reader.traces(&TraceFilter::default()).await.unwrap();
        assert_eq!(traces[0].trace_id, T1);
        assert_eq!(
            (
                traces[0].root_service.as_str(),
                traces[0].root_name.as_str()
            ),
            ("checkout", "GET /checkout")
        );
        assert_eq!((traces[0].spans, traces[0].logs), (2, 3));
        assert_eq!(traces[0].duration_ns, 12_000_000);
        assert_eq!((traces[1].spans, traces[1].logs), (1, 1));
        let orphans = reader
            .logs(&LogFilter {
                link: Some(Link::Orphan),
                ..LogFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(orphans.len(), 1);
        assert_eq!(orphans[0].body, "orphan");
        let trace = reader
            .trace(T1.parse::<TraceId>().unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(trace.spans[0].logs.len(), 1);
        assert_eq!(trace.spans[1].logs.len(), 1);
        assert_eq!(trace.trace_logs.len(), 1);
        assert_eq!(trace.trace_logs[0].body, "trace-linked: sampled-out span");
    }
    assert_eq!(spans_first.stats().await, logs_first.stats().await);
}

#[tokio::test]
async fn loading_again_is_a_no_op() {
    let files = tempfile::tempdir().unwrap();
    let (traces, logs) = write_pair(files.path());
    let case = TestCase::new().await;
    let first = case.ingest(&[traces.clone(), logs.clone()]).await;
    let before = case.stats().await;
    // The same content under another name is the same content.
    let copy = files.path().join("copy-of-logs.json");
    std::fs::copy(&logs, &copy).unwrap();
    let again = case.ingest(&[traces, logs, copy]).await;
    assert!(
        again
            .iter()
            .all(|report| report.status == FileStatus::AlreadyLoaded),
        "{again:?}"
    );
    assert_eq!(again[0].spans, first[0].spans);
    assert_eq!(again[1].logs, first[1].logs);
    assert_eq!(case.stats().await, before);
    assert_eq!(case.count("SELECT COUNT(*) FROM sources").await, 2);
}

#[tokio::test]
async fn a_failed_file_keeps_its_good_records_and_a_retry_does_not_duplicate() {
    let files = tempfile::tempdir().unwrap();
    let good = traces_line("cut", &[span_json(T1, "00000000000000a1", "", "kept", 1)]);
    // A document cut in the middle of its second resource block.
    let block = good
        .strip_prefix(r#"{"resourceSpans":["#)
        .unwrap()
        .strip_suffix("]}")
        .unwrap();
    let cut = format!(
        "{{\"resourceSpans\": [\n{block},\n{{\"scopeSpans\": [{{\"spans\": [{{\"traceId\": \"22"
    );
    let path = files.path().join("cut.json");
    std::fs::write(&path, &cut).unwrap();
    let case = TestCase::new().await;
    for _ in 0..2 {
        let report = &case.ingest(std::slice::from_ref(&path)).await[0];
        assert_eq!(report.status, FileStatus::Failed);
        assert_eq!(report.spans, 1);
        let error = report.errors.last().unwrap();
        assert_eq!(error.line, Some(cut.lines().count() as u64), "{error:?}");
        assert_eq!(case.stats().await.spans, 1);
    }
    assert_eq!(case.count("SELECT COUNT(*) FROM sources").await, 1);
    let names = weft::query::parse("kept", 0).unwrap();
    let reader = case.store.reader().await.unwrap();
    let found = reader
        .traces(&weft::store::TraceFilter {
            query: names,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        found.len(),
        1,
        "the span name is in the full-text index once"
    );
}

/// The demo incident: pino, winston, Python and zap logs beside OTLP spans. The
/// expected link counts are worked out here from the files themselves.
#[tokio::test]
async fn json_logs_and_otlp_spans_link_the_same_in_either_order() {
    let demo = crate::common::fixture("demo");
    let traces = demo.join("traces.jsonl");
    let mut logs: Vec<PathBuf> = std::fs::read_dir(&demo)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "log"))
        .collect();
    logs.sort();
    assert_eq!(logs.len(), 5);

    let mut spans = std::collections::HashSet::new();
    for line in std::fs::read_to_string(&traces).unwrap().lines() {
        let request: serde_json::Value = serde_json::from_str(line).unwrap();
        for block in request["resourceSpans"].as_array().unwrap() {
            for scope in block["scopeSpans"].as_array().unwrap() {
                for span in scope["spans"].as_array().unwrap() {
                    let id = |key: &str| span[key].as_str().unwrap().to_lowercase();
                    spans.insert((id("traceId"), id("spanId")));
                }
            }
        }
    }
    let traces_held: std::collections::HashSet<String> =
        spans.iter().map(|(trace, _)| trace.clone()).collect();
    let mut wanted = [0i64; 4]; // unlinked, span, trace, orphan
    for path in &logs {
        for line in std::fs::read_to_string(path).unwrap().lines() {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            let field = |keys: &[&str]| {
                keys.iter()
                    .find_map(|k| record[*k].as_str().map(str::to_lowercase))
            };
            let trace = field(&["trace_id", "otelTraceID", "traceID"]);
            let span = field(&["span_id", "otelSpanID", "spanID"]);
            let state = match (trace, span) {
                (None, _) => 0,
                (Some(t), Some(s)) if spans.contains(&(t.clone(), s.clone())) => 1,
                (Some(t), _) if traces_held.contains(&t) => 2,
                _ => 3,
            };
            wanted[state] += 1;
        }
    }
    assert!(
        wanted.iter().all(|&count| count > 0),
        "the demo has every link state: {wanted:?}"
    );

    let spans_first = TestCase::new().await;
    spans_first
        .ingest(&[vec![traces.clone()], logs.clone()].concat())
        .await;
    let logs_first = TestCase::new().await;
    logs_first.ingest(&logs).await;
    logs_first.ingest(std::slice::from_ref(&traces)).await;
    for case in [&spans_first, &logs_first] {
        let stats = case.stats().await;
        let got = [
            stats.logs_unlinked,
            stats.logs_span_linked,
            stats.logs_trace_linked,
            stats.logs_orphan,
        ];
        assert_eq!(got, wanted);
    }
    assert_eq!(spans_first.stats().await, logs_first.stats().await);
}
