//! One write handle per case per process, used in turns (`Store::writer`): two
//! loads and a follower running at once in one process write one at a time. A
//! load writes a file in one turn (between its `Started` and `Finished` events)
//! and a follower an append in one (its `Appended` event is sent inside it), so no
//! two of those may overlap in time; the loads must still have interleaved (they
//! ran at once), and the case must hold exactly what each would have loaded alone.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use weft::ingest::{self, FollowEvent, IngestEvent, IngestOptions};
use weft::Store;

use crate::common::TestCase;

/// A pino log file of `n` lines tagged `tag`.
fn write_log(path: &Path, tag: &str, n: usize) {
    let mut text = String::new();
    for idx in 0..n {
        text.push_str(&format!(
            r#"{{"level":30,"time":{},"msg":"{tag} line {idx}","pid":1}}"#,
            1_700_000_000_000u64 + idx as u64
        ));
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

#[derive(Debug, Clone, Copy)]
enum Mark {
    Started,
    Finished,
    Appended,
}

type Marks = Arc<Mutex<Vec<(&'static str, Mark, Instant)>>>;

fn record(marks: &Marks, who: &'static str, mark: Mark) {
    marks.lock().unwrap().push((who, mark, Instant::now()));
}

async fn load(store: Store, who: &'static str, paths: Vec<PathBuf>, marks: Marks) {
    let mut on_event = |event: IngestEvent| match event {
        IngestEvent::Started { .. } => record(&marks, who, Mark::Started),
        IngestEvent::Finished { .. } => record(&marks, who, Mark::Finished),
        _ => {}
    };
    let reports = ingest::ingest(&store, &paths, &IngestOptions::default(), &mut on_event)
        .await
        .unwrap();
    assert_eq!(reports.len(), paths.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_loads_and_a_follower_in_one_process_never_write_at_once() {
    const FILES: usize = 3;
    const LINES: usize = 6_000;
    let case = TestCase::new().await;
    let dir = case.dir.path();
    let mut first = Vec::new();
    let mut second = Vec::new();
    for idx in 0..FILES {
        let path = dir.join(format!("first-{idx}.log"));
        write_log(&path, &format!("first{idx}"), LINES);
        first.push(path);
        let path = dir.join(format!("second-{idx}.log"));
        write_log(&path, &format!("second{idx}"), LINES);
        second.push(path);
    }
    let followed = dir.join("followed.log");
    write_log(&followed, "followed", 10);

    let marks: Marks = Arc::default();
    // A second `Store` of the same case in this process: it shares the write handle.
    let other_store = Store::open(&case.path()).await.unwrap();
    let cancel = Arc::new(AtomicBool::new(false));
    let follower = {
        let (store, marks, cancel) = (case.store.clone(), marks.clone(), cancel.clone());
        let followed = followed.clone();
        tokio::spawn(async move {
            let options = IngestOptions {
                cancel,
                ..IngestOptions::default()
            };
            let mut on_event = |event: FollowEvent| {
                if let FollowEvent::Appended { .. } = event {
                    record(&marks, "follower", Mark::Appended);
                }
            };
            ingest::follow(&store, &[followed], &options, &mut on_event)
                .await
                .unwrap();
        })
    };
    // Lines keep coming to the followed file while the loads run.
    let loads_done = Arc::new(AtomicBool::new(false));
    let appender = {
        let (followed, loads_done) = (followed.clone(), loads_done.clone());
        tokio::spawn(async move {
            let mut appended = 0;
            while !loads_done.load(Ordering::Relaxed) || appended < 5 {
                let line = format!(
                    r#"{{"level":30,"time":1700000100000,"msg":"followed extra {appended}","pid":1}}"#
                );
                let mut file = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&followed)
                    .unwrap();
                std::io::Write::write_all(&mut file, format!("{line}\n").as_bytes()).unwrap();
                appended += 1;
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
            appended
        })
    };
    tokio::join!(
        load(case.store.clone(), "first", first, marks.clone()),
        load(other_store, "second", second, marks.clone()),
    );
    loads_done.store(true, Ordering::Relaxed);
    let extra = appender.await.unwrap();
    let expected_logs = (2 * FILES * LINES + 10 + extra) as i64;
    let started = Instant::now();
    while case.count("SELECT COUNT(*) FROM logs").await < expected_logs {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the follower did not catch up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    cancel.store(true, Ordering::Relaxed);
    follower.await.unwrap();

    let marks = marks.lock().unwrap().clone();
    // Each load's files, as [started, finished] intervals of time.
    let mut turns: Vec<(&str, Instant, Instant)> = Vec::new();
    for who in ["first", "second"] {
        let mut open = None;
        for (owner, mark, at) in &marks {
            match (owner == &who, mark) {
                (true, Mark::Started) => open = Some(*at),
                (true, Mark::Finished) => turns.push((who, open.take().unwrap(), *at)),
                _ => {}
            }
        }
    }
    assert_eq!(turns.len(), 2 * FILES);
    turns.sort_by_key(|turn| turn.1);
    for pair in turns.windows(2) {
        assert!(
            pair[0].2 <= pair[1].1,
            "a file of {} and one of {} were written at once",
            pair[0].0,
            pair[1].0
        );
    }
    // The loads ran at once: their files took turns, not one load after the other.
    let owner_changes = turns
        .windows(2)
        .filter(|pair| pair[0].0 != pair[1].0)
        .count();
    assert!(
        owner_changes >= 2,
        "the loads did not interleave: {turns:?}"
    );
    let appends: Vec<Instant> = marks
        .iter()
        .filter(|(_, mark, _)| matches!(mark, Mark::Appended))
        .map(|(_, _, at)| *at)
        .collect();
    assert!(!appends.is_empty(), "the follower appended nothing");
    for at in &appends {
        assert!(
            !turns.iter().any(|(_, from, to)| from < at && at < to),
            "an append was committed while a load was writing"
        );
    }

    assert_eq!(case.count("SELECT COUNT(*) FROM logs").await, expected_logs);
    assert_eq!(
        case.count("SELECT COUNT(*) FROM sources WHERE status = 'complete'")
            .await,
        (2 * FILES + 1) as i64
    );
    assert_eq!(
        case.count("SELECT COUNT(*) FROM logs_fts WHERE logs_fts MATCH 'line'")
            .await,
        (2 * FILES * LINES + 10) as i64
    );
}

/// Two `Store`s of one case in one process share its writer: while one holds a
/// turn, the other waits for it.
#[tokio::test]
async fn a_second_store_of_a_case_waits_for_the_turn_of_the_first() {
    let case = TestCase::new().await;
    let other = Store::open(&case.path()).await.unwrap();
    let turn = case.store.writer().await.unwrap();
    let waiting = tokio::spawn(async move { other.writer().await.map(drop) });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "a second writer got a turn");
    drop(turn);
    tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the turn was not handed on")
        .unwrap()
        .unwrap();
}
