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
