//! Trace and log sources beyond OTLP (issue 6): which format each fixture is read
//! as, so that Jaeger, Zipkin and Loki take their own files and none of the OTLP or
//! log files (and Jaeger api_v3 / Tempo stay with OTLP/JSON); Zipkin's shared
//! spans keep a right tree; Loki lines get their service and time.

use std::collections::HashMap;

use serde_json::Value;
use weft::formats::{self, Collected, Format, OtlpJson};
use weft::ingest;

use crate::common::{decode, expected_inputs, fixture, TestCase};

#[test]
fn each_fixture_is_read_by_the_format_of_its_folder() {
    for (relative, _) in expected_inputs() {
        let mut sink = Collected::default();
        let format = ingest::decode_file(&fixture(&relative), &mut sink)
            .unwrap_or_else(|error| panic!("{error}"))
            .name();
        let folder = relative.split('/').next().unwrap();
        let wanted = match folder {
            "jaeger-json" | "zipkin-json" | "loki-json" => folder,
            "otlp-json" | "otlp-jsonl" => "otlp-json",
            "otlp-protobuf" => "otlp-proto",
            "logs-text" => "text-log",
            _ => {
                assert!(
                    ["json-log", "text-log"].contains(&format),
                    "{relative}: read as {format}"
                );
                continue;
            }
        };
        assert_eq!(format, wanted, "{relative}");
    }
}

#[test]
fn tempo_and_jaeger_api_v3_documents_stay_otlp() {
    let tempo = r#"{"batches":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"tempo-svc"}}]},
        "scopeSpans":[{"spans":[{"traceId":"AAAAAAAAAAAAAAAAAAAAAQ==","spanId":"AAAAAAAAAAI=","name":"GET",
        "startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#;
    let format = formats::sniff(tempo.as_bytes()).unwrap();
    assert_eq!(format.name(), "otlp-json");
    let mut sink = Collected::default();
    OtlpJson.decode(&mut tempo.as_bytes(), &mut sink).unwrap();
    assert_eq!(sink.spans[0].resource.service, "tempo-svc");

    let api_v3 = fixture(
        "otlp-json/jaeger__cmd__jaeger__internal__extension__jaegerquery__internal__apiv3__snapshots__GetTrace.json",
    );
    let mut sink = Collected::default();
    assert_eq!(
        ingest::decode_file(&api_v3, &mut sink).unwrap().name(),
        "otlp-json"
    );
    assert!(!sink.spans.is_empty());
}

/// Issue 6: a shared server span is kept beside its client half, under it, with the
/// server's own children under the server half (a shared root whose caller was not
/// traced stays a root); no parent points outside the file except where the file
/// itself lacks the span.
#[test]
fn issue_6_zipkin_shared_spans_keep_a_right_tree() {
    for name in [
        "zipkin__zipkin-lens__testdata__skew.json",
        "zipkin__zipkin-lens__testdata__yelp.json",
        "zipkin__zipkin-lens__testdata__ascend.json",
    ] {
        let path = fixture(&format!("zipkin-json/{name}"));
        let records = decode(&path);
        let raw: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let raw_ids: std::collections::HashSet<String> = raw
            .iter()
            .map(|span| format!("{:0>16}", span["id"].as_str().unwrap()))
            .collect();
        let by_id: HashMap<_, _> = records.spans.iter().map(|s| (s.span_id, s)).collect();
        for span in &records.spans {
            if span.attributes.get("zipkin.shared") == Some(&Value::Bool(true)) {
                let original = span.attributes["zipkin.span_id"].as_str().unwrap();
                assert_ne!(span.span_id.to_hex(), original, "{name}");
                let client = records
                    .spans
                    .iter()
                    .find(|s| s.span_id.to_hex() == original);
                if let Some(client) = client {
                    assert_eq!(span.parent_span_id, Some(client.span_id), "{name}");
                    assert_eq!(client.kind, 3, "{name}: the client half is the parent");
                }
            }
            if let Some(parent) = span.parent_span_id {
                assert!(
                    by_id.contains_key(&parent) || !raw_ids.contains(&parent.to_hex()),
                    "{name}: {} points at a span the file has but the records lack",
                    span.name
                );
            }
        }
    }
    // skew.json: servicea calls serviceb (shared id); serviceb's own child hangs under
    // the server half, not under servicea's client span.
    let records = decode(&fixture(
        "zipkin-json/zipkin__zipkin-lens__testdata__skew.json",
    ));
    let server = records
        .spans
        .iter()
        .find(|s| s.attributes.get("zipkin.shared").is_some())
        .unwrap();
    let children: Vec<_> = records
        .spans
        .iter()
        .filter(|s| s.parent_span_id == Some(server.span_id))
        .collect();
    assert!(
        children
            .iter()
            .all(|child| child.resource.service == server.resource.service),
        "{children:?}"
    );
}

#[tokio::test]
async fn loki_export_lines_get_service_time_and_labels() {
    let path = fixture("loki-json/loki-query-range.json");
    let records = decode(&path);
    let services: Vec<_> = records
        .logs
        .iter()
        .map(|log| log.service.as_deref().unwrap_or("-"))
        .collect();
    assert_eq!(
        services,
        [
            "checkout",
            "checkout",
            "checkout",
            "shop/nginx",
            "shop/nginx",
            "payments",
            "payments",
            "payments"
        ]
    );
    assert!(records.logs.iter().all(|log| log.ts_ns.is_some()));
    assert!(records
        .logs
        .iter()
        .all(|log| log.attributes["namespace"] == "shop"));
    assert_eq!(records.logs[1].body, "payment declined");
    assert_eq!(
        records.logs[3].attributes.get("pod").unwrap(),
        "nginx-5c6b-q8w"
    );
    // The untimed last line takes the Loki entry's time.
    assert_eq!(records.logs[7].ts_ns, Some(1_764_063_000_840_000_000));
    assert!(records.problems.is_empty(), "{:?}", records.problems);

    let case = TestCase::new().await;
    case.ingest(&[path]).await;
    let stats = case.stats().await;
    assert_eq!(stats.logs, 8);
    assert_eq!(stats.logs_orphan, 4);
}
