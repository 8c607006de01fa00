//! Helpers shared by the integration tests: fixture paths, throwaway cases,
//! decoding a file without a case, and small OTLP/JSON documents built in code.

use std::path::{Path, PathBuf};

use weft::formats::Collected;
use weft::ingest::{self, FileReport, IngestOptions};
use weft::store::{LogCount, Stats};
use weft::Store;

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

pub fn fixture(relative: &str) -> PathBuf {
    fixtures_dir().join(relative)
}

/// The corpus checker's expectations for the copied fixtures.
pub fn expected() -> serde_json::Map<String, serde_json::Value> {
    let text = std::fs::read_to_string(fixture("EXPECTED.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["files"].as_object().unwrap().clone()
}

/// The expectations of the fixtures that are trace or log files (not the corpus's
/// other files, which no format reads).
pub fn expected_inputs() -> impl Iterator<Item = (String, serde_json::Value)> {
    expected().into_iter().filter(|(_, entry)| {
        !entry["format"]
            .as_str()
            .unwrap()
            .contains("not an input format")
    })
}

/// A case file in a temp dir that lives as long as this value.
pub struct TestCase {
    pub dir: tempfile::TempDir,
    pub store: Store,
}

impl TestCase {
    pub async fn new() -> TestCase {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("case.weft")).await.unwrap();
        TestCase { dir, store }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("case.weft")
    }

    pub async fn ingest(&self, paths: &[PathBuf]) -> Vec<FileReport> {
        ingest::ingest(&self.store, paths, &IngestOptions::default(), &mut |_| {})
            .await
            .unwrap()
    }

    pub async fn stats(&self) -> Stats {
        self.store.reader().await.unwrap().stats().await.unwrap()
    }

    /// Fails unless both full-text indexes agree with their content tables.
    pub async fn full_text_integrity(&self) {
        let url = format!("sqlite://{}", self.path().display());
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        for check in [
            "INSERT INTO logs_fts (logs_fts) VALUES ('integrity-check')",
            "INSERT INTO spans_fts (spans_fts) VALUES ('integrity-check')",
        ] {
            sqlx::query(check).execute(&pool).await.unwrap();
        }
        pool.close().await;
    }

    /// One number from SQL, for counts the reader API does not expose.
    pub async fn count(&self, sql: &'static str) -> i64 {
        let reader =
            sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", self.path().display()))
                .await
                .unwrap();
        let count: i64 = sqlx::query_scalar(sql).fetch_one(&reader).await.unwrap();
        reader.close().await;
        count
    }
}

/// Every record of a file, as a decoder produced them.
pub fn decode(path: &Path) -> Collected {
    let mut sink = Collected::default();
    ingest::decode_file(path, &mut sink).unwrap_or_else(|error| panic!("{error}"));
    sink
}

/// An OTLP/JSON span object.
pub fn span_json(trace: &str, span: &str, parent: &str, name: &str, start_ms: i64) -> String {
    format!(
        r#"{{"traceId":"{trace}","spanId":"{span}","parentSpanId":"{parent}","name":"{name}","kind":2,
            "startTimeUnixNano":"{}","endTimeUnixNano":"{}","status":{{}}}}"#,
        start_ms * 1_000_000,
        (start_ms + 10) * 1_000_000
    )
}

/// One `ExportTraceServiceRequest` line with these spans for `service`.
pub fn traces_line(service: &str, spans: &[String]) -> String {
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{service}"}}}}]}},"scopeSpans":[{{"scope":{{"name":"test"}},"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    )
}

/// One `ExportLogsServiceRequest` line with log records (trace id, span id, body).
pub fn logs_line(service: &str, records: &[(&str, &str, &str)]) -> String {
    let records: Vec<String> = records
        .iter()
        .enumerate()
        .map(|(at, (trace, span, body))| {
            format!(
                r#"{{"timeUnixNano":"{}","severityNumber":9,"body":{{"stringValue":"{body}"}},"traceId":"{trace}","spanId":"{span}"}}"#,
                1_700_000_000_000_000_000i64 + at as i64
            )
        })
        .collect();
    format!(
        r#"{{"resourceLogs":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{service}"}}}}]}},"scopeLogs":[{{"logRecords":[{}]}}]}}]}}"#,
        records.join(",")
    )
}

/// Checks every answer the reader gives for `query` (`text` in messages) against
/// `wanted`, the ids of the matching logs in time order that the test worked out
/// itself: the rows, the count, the histogram's total, the service counts and the
/// totals of every facet.
pub async fn assert_answers(
    reader: &weft::store::Reader,
    all: &[weft::store::LogView],
    text: &str,
    query: &weft::query::Query,
    wanted: &[i64],
) {
    use std::collections::HashMap;
    let filter = weft::store::LogFilter {
        query: query.clone(),
        ..weft::store::LogFilter::default()
    };
    let got: Vec<i64> = reader
        .logs(&filter)
        .await
        .unwrap()
        .iter()
        .map(|log| log.id)
        .collect();
    assert_eq!(got, wanted, "`{text}`");
    let total = wanted.len() as i64;
    assert_eq!(
        reader.log_count(query).await.unwrap(),
        total,
        "`{text}` count"
    );
    // Counting up to a bound: exact at or above the total, the bound (and more) below it.
    for at_most in [total, total + 5, total - 1, 0] {
        if at_most < 0 {
            continue;
        }
        let counted = reader.log_count_upto(query, at_most).await.unwrap();
        let expected = LogCount {
            count: total.min(at_most),
            exact: total <= at_most,
        };
        assert_eq!(counted, expected, "`{text}` counted up to {at_most}");
    }
    let histogram = reader.histogram(query, 30, None).await.unwrap();
    let counted: i64 = histogram.counts.iter().flatten().sum();
    assert_eq!(counted, total, "`{text}` histogram");
    let facets = reader.facets(query).await.unwrap();
    let mut services: HashMap<&str, i64> = HashMap::new();
    for log in all.iter().filter(|log| wanted.contains(&log.id)) {
        *services.entry(log.service.as_str()).or_default() += 1;
    }
    let counted: HashMap<&str, i64> = facets
        .services
        .iter()
        .map(|facet| (facet.value.as_str(), facet.count))
        .collect();
    assert_eq!(counted, services, "`{text}` services");
    assert!(
        facets
            .levels
            .windows(2)
            .all(|pair| pair[0].count >= pair[1].count),
        "`{text}` levels most first"
    );
    for facet in [&facets.services, &facets.levels, &facets.sources] {
        assert_eq!(
            facet.iter().map(|f| f.count).sum::<i64>(),
            total,
            "`{text}` facets"
        );
    }
}

/// The real `weft` binary on `case`: its stdout, after checking it succeeded.
pub fn weft_ok(case: &Path, args: &[&str]) -> Vec<u8> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("--case")
        .arg(case)
        .args(args)
        .env_remove("WEFT_CASE")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "weft {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The real `weft` binary's `--json` answer (one document).
pub fn weft_json(case: &Path, args: &[&str]) -> serde_json::Value {
    let out = weft_ok(case, args);
    serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("weft {args:?}: {e}: {}", String::from_utf8_lossy(&out)))
}
