//! The kill harness: the real `weft ingest` is killed with SIGKILL at seeded random
//! moments of a load, each time in a fresh case. After each kill the case opens, a
//! writer settles it (no source is left `loading`; a load that died is `interrupted`
//! and holds no rows), and loading the file again gives exactly the counts of an
//! undisturbed load: spans, logs, traces, link states, full-text matches, no deferred
//! index, and full-text indexes that pass SQLite's integrity check.
//!
//! `WEFT_KILLS` sets the number of kills (default 20; `make soak` runs more) and
//! `WEFT_KILL_SEED` the seed (printed, so a failure can be replayed).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{logs_line, span_json, traces_line, TestCase};

const LINES: usize = 30;
const SPANS_PER_LINE: usize = 100;
const LOGS_PER_LINE: usize = 40;

/// Traces and logs in one JSON Lines export: per line of spans, a line of logs that
/// are span-linked, trace-linked (unknown span), orphans (unknown trace) and unlinked.
fn write_export(path: &Path) {
    let mut text = String::new();
    for line in 0..LINES {
        let trace = format!("{:032x}", line + 1);
        let spans: Vec<String> = (0..SPANS_PER_LINE)
            .map(|at| {
                let span = format!("{:016x}", line * SPANS_PER_LINE + at + 1);
                span_json(&trace, &span, "", "work", (line * 10 + at) as i64)
            })
            .collect();
        text.push_str(&traces_line("killed", &spans));
        text.push('\n');
        let span = format!("{:016x}", line * SPANS_PER_LINE + 1);
        let orphan_trace = format!("{:032x}", 1_000_000 + line);
        let records: Vec<(&str, &str, &str)> = (0..LOGS_PER_LINE)
            .map(|at| match at % 4 {
                0 => (trace.as_str(), span.as_str(), "kill harness span linked"),
                1 => (
                    trace.as_str(),
                    "00000000deadbeef",
                    "kill harness trace linked",
                ),
                2 => (
                    orphan_trace.as_str(),
                    "00000000deadbeef",
                    "kill harness orphan",
                ),
                _ => ("", "", "kill harness unlinked"),
            })
            .collect();
        text.push_str(&logs_line("killed", &records));
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

fn ingest_command(case: &Path, export: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_weft"));
    command
        .arg("--case")
        .arg(case)
        .arg("ingest")
        .arg(export)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// Everything that must be equal between an undisturbed load and a load after a kill.
async fn fingerprint(case: &TestCase) -> serde_json::Value {
    let stats = case.stats().await;
    let reader = case.store.reader().await.unwrap();
    let words = weft::query::parse("harness", 0).unwrap();
    let matches = reader.log_count(&words).await.unwrap();
    let (tally, logs) = reader
        .service_tally_from_rollups(&[])
        .await
        .unwrap()
        .expect("the rollups hold the settled case");
    serde_json::json!({
        "services": tally.services(&logs.services, None),
        "operations": tally.operations(&logs.operations, None),
        "map": tally.map(),
        "stats": stats,
        "fts_matches": matches,
        "sources": case.count("SELECT COUNT(*) FROM sources").await,
        "complete": case.count("SELECT COUNT(*) FROM sources WHERE status = 'complete'").await,
        "deferred_indexes": case.count("SELECT COUNT(*) FROM deferred_indexes").await,
        "indexes": case.count("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'").await,
    })
}

/// A small seeded generator (xorshift64*), enough to spread kill moments.
struct Moments(u64);

impl Moments {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[tokio::test]
async fn loads_killed_at_random_moments_leave_no_half_source() {
    let kills: usize = std::env::var("WEFT_KILLS").map_or(20, |n| n.parse().unwrap());
    let seed: u64 = std::env::var("WEFT_KILL_SEED").map_or_else(
        |_| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        },
        |seed| seed.parse().unwrap(),
    );
    eprintln!("kill harness: {kills} kills, WEFT_KILL_SEED={seed}");
    let mut moments = Moments(seed | 1);

    // An undisturbed load: the counts every reloaded case must have, and how long it takes.
    let reference = TestCase::new().await;
    let export = reference.dir.path().join("export.jsonl");
    write_export(&export);
    let started = Instant::now();
    let status = ingest_command(&reference.path(), &export).status().unwrap();
    assert!(status.success());
    let mut load_time = started.elapsed();
    let expected = fingerprint(&reference).await;
    assert_eq!(expected["stats"]["spans"], LINES * SPANS_PER_LINE);
    assert_eq!(expected["stats"]["logs"], LINES * LOGS_PER_LINE);
    assert_eq!(expected["fts_matches"], LINES * LOGS_PER_LINE);
    assert_eq!(expected["stats"]["logs_orphan"], LINES * LOGS_PER_LINE / 4);
    reference.full_text_integrity().await;
    crate::rollups::rollups_equal_the_scan(&reference.store).await;

    let (mut interrupted, mut before_start, mut after_end) = (0, 0, 0);
    for kill in 0..kills {
        let case = TestCase::new().await;
        // Kill moments spread over the time an undisturbed load takes (the quickest
        // seen so far: the first one may have been slowed by other tests).
        let window = load_time.as_micros() as u64 * 9 / 10;
        let delay = Duration::from_micros(moments.next() % window.max(1));
        let mut child = ingest_command(&case.path(), &export).spawn().unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        let exit = child.wait().unwrap();

        // Opening a writer settles the dead load; nothing is left loading.
        drop(case.store.writer().await.unwrap());
        let loading = case
            .count("SELECT COUNT(*) FROM sources WHERE status = 'loading'")
            .await;
        assert_eq!(
            loading, 0,
            "kill {kill} after {delay:?}: a source is still loading"
        );
        let sources = case.count("SELECT COUNT(*) FROM sources").await;
        let complete = case
            .count("SELECT COUNT(*) FROM sources WHERE status = 'complete'")
            .await;
        let spans = case.count("SELECT COUNT(*) FROM spans").await;
        let logs = case.count("SELECT COUNT(*) FROM logs").await;
        assert_eq!(
            case.count("SELECT COUNT(*) FROM deferred_indexes").await,
            0,
            "kill {kill}"
        );
        if complete == 1 {
            after_end += 1;
            assert_eq!(fingerprint(&case).await, expected, "kill {kill}");
        } else if sources == 1 {
            interrupted += 1;
            let status = case.count("SELECT COUNT(*) FROM sources WHERE status = 'interrupted'");
            assert_eq!(status.await, 1, "kill {kill} after {delay:?}: {exit}");
            assert_eq!((spans, logs), (0, 0), "kill {kill}: rows of a dead load");
        } else {
            before_start += 1;
            assert_eq!((sources, spans, logs), (0, 0, 0), "kill {kill}");
        }

        // Loaded again: exactly what an undisturbed load gives.
        let reload_started = Instant::now();
        let status = ingest_command(&case.path(), &export).status().unwrap();
        assert!(status.success(), "kill {kill}: the reload failed");
        if complete == 0 {
            load_time = load_time.min(reload_started.elapsed());
        }
        assert_eq!(
            fingerprint(&case).await,
            expected,
            "kill {kill} after {delay:?}"
        );
        case.full_text_integrity().await;
        crate::log_counts::log_counts_equal_the_rows(&case.store).await;
    }
    eprintln!(
        "kill harness: {kills} kills: {interrupted} mid-load, {before_start} before the source \
         began, {after_end} after it completed (load takes {load_time:?})"
    );
    assert!(
        kills < 4 || interrupted > 0,
        "no kill landed while the source was loading"
    );
}
