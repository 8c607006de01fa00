//! The kept log counts (`store/log_counts.rs`, migration 0019) against the rows they
//! stand in for (issue 19, "Big cases"): after every kind of write the rollups tests
//! make (loads whose later files bring the spans of earlier logs, a rename,
//! removals, follow appends: `rollups.rs` calls `log_counts_equal_the_rows` beside
//! its own check; kills: `kill.rs`), the table equals a `GROUP BY` of the logs of
//! complete and failed sources, and the counters, log counts, histograms, facets
//! and time densities read from it equal those counted from the rows.

use std::path::Path;

use weft::store::Facets;
use weft::Store;

use crate::common::TestCase;

/// Queries the kept counts answer, compared on every case.
const QUERIES: [&str; 8] = [
    "",
    "service:checkout",
    "-service:frontend level>=warn",
    "level:error",
    "link:span",
    "-link:orphan source:logs",
    "after:2025-10-09T08:53:21Z",
    "-before:2025-10-09T08:53:21Z service:svc-1",
];

const SECOND: i64 = 1_000_000_000;

/// The table as rows, sorted.
type Rows = Vec<(i64, String, i64, i64, i64, i64)>;

fn read_rows(conn: &rusqlite::Connection, sql: &str) -> Rows {
    let mut rows: Rows = conn
        .prepare(sql)
        .unwrap()
        .query_map([], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.sort();
    rows
}

/// The kept table and the brute-force count of the logs it must hold.
fn kept_and_counted(path: &Path) -> (Rows, Rows) {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let kept = read_rows(
        &conn,
        "SELECT second, service, severity, source_id, link, n FROM log_counts",
    );
    let counted = read_rows(
        &conn,
        "SELECT CASE WHEN ts_ns IS NULL THEN -9223372036854775808 \
                ELSE (ts_ns - (ts_ns % 1000000000 + 1000000000) % 1000000000) / 1000000000 END, \
                service, severity, source_id, link, COUNT(*) FROM logs \
         WHERE source_id IN (SELECT id FROM sources WHERE status IN ('complete', 'failed')) \
         GROUP BY 1, 2, 3, 4, 5",
    );
    (kept, counted)
}

/// Facets with ties in any order: each list sorted by value.
fn sorted(mut facets: Facets) -> Facets {
    for list in [
        &mut facets.services,
        &mut facets.levels,
        &mut facets.sources,
    ] {
        list.sort_by(|a, b| a.value.cmp(&b.value));
    }
    facets
}

/// Fails unless the kept log counts equal the logs of the case, and every reader
/// that reads them answers each query in `QUERIES` as counting the rows does.
pub async fn log_counts_equal_the_rows(store: &Store) {
    let (kept, counted) = kept_and_counted(store.path());
    assert_eq!(kept, counted, "log_counts against the logs");
    let reader = store.reader().await.unwrap();
    assert_eq!(
        reader.stats().await.unwrap(),
        reader.stats_by_rows().await.unwrap(),
        "stats"
    );
    // Whole seconds from the first log's to the last one's: one bucket, and one a second.
    let seconds: Vec<i64> = kept
        .iter()
        .map(|row| row.0)
        .filter(|second| *second != weft::store::NO_TIME)
        .collect();
    let first = seconds.iter().min().copied().unwrap_or(0);
    let last = seconds.iter().max().copied().unwrap_or(0);
    let range = (first * SECOND, last * SECOND + SECOND - 1);
    for text in QUERIES {
        let query = weft::query::parse(text, 0).unwrap();
        assert!(
            weft::query::LogCountsSql::condition(&query).is_some(),
            "{text:?} is answered by the kept counts"
        );
        let count = reader.log_count_by_rows(&query).await.unwrap();
        assert_eq!(
            reader.log_count(&query).await.unwrap(),
            count,
            "count of {text:?}"
        );
        let bounded = reader.log_count_upto(&query, 3).await.unwrap();
        assert_eq!(
            (bounded.count, bounded.exact),
            (count.min(3), count <= 3),
            "bounded count of {text:?}"
        );
        assert_eq!(
            sorted(reader.facets(&query).await.unwrap()),
            sorted(reader.facets_by_rows(&query).await.unwrap()),
            "facets of {text:?}"
        );
        assert!(
            reader.facets_upto(&query, 1).await.unwrap().exact,
            "{text:?}"
        );
        assert_eq!(
            reader.time_density(&query).await.unwrap().logs,
            reader.log_density_by_rows(&query).await.unwrap(),
            "time density of {text:?}"
        );
        // One bucket a second only when that is few buckets (a case may span years).
        let n_seconds = u32::try_from(last - first + 1).unwrap_or(u32::MAX);
        for buckets in [1, n_seconds]
            .into_iter()
            .filter(|buckets| *buckets <= 5_000)
        {
            assert_eq!(
                reader
                    .histogram(&query, buckets, Some(range))
                    .await
                    .unwrap(),
                reader
                    .histogram_by_rows(&query, buckets, Some(range))
                    .await
                    .unwrap(),
                "histogram of {text:?}, {buckets} buckets over {range:?}"
            );
        }
    }
    reader.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_query_the_counts_cannot_answer_is_counted_from_its_first_rows_and_says_so() {
    let case = TestCase::new().await;
    let dir = case.dir.path();
    let logs = dir.join("app.log");
    let lines: String = (0..50)
        .map(|i| {
            let level = if i % 5 == 0 { "ERROR" } else { "INFO" };
            format!("2025-10-09T08:53:{:02}Z {level} request {i} done\n", i % 60)
        })
        .collect();
    std::fs::write(&logs, lines).unwrap();
    case.ingest(&[logs]).await;
    log_counts_equal_the_rows(&case.store).await;
    let reader = case.store.reader().await.unwrap();
    let words = weft::query::parse("request", 0).unwrap();
    assert!(weft::query::LogCountsSql::condition(&words).is_none());
    let first = reader.facets_upto(&words, 20).await.unwrap();
    assert!(!first.exact, "20 of 50 matches counted");
    let seen: i64 = first.levels.iter().map(|facet| facet.count).sum();
    assert_eq!(seen, 21, "the bound and one more, to know there are more");
    let exact = reader.facets(&words).await.unwrap();
    // Counted from the lines written above: one in five is an error.
    let levels: Vec<(String, i64)> = exact
        .levels
        .iter()
        .map(|facet| (facet.value.clone(), facet.count))
        .collect();
    assert_eq!(
        levels,
        [("info".to_string(), 40), ("error".to_string(), 10)]
    );
    assert_eq!(exact.sources.iter().map(|f| f.count).sum::<i64>(), 50);
    assert_eq!(exact.services.iter().map(|f| f.count).sum::<i64>(), 50);
    // Words with another term: the full-text matches checked against it.
    let errors = weft::query::parse("request level:error", 0).unwrap();
    let error_facets = reader.facets(&errors).await.unwrap();
    assert_eq!(error_facets.levels.len(), 1);
    assert_eq!(error_facets.levels[0].count, 10);
    let first_errors = reader.facets_upto(&errors, 4).await.unwrap();
    assert!(!first_errors.exact);
    assert_eq!(first_errors.levels[0].count, 5);
    let negated = weft::query::parse("request -level:error", 0).unwrap();
    assert_eq!(
        reader.facets(&negated).await.unwrap().levels[0].count,
        40,
        "a negated term is checked on the matches too"
    );
    // Each estimated count is a lower bound of the exact one (the UI says "at least").
    for (estimated, counted) in [
        (&first.services, &exact.services),
        (&first.levels, &exact.levels),
        (&first.sources, &exact.sources),
    ] {
        for facet in estimated {
            let whole = counted.iter().find(|f| f.value == facet.value).unwrap();
            assert!(facet.count <= whole.count, "{facet:?} within {whole:?}");
        }
    }
    // Stopping one short of the last match is stopping early; reaching it is not.
    assert!(!reader.facets_upto(&words, 49).await.unwrap().exact);
    let all = reader.facets_upto(&words, 50).await.unwrap();
    assert!(
        all.exact,
        "the bound is every match: nothing left uncounted"
    );
    assert_eq!(sorted(all), sorted(exact.clone()));
    assert!(reader.facets_upto(&words, 1_000).await.unwrap().exact);
    let none = weft::query::parse("nosuchword", 0).unwrap();
    let empty = reader.facets_upto(&none, 0).await.unwrap();
    assert!(
        empty.exact && empty.levels.is_empty(),
        "no match: nothing left, exact"
    );
    reader.close().await;
}
