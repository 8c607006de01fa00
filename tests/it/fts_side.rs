//! A first load of logs builds its full-text index on the side (store/fts_side.rs)
//! and a later one inline: word searches give the same lines either way, the index
//! passes SQLite's integrity check, the load says when its logs become searchable
//! (the `search_index` phase) and no side file is left.

use std::io::Write;
use std::path::{Path, PathBuf};

use weft::ingest::{self, IngestEvent, IngestOptions, LoadPhase};
use weft::store::Anchor;

use crate::common::TestCase;

const WORDS: &[&str] = &[
    "connection",
    "reset",
    "Café",
    "naïve",
    "timeout",
    "checkout",
    "ÜBER",
    "payment",
    "retry",
    "db-pool",
];

/// JSON log lines whose bodies mix `WORDS` (with accents and case), numbers and punctuation.
fn write_logs(path: &Path, lines: usize) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for at in 0..lines {
        let body: Vec<&str> = (0..4)
            .map(|k| WORDS[(at * 7 + k * 3 + at / 5) % WORDS.len()])
            .collect();
        writeln!(
            file,
            r#"{{"time":{},"level":30,"msg":"{}: {} {} ({})","service":"shop"}}"#,
            1_700_000_000_000u64 + at as u64,
            body[0],
            body[1],
            body[2],
            body[3].to_string() + &format!(" #{at}")
        )
        .unwrap();
    }
}

/// Loads `paths` into `case`, returning the phases each file went through.
async fn load(case: &TestCase, paths: &[PathBuf]) -> Vec<(String, LoadPhase)> {
    let mut phases = Vec::new();
    let reports = ingest::ingest(
        &case.store,
        paths,
        &IngestOptions::default(),
        &mut |event| {
            if let IngestEvent::Phase { path, phase, .. } = event {
                phases.push((path, phase));
            }
        },
    )
    .await
    .unwrap();
    assert!(reports.iter().all(|report| report.errors.is_empty()));
    phases
}

/// The bodies a word search finds, in time order.
async fn found(case: &TestCase, words: &str) -> Vec<String> {
    let reader = case.store.reader().await.unwrap();
    let query = weft::query::parse(words, 0).unwrap();
    let page = reader
        .log_page(&query, Anchor::First, 10_000)
        .await
        .unwrap();
    let count = reader.log_count(&query).await.unwrap();
    assert_eq!(count as usize, page.rows.len(), "{words}");
    page.rows.into_iter().map(|row| row.body).collect()
}

#[tokio::test]
async fn a_first_load_indexed_on_the_side_searches_as_a_load_indexed_inline() {
    let side = TestCase::new().await;
    let inline = TestCase::new().await;
    let logs = side.dir.path().join("shop.log.jsonl");
    write_logs(&logs, 3_000);
    let other = inline.dir.path().join("other.log.jsonl");
    std::fs::write(
        &other,
        "{\"time\":1600000000000,\"level\":30,\"msg\":\"zzfirst line\",\"service\":\"x\"}\n",
    )
    .unwrap();

    let phases = load(&side, std::slice::from_ref(&logs)).await;
    assert!(
        phases
            .iter()
            .any(|(_, phase)| *phase == LoadPhase::SearchIndex),
        "the first load builds its index on the side and says so: {phases:?}"
    );
    load(&inline, &[other]).await;
    let phases = load(&inline, &[logs]).await;
    assert!(
        !phases
            .iter()
            .any(|(_, phase)| *phase == LoadPhase::SearchIndex),
        "a load into a case with indexed logs indexes inline: {phases:?}"
    );

    for case in [&side, &inline] {
        case.full_text_integrity().await;
        assert!(case.side_files().is_empty());
    }
    let searches = [
        "connection",
        "cafe",
        "Café",
        "\"naive timeout\"",
        "uber",
        "db-pool",
        "payment retry",
        "checkout -reset",
        "#17",
        "zzfirst",
        "nowhere",
    ];
    let mut matched = 0;
    for words in searches {
        let (side_found, inline_found) = (found(&side, words).await, found(&inline, words).await);
        let inline_found: Vec<String> = inline_found
            .into_iter()
            .filter(|body| body != "zzfirst line")
            .collect();
        assert_eq!(side_found, inline_found, "{words}");
        matched += side_found.len();
    }
    assert!(matched > 3_000, "the searches matched {matched} lines");
    // Each line's number is a word of its body alone: every line is in the index.
    for at in [0, 1, 1_499, 2_999] {
        assert_eq!(found(&side, &at.to_string()).await.len(), 1, "line {at}");
    }
}

#[tokio::test]
async fn a_side_file_no_live_load_writes_is_deleted_by_the_next_write_turn() {
    let case = TestCase::new().await;
    let stale = case.dir.path().join("case.weft.fts-5.tmp");
    std::fs::write(&stale, b"left by a killed load").unwrap();
    drop(case.store.writer().await.unwrap());
    assert!(!stale.exists());
}
