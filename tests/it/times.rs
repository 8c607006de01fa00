//! Every log has a time (ARCHITECTURE.md's invariant): a record without one takes
//! the time of the record before it in its file, records before the first timed
//! one take the first time, and all of them are marked `ts_inferred`.

use crate::common::TestCase;

#[tokio::test]
async fn a_log_without_a_time_takes_the_time_of_the_record_before_it() {
    let case = TestCase::new().await;
    let path = case.dir.path().join("untimed.log");
    std::fs::write(
        &path,
        concat!(
            r#"{"level":30,"msg":"before any time"}"#,
            "\n",
            r#"{"level":30,"time":1700000000000,"msg":"first timed"}"#,
            "\n",
            r#"{"level":30,"msg":"after the first"}"#,
            "\n",
            r#"{"level":30,"time":1700000005000,"msg":"second timed"}"#,
            "\n",
            r#"{"level":30,"msg":"after the second"}"#,
            "\n",
        ),
    )
    .unwrap();
    case.ingest(&[path]).await;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", case.path().display()))
        .await
        .unwrap();
    let rows: Vec<(String, Option<i64>, bool)> =
        sqlx::query_as("SELECT body, ts_ns, ts_inferred FROM logs ORDER BY line")
            .fetch_all(&pool)
            .await
            .unwrap();
    let first = 1_700_000_000_000_000_000;
    let second = 1_700_000_005_000_000_000;
    assert_eq!(
        rows,
        [
            ("before any time".to_string(), Some(first), true),
            ("first timed".to_string(), Some(first), false),
            ("after the first".to_string(), Some(first), true),
            ("second timed".to_string(), Some(second), false),
            ("after the second".to_string(), Some(second), true),
        ]
    );
}

/// A page of `Reader::logs` is the slice of the whole list in time order, whatever
/// its limit and offset, with and without a query: the page is read as the first
/// timed and the first untimed matches merged (records without a time last), not
/// as one sort of every match.
#[tokio::test]
async fn a_page_of_logs_is_the_slice_of_the_whole_list_in_time_order() {
    let case = TestCase::new().await;
    let timed = case.dir.path().join("timed.log");
    let lines: String = (0..25)
        .map(|n| {
            // Times out of file order, some equal.
            let ms = 1_700_000_000_000i64 + (n * 7 % 11) * 1000;
            let level = if n % 3 == 0 { 50 } else { 30 };
            format!("{{\"level\":{level},\"time\":{ms},\"msg\":\"timed {n}\"}}\n")
        })
        .collect();
    std::fs::write(&timed, lines).unwrap();
    // A file with no time at all (its records are given one: the invariant above).
    let untimed = case.dir.path().join("untimed.log");
    let lines: String = (0..9)
        .map(|n| format!("{{\"level\":30,\"msg\":\"line {n} without a time\"}}\n"))
        .collect();
    std::fs::write(&untimed, lines).unwrap();
    case.ingest(&[untimed, timed]).await;

    let reader = case.store.reader().await.unwrap();
    for text in ["", "timed", "level>=error", "line"] {
        let query = weft::query::parse(text, 0).unwrap();
        let filter = |limit, offset| weft::store::LogFilter {
            query: query.clone(),
            limit,
            offset,
            ..weft::store::LogFilter::default()
        };
        let all = reader.logs(&filter(0, 0)).await.unwrap();
        let keys: Vec<(bool, Option<i64>, i64)> = all
            .iter()
            .map(|log| (log.ts_ns.is_none(), log.ts_ns, log.id))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "`{text}`: the whole list is in time order");
        if text.is_empty() {
            assert_eq!(all.len(), 34);
        }
        let ids: Vec<i64> = all.iter().map(|log| log.id).collect();
        for limit in [1u64, 2, 5, 24, 25, 26, 40] {
            for offset in [0u64, 1, 3, 20, 24, 25, 30, 34, 50] {
                let page: Vec<i64> = reader
                    .logs(&filter(limit, offset))
                    .await
                    .unwrap()
                    .iter()
                    .map(|log| log.id)
                    .collect();
                let start = (offset as usize).min(ids.len());
                let end = (start + limit as usize).min(ids.len());
                assert_eq!(
                    page,
                    ids[start..end],
                    "`{text}` limit {limit} offset {offset}"
                );
            }
        }
    }
}
