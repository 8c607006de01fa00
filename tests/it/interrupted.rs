//! A load killed part-way leaves no half-source: the case opens, the source is
//! marked interrupted with none of its rows, and loading the file again gives
//! exactly the expected counts.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use weft::ingest::FileStatus;
use weft::store::SourceStatus;

use crate::common::{logs_line, span_json, traces_line, TestCase};

const LINES: usize = 400;
const SPANS_PER_LINE: usize = 100;

/// A JSON Lines export big enough that loading it takes a while even in release.
fn write_big_export(path: &Path) {
    let mut text = String::new();
    for line in 0..LINES {
        let spans: Vec<String> = (0..SPANS_PER_LINE)
            .map(|at| {
                let trace = format!("{:032x}", line + 1);
                let span = format!("{:016x}", line * SPANS_PER_LINE + at + 1);
                span_json(&trace, &span, "", "work", (line * 10 + at) as i64)
            })
            .collect();
        text.push_str(&traces_line("big", &spans));
        text.push('\n');
        let trace = format!("{:032x}", line + 1);
        let span = format!("{:016x}", line * SPANS_PER_LINE + 1);
        text.push_str(&logs_line("big", &[(&trace, &span, "a log line")]));
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

async fn source_status(case: &Path) -> Option<(String, i64)> {
    let url = format!("sqlite://{}?mode=ro", case.display());
    let pool = sqlx::SqlitePool::connect(&url).await.ok()?;
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT status, (SELECT COUNT(*) FROM spans) FROM sources ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(&pool)
    .await
    .ok()?;
    pool.close().await;
    row
}

#[tokio::test]
async fn a_killed_load_leaves_no_half_source() {
    let case = TestCase::new().await;
    let export = case.dir.path().join("big.jsonl");
    write_big_export(&export);
    let mut child = Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("--case")
        .arg(case.path())
        .arg("ingest")
        .arg(&export)
        .spawn()
        .unwrap();
    // Kill it once some spans are committed but the source is still loading.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut killed_mid_load = false;
    while Instant::now() < deadline {
        if let Some((status, spans)) = source_status(&case.path()).await {
            if status == "loading" && spans > 0 {
                child.kill().unwrap();
                killed_mid_load = true;
                break;
            }
            if status != "loading" {
                break;
            }
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.wait().unwrap();
    assert!(
        killed_mid_load,
        "the load finished before it could be interrupted"
    );

    // Opening the writer settles the dead load.
    let writer = case.store.writer().await.unwrap();
    drop(writer);
    let (status, spans) = source_status(&case.path()).await.unwrap();
    assert_eq!(status, SourceStatus::Interrupted.as_str());
    assert_eq!(spans, 0);
    assert_eq!(case.count("SELECT COUNT(*) FROM logs").await, 0);
    assert_eq!(case.count("SELECT COUNT(*) FROM traces").await, 0);
    // The indexes the bulk load dropped were built again, and nothing waits for them.
    assert_eq!(case.count("SELECT COUNT(*) FROM deferred_indexes").await, 0);
    let indexes = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN \
        ('spans_source', 'spans_name', 'logs_trace', 'logs_time', 'logs_source', \
         'logs_service_time', 'logs_severe_trace')";
    assert_eq!(case.count(indexes).await, 7);

    let report = &case.ingest(&[export]).await[0];
    assert_eq!(report.status, FileStatus::Complete);
    let stats = case.stats().await;
    assert_eq!(stats.spans, (LINES * SPANS_PER_LINE) as i64);
    assert_eq!(stats.traces, LINES as i64);
    assert_eq!(
        (stats.logs, stats.logs_span_linked),
        (LINES as i64, LINES as i64)
    );
    assert_eq!(case.count("SELECT COUNT(*) FROM sources").await, 1);
    // The per-second counts and the full-text index hold the reloaded rows once.
    let reader = case.store.reader().await.unwrap();
    let all = weft::query::Query::default();
    let histogram = reader.histogram(&all, 10, None).await.unwrap();
    assert_eq!(histogram.counts.iter().flatten().sum::<i64>(), LINES as i64);
    let words = weft::query::parse("log line", 0).unwrap();
    assert_eq!(reader.log_count(&words).await.unwrap(), LINES as i64);
    // And the full-text index agrees with its content table.
    case.full_text_integrity().await;
}
