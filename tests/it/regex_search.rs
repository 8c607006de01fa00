//! `/regex/` searches against brute force: the index of log words narrows a regex
//! down to the lines that can match, and must never lose one. The fixture puts the
//! words mid-word, across ASCII and non-ASCII punctuation, in upper case, beside a
//! Kelvin sign (a `k` under `(?i)`) and inside a long base64 run.

use std::collections::BTreeSet;

use weft::query::{parse, Query, TermKind};
use weft::store::{Anchor, LogFilter, LogView, Reader, TraceFilter};

use crate::common::{assert_answers, fixture, TestCase};

const NOW: i64 = 1_793_710_000_000_000_000;

const QUERIES: &[&str] = &[
    "/deadlock/",
    "/(?i)deadlock/",
    "/DEADLOCK/",
    "/dead(lock|line)/",
    "/(?i)dead(lock|line)/",
    "/[Dd]eadline/",
    "/\\bdeadlock\\b/",
    "/deadlocks?/",
    "/order-\\d+/",
    "/5432/",
    "/port 5432|10\\.0\\.3\\.7:5432/",
    "/time(out|d out)/",
    "/caf/",
    "/café→dead/",
    "/東京dead/",
    "/QUJDdeadlockREVG/",
    "/quarantined/",
    "/a.b/",
    "/(?i)kelvin|deadloc\u{212a}/",
    "/dead(lock|line)/ level>=error",
    "/dead(lock|line)/ -/DEAD/",
    "detected /deadlock/",
    "/deadlock/ /table/",
    "-/deadlock/",
    "/dead/ service:svc-0",
];

async fn regex_case() -> (TestCase, Reader, Vec<LogView>) {
    let case = TestCase::new().await;
    case.ingest(&[fixture("regex/words.ndjson"), fixture("demo/payments.log")])
        .await;
    let reader = case.store.reader().await.unwrap();
    let all = reader.logs(&LogFilter::default()).await.unwrap();
    (case, reader, all)
}

/// The ids of the logs matching `query`, worked out with the regex crate alone
/// (the queries above use only regexes, levels and services).
fn brute_force(query: &Query, all: &[LogView]) -> Vec<i64> {
    all.iter()
        .filter(|log| {
            query.terms.iter().all(|term| {
                let holds = match &term.kind {
                    TermKind::Regex(pattern) => {
                        regex::Regex::new(pattern).unwrap().is_match(&log.body)
                    }
                    TermKind::Word(word) => log
                        .body
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|token| token.eq_ignore_ascii_case(word)),
                    TermKind::Level(_, number) => {
                        log.severity >= i64::from((number - 1) / 4 * 4 + 1)
                    }
                    TermKind::Service(name) => &log.service == name,
                    other => panic!("not in these queries: {other:?}"),
                };
                holds != term.negated
            })
        })
        .map(|log| log.id)
        .collect()
}

async fn check(reader: &Reader, all: &[LogView], text: &str) -> usize {
    let query = parse(text, NOW).unwrap_or_else(|error| panic!("{text}: {error}"));
    let wanted = brute_force(&query, all);
    assert_answers(reader, all, text, &query, &wanted).await;
    // Pages of 3, forward and from the end.
    let mut paged = Vec::new();
    let mut page = reader.log_page(&query, Anchor::First, 3).await.unwrap();
    loop {
        paged.extend(page.rows.iter().map(|log| log.id));
        let Some(after) = page.after else { break };
        page = reader
            .log_page(&query, Anchor::After(after), 3)
            .await
            .unwrap();
    }
    assert_eq!(
        paged.iter().copied().collect::<BTreeSet<_>>(),
        wanted.iter().copied().collect(),
        "`{text}` pages"
    );
    let last = reader.log_page(&query, Anchor::Last, 3).await.unwrap();
    let tail: Vec<i64> = wanted.iter().rev().take(3).rev().copied().collect();
    assert_eq!(
        last.rows.iter().map(|log| log.id).collect::<Vec<_>>(),
        tail,
        "`{text}` last page"
    );
    wanted.len()
}

#[tokio::test]
async fn regexes_match_brute_force() {
    let (_case, reader, all) = regex_case().await;
    let mut matched = 0;
    for text in QUERIES {
        matched += usize::from(check(&reader, &all, text).await > 0);
    }
    assert!(matched >= QUERIES.len() - 2, "most queries find something");
}

#[tokio::test]
async fn a_regex_with_words_asks_the_index_first() {
    let (_case, reader, all) = regex_case().await;
    let query = parse("/dead(lock|line)/", NOW).unwrap();
    let resolved = reader.with_regex_words(&query).await.unwrap();
    let words: BTreeSet<&str> = resolved.regex_words[0].iter().map(String::as_str).collect();
    for word in [
        "deadlock",
        "xdeadlockx",
        "maxdeadlinems",
        "deadlocks",
        "café→deadline",
        "東京deadlock",
    ] {
        assert!(words.contains(word), "{word} in {words:?}");
    }
    // Words that only look alike are not asked for.
    assert!(!words.contains("deadlin"));
    // A regex with no long enough piece, or a negated one, runs without the index.
    for text in ["/a.b/", "-/deadlock/", "/\\d+ms/"] {
        let query = parse(text, NOW).unwrap();
        assert!(
            reader
                .with_regex_words(&query)
                .await
                .unwrap()
                .regex_words
                .is_empty(),
            "{text}"
        );
    }
    // A piece in no word: nothing can match, and the answer says so.
    let none = reader
        .with_regex_words(&parse("/quarantined/", NOW).unwrap())
        .await
        .unwrap();
    assert_eq!(none.regex_words, vec![Vec::<String>::new()]);
    assert_eq!(check(&reader, &all, "/quarantined/").await, 0);
}

#[tokio::test]
async fn the_trace_list_finds_traces_by_a_regex_on_their_logs() {
    let case = TestCase::new().await;
    case.ingest(&[fixture("demo")]).await;
    let reader = case.store.reader().await.unwrap();
    let all = reader.logs(&LogFilter::default()).await.unwrap();
    for text in [
        "/(?i)pool ?timeout/",
        "/exhausted|declined/",
        "/charge/ level>=warn",
    ] {
        let query = parse(text, NOW).unwrap();
        let regexes: Vec<Option<regex::Regex>> = query
            .terms
            .iter()
            .map(|term| match &term.kind {
                TermKind::Regex(pattern) => Some(regex::Regex::new(pattern).unwrap()),
                _ => None,
            })
            .collect();
        // Traces with a log matching every term (spans' names and attributes aside,
        // which these words are not in).
        let wanted: BTreeSet<String> =
            all.iter()
                .filter(|log| {
                    query.terms.iter().zip(&regexes).all(|(term, regex)| {
                        match (&term.kind, regex) {
                            (TermKind::Level(_, number), _) => {
                                log.severity >= i64::from((number - 1) / 4 * 4 + 1)
                            }
                            (_, Some(regex)) => regex.is_match(&log.body),
                            (other, None) => panic!("not in these queries: {other:?}"),
                        }
                    })
                })
                .filter_map(|log| log.trace_id.clone())
                .collect();
        let traces = reader
            .traces(&TraceFilter {
                query: query.clone(),
                limit: 10_000,
                ..TraceFilter::default()
            })
            .await
            .unwrap();
        let got: BTreeSet<String> = traces.iter().map(|trace| trace.trace_id.clone()).collect();
        assert!(
            wanted.is_subset(&got),
            "`{text}`: {wanted:?} not all in {got:?}"
        );
        assert!(!wanted.is_empty(), "`{text}` finds logs in the demo");
    }
}

#[tokio::test]
async fn cases_loaded_before_the_words_get_them_from_the_full_text_index() {
    let (case, reader, all) = regex_case().await;
    // Empty the words as a case made before migration 0008 would have them, then run
    // the migration's own backfill from the full-text index's terms.
    let migration = include_str!("../../migrations/0008_log_words.sql");
    let backfill = &migration[migration.find("CREATE VIRTUAL TABLE temp.").unwrap()..];
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", case.path().display()))
        .await
        .unwrap();
    sqlx::raw_sql(
        "DELETE FROM log_words; INSERT INTO log_words_tri (log_words_tri) VALUES ('delete-all');",
    )
    .execute(&pool)
    .await
    .unwrap();
    let deadlock = parse("/deadlock/", NOW).unwrap();
    assert_eq!(
        reader.log_count(&deadlock).await.unwrap(),
        0,
        "no words, no lines"
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(backfill))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    for text in QUERIES {
        check(&reader, &all, text).await;
    }
}
