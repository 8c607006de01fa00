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
}
