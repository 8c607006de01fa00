//! Naming a source's service (`Writer::set_source_service`): exactly the records
//! that took the fallback service are renamed, records that named their own keep
//! it, and the trace summaries follow the spans.

use std::path::PathBuf;

use weft::store::TraceFilter;

use crate::common::{fixture, TestCase};

/// The id of the source loaded from a file whose path ends with `file_name`.
async fn source_id(case: &TestCase, file_name: &str) -> i64 {
    let sources = case.store.reader().await.unwrap().sources().await.unwrap();
    sources
        .iter()
        .find(|source| source.path.ends_with(file_name))
        .unwrap_or_else(|| panic!("no source {file_name}"))
        .id
}

async fn services_of(case: &TestCase, table: &str, source_id: i64) -> Vec<(String, i64)> {
    let url = format!("sqlite://{}?mode=ro", case.path().display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let sql = match table {
        "logs" => "SELECT service, COUNT(*) FROM logs WHERE source_id = ? GROUP BY 1 ORDER BY 1",
        _ => "SELECT service, COUNT(*) FROM spans WHERE source_id = ? GROUP BY 1 ORDER BY 1",
    };
    let rows = sqlx::query_as(sql)
        .bind(source_id)
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    rows
}

#[tokio::test]
async fn naming_a_source_renames_only_the_logs_that_named_no_service() {
    let case = TestCase::new().await;
    // A real text log (no line names a service) and a JSON log mixing lines that
    // name their own service with lines that name none.
    let mixed = case.dir.path().join("mixed.json");
    std::fs::write(
        &mixed,
        concat!(
            r#"{"level":"info","time":1793700000000,"service":"cart","msg":"own service"}"#,
            "\n",
            r#"{"level":"info","time":1793700001000,"msg":"no service"}"#,
            "\n",
            r#"{"level":"warn","time":1793700002000,"msg":"no service either"}"#,
            "\n",
        ),
    )
    .unwrap();
    let text = fixture("logs-text/lnav__test__logfile_crlf.0");
    let reports = case.ingest(&[text, mixed]).await;
    assert!(
        reports.iter().all(|report| report.errors.is_empty()),
        "{reports:?}"
    );

    let mixed_id = source_id(&case, "mixed.json").await;
    let text_id = source_id(&case, "lnav__test__logfile_crlf.0").await;
    assert_eq!(
        services_of(&case, "logs", mixed_id).await,
        [("cart".into(), 1), ("mixed".into(), 2)]
    );
    let text_before = services_of(&case, "logs", text_id).await;

    let mut writer = case.store.writer().await.unwrap();
    assert_eq!(
        writer.set_source_service(mixed_id, " web ").await.unwrap(),
        Some(2)
    );
    assert_eq!(
        services_of(&case, "logs", mixed_id).await,
        [("cart".into(), 1), ("web".into(), 2)]
    );
    // Renaming again starts from the name given last; other sources are untouched.
    assert_eq!(
        writer
            .set_source_service(mixed_id, "storefront")
            .await
            .unwrap(),
        Some(2)
    );
    assert_eq!(
        services_of(&case, "logs", mixed_id).await,
        [("cart".into(), 1), ("storefront".into(), 2)]
    );
    assert_eq!(services_of(&case, "logs", text_id).await, text_before);
    let reader = case.store.reader().await.unwrap();
    let services = reader.source_services().await.unwrap();
    assert!(
        services.contains(&(mixed_id, "storefront".into(), true)),
        "{services:?}"
    );
    assert!(services.contains(&(text_id, "lnav__test__logfile_crlf".into(), false)));

    // An empty name goes back to the file name, as a load without --service gives.
    assert_eq!(
        writer.set_source_service(mixed_id, "").await.unwrap(),
        Some(2)
    );
    assert_eq!(
        services_of(&case, "logs", mixed_id).await,
        [("cart".into(), 1), ("mixed".into(), 2)]
    );
    let services = reader.source_services().await.unwrap();
    assert!(
        services.contains(&(mixed_id, "mixed".into(), false)),
        "{services:?}"
    );
    assert_eq!(writer.set_source_service(9_999, "x").await.unwrap(), None);
    // The per-service counts the UI shows follow.
    drop(writer);
    let stats = case.stats().await;
    assert!(stats
        .services
        .iter()
        .any(|service| service.name == "mixed" && service.logs == 2));
}

#[tokio::test]
async fn naming_a_source_renames_its_spans_without_a_service_and_their_traces() {
    let case = TestCase::new().await;
    // Serilog CLEF with span records: no resource names a service.
    let clef = fixture("logs-clef/seqcli__test__SeqCli.EndToEnd__Data__trace-tree.clef");
    let reports = case.ingest(std::slice::from_ref(&clef)).await;
    assert_eq!(reports.len(), 1);
    let clef_id = source_id(&case, "trace-tree.clef").await;
    let spans_before = services_of(&case, "spans", clef_id).await;
    assert_eq!(spans_before.len(), 1, "{spans_before:?}");
    assert_eq!(spans_before[0].0, "unknown_service");
    let n_spans = spans_before[0].1;
    let n_logs: i64 = services_of(&case, "logs", clef_id)
        .await
        .iter()
        .map(|(_, n)| n)
        .sum();

    let mut writer = case.store.writer().await.unwrap();
    let changed = writer.set_source_service(clef_id, "orders").await.unwrap();
    assert_eq!(changed, Some((n_spans + n_logs) as u64));
    assert_eq!(
        services_of(&case, "spans", clef_id).await,
        [("orders".into(), n_spans)]
    );
    let reader = case.store.reader().await.unwrap();
    let traces = reader.traces(&TraceFilter::default()).await.unwrap();
    assert!(!traces.is_empty());
    assert!(
        traces.iter().all(|trace| trace.root_service == "orders"),
        "{traces:?}"
    );

    // Back: the spans say again that their resource named no service.
    writer.set_source_service(clef_id, "").await.unwrap();
    assert_eq!(services_of(&case, "spans", clef_id).await, spans_before);
    let traces = reader.traces(&TraceFilter::default()).await.unwrap();
    assert!(traces
        .iter()
        .all(|trace| trace.root_service == "unknown_service"));
}

#[tokio::test]
async fn records_that_name_their_service_keep_it() {
    let case = TestCase::new().await;
    let traces = fixture("demo/traces.jsonl");
    // Pino lines that name their service (`service.name`: payment).
    let gateway = fixture("logs-pino/lnav__test__logfile_pino.0");
    case.ingest(&[traces, gateway]).await;
    let traces_id = source_id(&case, "traces.jsonl").await;
    let gateway_id = source_id(&case, "logfile_pino.0").await;
    let spans_before = services_of(&case, "spans", traces_id).await;
    let gateway_before = services_of(&case, "logs", gateway_id).await;
    let reader = case.store.reader().await.unwrap();
    let summaries_before = reader.traces(&TraceFilter::default()).await.unwrap();

    let mut writer = case.store.writer().await.unwrap();
    assert_eq!(
        writer
            .set_source_service(traces_id, "renamed")
            .await
            .unwrap(),
        Some(0)
    );
    // Every line of the pino log names its service.
    assert_eq!(
        writer
            .set_source_service(gateway_id, "renamed")
            .await
            .unwrap(),
        Some(0)
    );
    assert_eq!(services_of(&case, "spans", traces_id).await, spans_before);
    assert_eq!(services_of(&case, "logs", gateway_id).await, gateway_before);
    let summaries = reader.traces(&TraceFilter::default()).await.unwrap();
    assert_eq!(
        serde_json::to_value(&summaries).unwrap(),
        serde_json::to_value(&summaries_before).unwrap()
    );
}

/// `weft ingest --service` names what a rename names: logs and spans without a service.
#[tokio::test]
async fn a_service_given_on_load_names_spans_without_one_too() {
    let case = TestCase::new().await;
    let clef = fixture("logs-clef/seqcli__test__SeqCli.EndToEnd__Data__trace-tree.clef");
    let options = weft::ingest::IngestOptions {
        service: Some("orders".into()),
        ..Default::default()
    };
    let reports = weft::ingest::ingest(&case.store, &[clef], &options, &mut |_| {})
        .await
        .unwrap();
    let mut writer = case.store.writer().await.unwrap();
    assert_eq!(reports.len(), 1);
    let clef_id = source_id(&case, "trace-tree.clef").await;
    let spans = services_of(&case, "spans", clef_id).await;
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(spans[0].0, "orders");
    // Back to the file's own word: the spans' resource names no service.
    writer.set_source_service(clef_id, "").await.unwrap();
    assert_eq!(
        services_of(&case, "spans", clef_id).await,
        [("unknown_service".into(), spans[0].1)]
    );
}

/// A path that cannot be read still ends with a `Finished` event (the app shows it).
#[tokio::test]
async fn a_missing_path_is_reported_as_finished() {
    let case = TestCase::new().await;
    let missing = case.dir.path().join("no-such-file.log");
    let mut finished = Vec::new();
    let reports =
        weft::ingest::ingest(&case.store, &[missing], &Default::default(), &mut |event| {
            if let weft::ingest::IngestEvent::Finished { report } = event {
                finished.push(report);
            }
        })
        .await
        .unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(finished, reports);
}

/// Lines that name the same service as their file's name are their own, and stay.
#[tokio::test]
async fn a_log_that_names_its_file_name_as_service_keeps_it() {
    let case = TestCase::new().await;
    let file = case.dir.path().join("card-gateway.log");
    let lines = [
        r#"{"level":30,"time":1717200000000,"pid":1,"name":"card-gateway","msg":"named"}"#,
        r#"{"level":30,"time":1717200000001,"pid":1,"msg":"unnamed"}"#,
        r#"{"level":30,"time":1717200000002,"pid":1,"name":"card-gateway","msg":"named again"}"#,
    ];
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    case.ingest(std::slice::from_ref(&file)).await;
    let id = source_id(&case, "card-gateway.log").await;
    assert_eq!(
        services_of(&case, "logs", id).await,
        [("card-gateway".into(), 3)]
    );
    let mut writer = case.store.writer().await.unwrap();
    assert_eq!(
        writer.set_source_service(id, "gateway").await.unwrap(),
        Some(1)
    );
    assert_eq!(
        services_of(&case, "logs", id).await,
        [("card-gateway".into(), 2), ("gateway".into(), 1)]
    );
}

/// Files are hashed one ahead of the load (`ingest::identify`): a file removed before
/// its turn fails alone, reported started and finished, and the files after it load
/// as themselves.
#[tokio::test]
async fn a_file_removed_before_its_turn_fails_alone() {
    let case = TestCase::new().await;
    let line = |msg: &str| format!(r#"{{"level":30,"time":1717200000000,"pid":1,"msg":"{msg}"}}"#);
    let files: Vec<PathBuf> = ["a.log", "b.log", "c.log"]
        .iter()
        .map(|name| {
            let path = case.dir.path().join(name);
            std::fs::write(&path, line(name) + "\n" + &line("second") + "\n").unwrap();
            path
        })
        .collect();
    let doomed = files[1].clone();
    let mut started = Vec::new();
    let reports = weft::ingest::ingest(&case.store, &files, &Default::default(), &mut |event| {
        if let weft::ingest::IngestEvent::Started { path, .. } = event {
            // The first file's load has begun: the second goes before its turn.
            if path.ends_with("a.log") {
                std::fs::remove_file(&doomed).unwrap();
            }
            started.push(path);
        }
    })
    .await
    .unwrap();
    let statuses: Vec<_> = reports.iter().map(|report| report.status).collect();
    use weft::ingest::FileStatus::{Complete, Failed};
    assert_eq!(statuses, [Complete, Failed, Complete], "{reports:?}");
    assert_eq!((reports[0].logs, reports[2].logs), (2, 2));
    assert!(
        reports[1].errors[0].message.contains("No such file"),
        "{reports:?}"
    );
    assert!(started[0].ends_with("a.log") && started.last().unwrap().ends_with("c.log"));
    // Each complete source holds its own file's lines and hash.
    let conn = rusqlite::Connection::open(case.path()).unwrap();
    for (name, file) in [("a.log", &files[0]), ("c.log", &files[2])] {
        let id = source_id(&case, name).await;
        let (first, hash): (String, String) = conn
            .query_row(
                "SELECT (SELECT body FROM logs WHERE source_id = s.id ORDER BY line LIMIT 1), s.hash \
                 FROM sources s WHERE s.id = ?",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap();
        assert_eq!(first, name);
        let bytes = std::fs::read(file).unwrap();
        assert_eq!(hash, blake3::hash(&bytes).to_hex().to_string(), "{name}");
    }
}
