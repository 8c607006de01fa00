//! The services rollups (`store/rollups.rs`, migration 0017) against the scan they
//! stand in for: after every kind of write — loads whose later files bring the
//! parents of earlier spans, logs, a duplicate span that raises an error, a rename,
//! removals, follow appends — RED per service and operation (with time series),
//! the logs per service and operation, and the map from the rollups are exactly
//! what reading every span gives.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use weft::analysis::services::ServiceTally;
use weft::analysis::services::TallyLogs;
use weft::ingest::{self, IngestOptions};
use weft::store::rollup_filter;
use weft::Store;

use crate::common::{expected_inputs, fixture, TestCase};

const MS: i64 = 1_000_000;
const T0: i64 = 1_760_000_000_000_000_000;

/// The queries the rollups answer, compared on every case.
const QUERIES: [&str; 5] = [
    "",
    "service:checkout",
    "-service:frontend",
    "service:svc-1 -service:svc-2",
    "service:nothing-has-this",
];

/// Fails unless the rollups and the scan give the same answer to every query in
/// `QUERIES`; returns the empty query's tally from the rollups.
pub async fn rollups_equal_the_scan(store: &Store) -> (ServiceTally, TallyLogs) {
    // The kept log counts are kept by the same writes: checked on the same cases.
    crate::log_counts::log_counts_equal_the_rows(store).await;
    let reader = store.reader().await.unwrap();
    let mut first = None;
    for text in QUERIES {
        let query = weft::query::parse(text, 0).unwrap();
        let filter = rollup_filter(&query).expect("a query of service: terms");
        let (rolled, rolled_logs) = reader
            .service_tally_from_rollups(&filter)
            .await
            .unwrap()
            .expect("the rollups hold the case");
        let (scanned, scanned_logs) = reader.service_tally_by_scan(&query).await.unwrap();
        assert_eq!(rolled.map(), scanned.map(), "map of {text:?}");
        assert_eq!(rolled_logs, scanned_logs, "logs of {text:?}");
        for buckets in [None, Some(1), Some(7), Some(60)] {
            let axis = buckets.and_then(|buckets| scanned.axis(buckets));
            assert_eq!(
                buckets.and_then(|buckets| rolled.axis(buckets)),
                axis,
                "axis of {text:?}"
            );
            assert_eq!(
                rolled.services(&rolled_logs.services, axis.as_ref()),
                scanned.services(&scanned_logs.services, axis.as_ref()),
                "services of {text:?}, {buckets:?} buckets"
            );
            assert_eq!(
                rolled.operations(&rolled_logs.operations, axis.as_ref()),
                scanned.operations(&scanned_logs.operations, axis.as_ref()),
                "operations of {text:?}, {buckets:?} buckets"
            );
        }
        first.get_or_insert((rolled, rolled_logs));
    }
    reader.close().await;
    first.unwrap()
}

/// A span of the generated traces as OTLP/JSON.
#[allow(clippy::too_many_arguments)]
fn span(
    trace: u32,
    id: u32,
    parent: Option<u32>,
    name: &str,
    kind: u8,
    start_ms: i64,
    ms: i64,
    error: bool,
    attributes: &[(&str, &str)],
) -> Value {
    let attributes: Vec<Value> = attributes
        .iter()
        .map(|(key, value)| json!({"key": key, "value": {"stringValue": value}}))
        .collect();
    json!({
        "traceId": format!("{trace:032x}"),
        "spanId": format!("{id:016x}"),
        "parentSpanId": parent.map(|p| format!("{p:016x}")).unwrap_or_default(),
        "name": name,
        "kind": kind,
        "startTimeUnixNano": (T0 + start_ms * MS).to_string(),
        "endTimeUnixNano": (T0 + (start_ms + ms) * MS).to_string(),
        "attributes": attributes,
        "status": {"code": if error { 2 } else { 0 }},
    })
}

/// One OTLP/JSON line of `spans` per (service or none, spans).
fn traces_document(groups: Vec<(Option<String>, Vec<Value>)>) -> String {
    let resource_spans: Vec<Value> = groups
        .into_iter()
        .map(|(service, spans)| {
            let attributes = match service {
                Some(name) => json!([{"key": "service.name", "value": {"stringValue": name}}]),
                None => json!([]),
            };
            json!({
                "resource": {"attributes": attributes},
                "scopeSpans": [{"scope": {"name": "test"}, "spans": spans}],
            })
        })
        .collect();
    json!({ "resourceSpans": resource_spans }).to_string()
}

/// A small deterministic generator (xorshift), so the cases are the same every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A generated span with the file it goes to.
struct Generated {
    service: Option<String>,
    file: usize,
    value: Value,
    trace: u32,
    id: u32,
}

/// `n_traces` traces over several minutes: services calling each other, clients of
/// databases and APIs, producers and consumers, self-calls, errors; each span put
/// in one of `files` files (so later files bring parents of earlier spans), a few
/// spans with no service name.
fn generate(seed: u64, n_traces: u32, files: usize) -> Vec<Generated> {
    let mut random = Random(seed);
    let services = ["frontend", "checkout", "svc-1", "svc-2", "payments"];
    let peers: [&[(&str, &str)]; 5] = [
        &[("db.system", "postgresql")],
        &[("peer.service", "payments-api")],
        &[("http.host", "api.stripe.com")],
        &[("server.address", "")],
        &[],
    ];
    let mut spans = Vec::new();
    let mut next_id = 1;
    for trace in 1..=n_traces {
        let trace_start = (random.below(6 * 60_000)) as i64;
        let n_spans = 1 + random.below(12) as u32;
        let mut in_trace: Vec<(u32, usize, u8)> = Vec::new();
        for at in 0..n_spans {
            let id = next_id;
            next_id += 1;
            let parent = (at > 0).then(|| in_trace[random.below(in_trace.len() as u64) as usize]);
            let service_idx = match parent {
                // Often a call to another service, sometimes inside the same one.
                Some((_, parent_service, _)) if random.below(3) == 0 => parent_service,
                _ => random.below(services.len() as u64) as usize,
            };
            let kind = match parent {
                Some((_, _, 4)) if random.below(2) == 0 => 5,
                _ => random.below(6) as u8,
            };
            let peer = peers[random.below(peers.len() as u64) as usize];
            let name = format!("op{}", random.below(4));
            let start = trace_start + at as i64 * random.below(40) as i64;
            let value = span(
                trace,
                id,
                parent.map(|(parent_id, _, _)| parent_id),
                &name,
                kind,
                start,
                random.below(500) as i64,
                random.below(7) == 0,
                if kind == 3 || kind == 4 { peer } else { &[] },
            );
            let service = (random.below(40) != 0).then(|| services[service_idx].to_string());
            spans.push(Generated {
                service,
                file: random.below(files as u64) as usize,
                value,
                trace,
                id,
            });
            in_trace.push((id, service_idx, kind));
        }
    }
    spans
}

/// Writes the spans of `file` as one OTLP/JSON document.
fn write_spans(dir: &Path, spans: &[Generated], file: usize) -> PathBuf {
    let mut groups: Vec<(Option<String>, Vec<Value>)> = Vec::new();
    for generated in spans.iter().filter(|generated| generated.file == file) {
        match groups
            .iter_mut()
            .find(|(service, _)| *service == generated.service)
        {
            Some((_, values)) => values.push(generated.value.clone()),
            None => groups.push((generated.service.clone(), vec![generated.value.clone()])),
        }
    }
    let path = dir.join(format!("spans-{file}.json"));
    std::fs::write(&path, traces_document(groups)).unwrap();
    path
}

/// JSON logs (pino) naming spans of the generated traces (and some that are not
/// there), at several levels, from several services.
fn write_logs<'a>(
    dir: &Path,
    spans: impl Iterator<Item = &'a Generated>,
    seed: u64,
    name: &str,
) -> PathBuf {
    let mut random = Random(seed);
    let mut lines = String::new();
    for (at, generated) in spans.enumerate() {
        for _ in 0..random.below(3) {
            let span_id = if random.below(10) == 0 {
                format!("{:016x}", 0xdead_0000 + at)
            } else {
                format!("{:016x}", generated.id)
            };
            let level = [30, 40, 50, 60][random.below(4) as usize];
            let service = ["frontend", "checkout", "svc-1"][random.below(3) as usize];
            lines.push_str(
                &json!({
                    "time": (T0 / MS) + random.below(6 * 60_000) as i64,
                    "level": level,
                    "msg": format!("line {at}"),
                    "name": service,
                    "trace_id": format!("{:032x}", generated.trace),
                    "span_id": span_id,
                })
                .to_string(),
            );
            lines.push('\n');
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, lines).unwrap();
    path
}

async fn source_id(store: &Store, ends_with: &str) -> i64 {
    let reader = store.reader().await.unwrap();
    let id = reader
        .sources()
        .await
        .unwrap()
        .into_iter()
        .find(|source| source.path.ends_with(ends_with))
        .unwrap_or_else(|| panic!("no source {ends_with}"))
        .id;
    reader.close().await;
    id
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rollups_equal_the_scan_on_every_fixture() {
    let case = TestCase::new().await;
    let mut paths: Vec<PathBuf> = expected_inputs().map(|(name, _)| fixture(&name)).collect();
    paths.push(fixture("demo"));
    case.ingest(&paths).await;
    let (tally, _) = rollups_equal_the_scan(&case.store).await;
    let map = tally.map();
    assert!(map.edges.iter().any(|edge| edge.is_virtual), "{map:?}");
    assert!(map.edges.iter().any(|edge| !edge.is_virtual), "{map:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rollups_follow_every_write_of_a_generated_case() {
    let case = TestCase::new().await;
    let dir = case.dir.path();
    let spans = generate(7, 300, 3);
    let files: Vec<PathBuf> = (0..3).map(|file| write_spans(dir, &spans, file)).collect();

    // Each file brings parents and children of the spans of the others.
    case.ingest(&files[..1]).await;
    rollups_equal_the_scan(&case.store).await;
    case.ingest(&files[1..2]).await;
    rollups_equal_the_scan(&case.store).await;
    let logs = write_logs(dir, spans.iter(), 11, "logs.ndjson");
    case.ingest(std::slice::from_ref(&logs)).await;
    rollups_equal_the_scan(&case.store).await;
    case.ingest(&files[2..]).await;
    let (tally, logs_counted) = rollups_equal_the_scan(&case.store).await;
    let map = tally.map();
    assert!(map.edges.iter().any(|edge| edge.messaging), "{map:?}");
    assert!(map.edges.iter().any(|edge| edge.is_virtual), "{map:?}");
    assert!(logs_counted
        .operations
        .values()
        .any(|(_, errors)| *errors > 0));

    // The same spans again from another file, some now failed: the stored copies
    // stay, with their error status raised.
    let mut again: Vec<Generated> = generate(7, 300, 3);
    for generated in again.iter_mut() {
        generated.file = 0;
        if generated.id % 5 == 0 {
            generated.value["status"] = json!({"code": 2});
        }
    }
    std::fs::create_dir(dir.join("again")).unwrap();
    let duplicate = write_spans(&dir.join("again"), &again, 0);
    case.ingest(std::slice::from_ref(&duplicate)).await;
    rollups_equal_the_scan(&case.store).await;

    // Naming the service of the spans (and logs) that named none.
    let renamed = source_id(&case.store, "spans-1.json").await;
    let mut writer = case.store.writer().await.unwrap();
    writer
        .set_source_service(renamed, "named-later")
        .await
        .unwrap();
    drop(writer);
    rollups_equal_the_scan(&case.store).await;
    let logs_id = source_id(&case.store, "logs.ndjson").await;
    let mut writer = case.store.writer().await.unwrap();
    writer.set_source_service(logs_id, "svc-2").await.unwrap();
    drop(writer);
    rollups_equal_the_scan(&case.store).await;

    // Removing sources: the parents of other files' spans, then the logs.
    for ends_with in ["spans-1.json", "logs.ndjson", "again/spans-0.json"] {
        let id = source_id(&case.store, ends_with).await;
        let mut writer = case.store.writer().await.unwrap();
        writer.remove_source(id).await.unwrap();
        drop(writer);
        rollups_equal_the_scan(&case.store).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn follow_appends_keep_the_rollups_equal_to_the_scan() {
    let case = TestCase::new().await;
    let dir = case.dir.path().to_path_buf();
    let spans = generate(3, 60, 4);
    let traces = dir.join("followed.jsonl");
    let logs = dir.join("followed-logs.ndjson");
    std::fs::write(&traces, "").unwrap();
    std::fs::write(&logs, "").unwrap();
    let options = IngestOptions::default();
    let cancel = options.cancel.clone();
    let store = case.store.clone();
    let paths = vec![traces.clone(), logs.clone()];
    let follower =
        tokio::spawn(async move { ingest::follow(&store, &paths, &options, &mut |_| {}).await });
    let (mut lines_of_logs, mut n_spans) = (0, 0);
    // Children before their parents, and logs of spans still to come.
    for file in [3, 1, 0, 2] {
        // One OTLP/JSON line per append of spans, then logs naming them.
        let one = write_spans(&dir, &spans, file);
        let line = std::fs::read_to_string(&one).unwrap();
        append(&traces, &format!("{line}\n"));
        n_spans += spans.iter().filter(|g| g.file == file).count() as i64;
        let some = spans
            .iter()
            .filter(|g| g.file == file || g.file == (file + 1) % 4);
        let new_logs =
            std::fs::read_to_string(write_logs(&dir, some, file as u64 + 1, "part.ndjson"))
                .unwrap();
        lines_of_logs += new_logs.lines().count() as i64;
        append(&logs, &new_logs);
        wait_until(&case, lines_of_logs, n_spans).await;
        rollups_equal_the_scan(&case.store).await;
    }
    cancel.store(true, Ordering::SeqCst);
    follower.await.unwrap().unwrap();
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

/// Waits until the case holds `logs` logs and at least `spans` spans, with no source
/// loading.
async fn wait_until(case: &TestCase, logs: i64, spans: i64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let have_logs = case.count("SELECT COUNT(*) FROM logs").await;
        let have_spans = case.count("SELECT COUNT(*) FROM spans").await;
        let loading = case
            .count("SELECT COUNT(*) FROM sources WHERE status = 'loading'")
            .await;
        if have_logs == logs && have_spans >= spans && loading == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "logs {have_logs}/{logs}, spans {have_spans}/{spans}, loading {loading}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_case_loaded_before_the_rollups_gets_them_at_its_next_write() {
    let case = TestCase::new().await;
    case.ingest(&[fixture("demo")]).await;
    // As a case of the migration's time: rollups empty and not built.
    let url = format!("sqlite://{}", case.path().display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    for sql in [
        "DELETE FROM span_rollups",
        "DELETE FROM service_logs",
        "DELETE FROM operation_logs",
        "UPDATE rollups_state SET built = 0",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    pool.close().await;
    let reader = case.store.reader().await.unwrap();
    assert!(reader
        .service_tally_from_rollups(&[])
        .await
        .unwrap()
        .is_none());
    // The scan answers meanwhile.
    let query = weft::query::parse("", 0).unwrap();
    let (scanned, _) = reader.service_tally(&query).await.unwrap();
    assert!(!scanned.map().edges.is_empty());
    reader.close().await;
    drop(case.store.writer().await.unwrap());
    rollups_equal_the_scan(&case.store).await;
}
