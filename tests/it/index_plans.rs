//! Which index serves a page of logs of a level or service term (issue 22): SQLite's
//! own plan for the SQL `Reader::log_page` runs (`log_page_sql`), and the page
//! itself against the same logs filtered and sorted here. Migration 0021 dropped
//! `logs_severity_time`: a level term walks the time index, which carries the
//! severity, so no such page scans the table or sorts every match. Migration 0022
//! added the partial `logs_severe_trace` for the traces of a level term of WARN or
//! worse (issue 19: the trace list of `level:error` on the 5M-line case had walked
//! every traced log).

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use weft::query::{parse, LogSql, Param, Resolved, TraceSql};
use weft::store::{log_page_sql, Anchor};

use crate::common::TestCase;

const LINES: usize = 3_000;
const PAGE: u32 = 40;

/// One pino line: levels mostly info, every 41st fatal, three services, times out
/// of file order with ties.
fn line(n: usize) -> String {
    let level = match n % 10 {
        _ if n % 41 == 0 => 60,
        0..=5 => 30,
        6 | 7 => 20,
        8 => 40,
        _ => 50,
    };
    let service = ["api", "db", "web"][n % 3];
    let time = 1_700_000_000_000 + ((n * 7919) % LINES) as i64 / 2;
    format!(
        r#"{{"level":{level},"time":{time},"pid":1,"hostname":"h","name":"{service}","trace_id":"{:032x}","span_id":"{:016x}","msg":"line {n}"}}"#,
        n / 10 + 1,
        n % 10 + 1
    )
}

/// `params` as rusqlite values.
fn values(params: &[Param]) -> Vec<Value> {
    params
        .iter()
        .map(|param| match param {
            Param::Int(value) => Value::Integer(*value),
            Param::Real(value) => Value::Real(*value),
            Param::Text(value) => Value::Text(value.clone()),
            Param::Blob(value) => Value::Blob(value.clone()),
        })
        .collect()
}

/// The plan of `sql` with `params` bound, one detail line each.
fn plan(conn: &Connection, sql: &str, params: &[Param]) -> Vec<String> {
    let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let rows = statement
        .query_map(params_from_iter(values(params)), |row| {
            row.get::<_, String>(3)
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

/// A case of the `LINES` lines of `line`, and a connection of its own to it.
async fn levels_case() -> (TestCase, Connection) {
    let case = TestCase::new().await;
    let path = case.dir.path().join("levels.log");
    let text: String = (0..LINES).map(|n| line(n) + "\n").collect();
    std::fs::write(&path, text).unwrap();
    case.ingest(&[path]).await;
    let conn = Connection::open(case.path()).unwrap();
    (case, conn)
}

#[tokio::test]
async fn pages_of_level_and_service_terms_are_read_along_an_index_in_time_order() {
    let (case, conn) = levels_case().await;
    // (id, time, severity, service) of every log, read without an index.
    let all: Vec<(i64, i64, i64, String)> = conn
        .prepare("SELECT id, ts_ns, severity, service FROM logs NOT INDEXED")
        .unwrap()
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(all.len(), LINES);
    let reader = case.store.reader().await.unwrap();
    type Keep = fn(i64, &str) -> bool;
    let cases: [(&str, &str, Keep); 5] = [
        ("level>=error", "logs_time", |severity, _| severity >= 17),
        ("level:fatal", "logs_time", |severity, _| {
            (21..=24).contains(&severity)
        }),
        ("level<=debug", "logs_time", |severity, _| {
            (1..=8).contains(&severity)
        }),
        ("service:db", "logs_service_time", |_, service| {
            service == "db"
        }),
        (
            "level>=error service:db",
            "logs_service_time",
            |severity, service| severity >= 17 && service == "db",
        ),
    ];
    for (text, index, keep) in cases {
        let query = parse(text, 0).unwrap();
        let condition = LogSql::condition(&query, &Resolved::default());
        let mut expected: Vec<(i64, i64)> = all
            .iter()
            .filter(|(_, _, severity, service)| keep(*severity, service))
            .map(|(id, ts_ns, _, _)| (*ts_ns, *id))
            .collect();
        expected.sort_unstable();
        assert!(
            expected.len() > PAGE as usize,
            "{text}: {} matches",
            expected.len()
        );
        for (anchor, descending) in [(Anchor::First, false), (Anchor::Last, true)] {
            let mut params = condition.params.clone();
            params.push(Param::Int(i64::from(PAGE) + 1));
            let steps = plan(
                &conn,
                &log_page_sql(&condition.sql, "1", descending),
                &params,
            );
            assert!(
                steps.iter().any(|step| (step.starts_with("SCAN l ")
                    || step.starts_with("SEARCH l "))
                    && step.contains("USING INDEX ")
                    && step.split_whitespace().any(|word| word == index)),
                "{text} ({anchor:?}): {steps:?}"
            );
            assert!(
                !steps
                    .iter()
                    .any(|step| step == "SCAN l" || step == "USE TEMP B-TREE FOR ORDER BY"),
                "{text} ({anchor:?}) scans the table or sorts every match: {steps:?}"
            );
            let page = reader.log_page(&query, anchor, PAGE).await.unwrap();
            let got: Vec<(i64, i64)> = page
                .rows
                .iter()
                .map(|log| (log.ts_ns.unwrap(), log.id))
                .collect();
            let want = match anchor {
                Anchor::First => &expected[..PAGE as usize],
                _ => &expected[expected.len() - PAGE as usize..],
            };
            assert_eq!(got, want, "{text} ({anchor:?})");
        }
    }
}

/// The traces with a log of a level term (the condition of the trace list and of the
/// time density, `TraceSql`): a term of WARN or worse is answered from the partial index
/// `logs_severe_trace` (migration 0022), others as before; the traces found equal
/// those of the logs filtered here.
#[tokio::test]
async fn traces_with_a_log_of_a_warning_level_or_worse_are_found_in_the_partial_index() {
    let (_case, conn) = levels_case().await; // The case lives while it is read.
    let logs: Vec<(Vec<u8>, i64, String)> = conn
        .prepare(
            "SELECT trace_id, severity, service FROM logs NOT INDEXED WHERE trace_id IS NOT NULL",
        )
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(logs.len(), LINES);
    type Keep = fn(i64, &str) -> bool;
    // Whether the plan uses the partial index (None: SQLite chooses; with `service:` it
    // may walk `logs_service_time` instead, which answers as well).
    let cases: [(&str, Option<bool>, Keep); 7] = [
        ("level:error", Some(true), |severity, _| {
            (17..=20).contains(&severity)
        }),
        ("level>=error", Some(true), |severity, _| severity >= 17),
        ("level:fatal", Some(true), |severity, _| {
            (21..=24).contains(&severity)
        }),
        ("level>=warn", Some(true), |severity, _| severity >= 13),
        ("level>info", Some(true), |severity, _| severity >= 13),
        ("level>=error service:db", None, |severity, service| {
            severity >= 17 && service == "db"
        }),
        ("level<=info", Some(false), |severity, _| {
            (1..=12).contains(&severity)
        }),
    ];
    for (text, severe, keep) in cases {
        let query = parse(text, 0).unwrap();
        let condition = TraceSql::condition(&query, &Resolved::default());
        // The condition over every trace id of the logs (the case has no spans, so
        // no `traces` rows: the condition is what is tested, not the trace list).
        let sql = format!(
            "SELECT t.trace_id FROM (SELECT DISTINCT trace_id FROM logs \
             WHERE trace_id IS NOT NULL) t WHERE {} ORDER BY t.trace_id",
            condition.sql
        );
        let steps = plan(&conn, &sql, &condition.params);
        if let Some(severe) = severe {
            assert_eq!(
                steps.iter().any(|step| step.contains("logs_severe_trace")),
                severe,
                "{text}: {steps:?}"
            );
        }
        let mut want: Vec<Vec<u8>> = logs
            .iter()
            .filter(|(_, severity, service)| keep(*severity, service))
            .map(|(trace_id, _, _)| trace_id.clone())
            .collect();
        want.sort_unstable();
        want.dedup();
        assert!(!want.is_empty(), "{text}");
        let got: Vec<Vec<u8>> = conn
            .prepare(&sql)
            .unwrap()
            .query_map(params_from_iter(values(&condition.params)), |row| {
                row.get(0)
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(
            got == want,
            "{text}: {} traces found, {} expected",
            got.len(),
            want.len()
        );
    }
}
