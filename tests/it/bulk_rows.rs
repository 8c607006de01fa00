//! The bulk writer's shortcuts (issue 22) store what the plain way stored: a
//! resource known by its decoder `Arc` (past the memory's limit too) gets the id of
//! its content, and attributes encoded on the decoder thread land on their own row.

use crate::common::{span_json, traces_line, TestCase};

#[tokio::test]
async fn resources_known_by_their_arc_keep_the_id_of_their_content() {
    let case = TestCase::new().await;
    // 5 000 resource blocks, each its own `Arc` (more than the 4 096 the bulk writer
    // remembers), of two contents: two resources, each span with its own service's.
    let lines: Vec<String> = (0..5000)
        .map(|line| {
            let service = if line % 3 == 0 { "cart" } else { "web" };
            let span = span_json(
                &format!("{:032x}", line + 1),
                &format!("{:016x}", line + 1),
                "",
                &format!("op {line}"),
                line,
            );
            traces_line(service, &[span])
        })
        .collect();
    let path = case.dir.path().join("traces.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let reports = case.ingest(&[path]).await;
    assert_eq!(reports[0].spans, 5000, "{reports:?}");
    assert_eq!(case.count("SELECT COUNT(*) FROM resources").await, 2);
    assert_eq!(
        case.count(
            "SELECT COUNT(*) FROM spans s JOIN resources r ON r.id = s.resource_id \
             WHERE r.service = s.service"
        )
        .await,
        5000
    );
    assert_eq!(
        case.count("SELECT COUNT(*) FROM spans WHERE service = 'cart'")
            .await,
        1667
    );
}

#[tokio::test]
async fn attributes_encoded_off_the_rows_thread_stay_with_their_record() {
    let case = TestCase::new().await;
    let lines: Vec<String> = (0..10_000)
        .map(|line| {
            format!(
                r#"{{"level":30,"time":{},"msg":"line {line}","user":"u{line}","n":{line}}}"#,
                1_717_200_000_000i64 + line
            )
        })
        .collect();
    let path = case.dir.path().join("app.ndjson");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let reports = case.ingest(&[path]).await;
    assert_eq!(reports[0].logs, 10_000, "{reports:?}");
    assert_eq!(
        case.count(
            "SELECT COUNT(*) FROM logs WHERE body = 'line ' || (line - 1) \
             AND json_extract(attributes, '$.user') = 'u' || (line - 1) \
             AND json_extract(attributes, '$.n') = line - 1"
        )
        .await,
        10_000
    );
}
