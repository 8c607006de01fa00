//! Reads answer while a large file loads: the real `weft ingest` loads a big JSON
//! log file into a case that already holds traces, and meanwhile this test reads a
//! page of a log search and opens a trace, again and again, timing each read.
//! Every read must finish within a generous bound; the measured p50 and max are
//! printed (`cargo test --test it concurrency -- --nocapture`).

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use weft::store::Anchor;
use weft::TraceId;

use crate::common::{logs_line, span_json, traces_line, TestCase};

/// Log lines of the big file: enough for a load of several seconds in a debug build.
const BIG_LINES: usize = 80_000;
/// The bound on one read during the load.
const MAX_READ: Duration = Duration::from_secs(2);

fn percentile(sorted: &[Duration], at: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * at).round() as usize]
}

#[tokio::test]
async fn searches_and_trace_opens_answer_during_a_load() {
    let case = TestCase::new().await;
    // What the reads look at: traces with logs, loaded before.
    let traces = case.dir.path().join("traces.jsonl");
    let mut text = String::new();
    for line in 0..20 {
        let trace = format!("{:032x}", line + 1);
        let spans: Vec<String> = (0..50)
            .map(|at| {
                let span = format!("{:016x}", line * 50 + at + 1);
                span_json(&trace, &span, "", "checkout", (line * 10 + at) as i64)
            })
            .collect();
        text.push_str(&traces_line("shop", &spans));
        text.push('\n');
        let span = format!("{:016x}", line * 50 + 1);
        text.push_str(&logs_line(
            "shop",
            &[(&trace, &span, "connection reset by peer")],
        ));
        text.push('\n');
    }
    std::fs::write(&traces, text).unwrap();
    case.ingest(&[traces]).await;

    let big = case.dir.path().join("big.log.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    for at in 0..BIG_LINES {
        let message = if at % 100 == 0 {
            "upstream connection reset"
        } else {
            "request served"
        };
        writeln!(
            file,
            r#"{{"time":{},"level":30,"msg":"{message} {at}","service":"gateway","req":{at}}}"#,
            1_700_000_000_000u64 + at as u64
        )
        .unwrap();
    }
    drop(file);

    let reader = case.store.reader().await.unwrap();
    let search = weft::query::parse("connection reset", 0).unwrap();
    let mut trace_bytes = [0u8; 16];
    trace_bytes[15] = 7;
    let trace_id = TraceId(trace_bytes);
    let mut child = Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("--case")
        .arg(case.path())
        .arg("ingest")
        .arg(&big)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let load_started = Instant::now();
    let (mut searches, mut opens) = (Vec::new(), Vec::new());
    let mut reads_while_loading = 0;
    while child.try_wait().unwrap().is_none() {
        let started = Instant::now();
        let page = reader.log_page(&search, Anchor::Last, 100).await.unwrap();
        searches.push(started.elapsed());
        assert!(!page.rows.is_empty());
        let started = Instant::now();
        let trace = reader.trace(trace_id).await.unwrap().expect("the trace");
        opens.push(started.elapsed());
        assert_eq!(trace.spans.len(), 50);
        let loading = reader
            .sources()
            .await
            .unwrap()
            .iter()
            .any(|source| source.status == weft::store::SourceStatus::Loading.as_str());
        reads_while_loading += usize::from(loading);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(child.wait().unwrap().success());
    let load_time = load_started.elapsed();
    assert_eq!(case.stats().await.logs, BIG_LINES as i64 + 20);

    for (what, times) in [
        ("log search page", &mut searches),
        ("trace open", &mut opens),
    ] {
        times.sort();
        eprintln!(
            "during a {load_time:.1?} load: {what}: {} reads, p50 {:.1?}, max {:.1?}",
            times.len(),
            percentile(times, 0.5),
            times.last().unwrap()
        );
        assert!(
            *times.last().unwrap() < MAX_READ,
            "a {what} took {:?}",
            times.last().unwrap()
        );
    }
    assert!(
        reads_while_loading >= 5,
        "only {reads_while_loading} reads happened while the source was loading"
    );
}

/// Processes that open the same new case at once (the app and a `weft ingest`, say)
/// all get it, with its whole schema: the migrations of one do not fail the other.
#[test]
fn processes_creating_one_case_at_once_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .count();
    for round in 0..3 {
        let case = dir.path().join(format!("new-{round}.weft"));
        let children: Vec<_> = (0..6)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_weft"))
                    .arg("--case")
                    .arg(&case)
                    .arg("stats")
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let applied = Command::new("sqlite3")
            .arg(&case)
            .arg("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .output();
        // The sqlite3 shell is not needed by the rest of the tests: check with it when present.
        if let Some(applied) = applied.ok().filter(|output| output.status.success()) {
            assert_eq!(
                String::from_utf8_lossy(&applied.stdout).trim(),
                migrations.to_string()
            );
        }
    }
}
