//! The same data in every encoding gives the same records: OTLP/JSON, protobuf
//! (one message, the file exporter's length-prefixed stream, zstd per message),
//! and whole-file gzip / zstd. The protobuf bytes are made by an independent
//! JSON reader (opentelemetry-proto's serde mapping) and prost's encoder.

use std::io::Write;
use std::path::{Path, PathBuf};

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;
use weft::formats::Collected;

use crate::common::{decode, fixture, TestCase};
use crate::golden::render;

/// Fixtures that opentelemetry-proto's own JSON mapping reads, with traces or logs.
const SAME_DATA: &[(&str, bool)] = &[
    ("otlp-json/opentelemetry-proto__examples__trace.json", true),
    ("otlp-json/jaeger__internal__storage__integration__fixtures__traces__example_trace.json", true),
    ("otlp-json/jaeger__internal__storage__integration__fixtures__traces__link_attributes_trace.json", true),
    ("otlp-json/jaeger__internal__storage__integration__fixtures__traces__scope_attributes_trace.json", true),
    ("otlp-json/opentelemetry-proto__examples__logs.json", false),
];

fn protobuf_of(json_path: &Path, is_traces: bool) -> Vec<u8> {
    let text = std::fs::read_to_string(json_path).unwrap();
    if is_traces {
        let request: ExportTraceServiceRequest = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("{}: {error}", json_path.display()));
        request.encode_to_vec()
    } else {
        let request: ExportLogsServiceRequest = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("{}: {error}", json_path.display()));
        request.encode_to_vec()
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn length_prefixed(messages: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for message in messages {
        out.extend_from_slice(&(message.len() as u32).to_be_bytes());
        out.extend_from_slice(message);
    }
    out
}

#[test]
fn the_official_protobuf_example_equals_its_json() {
    let json = decode(&fixture(
        "otlp-json/opentelemetry-proto__examples__trace.json",
    ));
    let proto = decode(&fixture(
        "otlp-protobuf/opentelemetry-proto@pr570__examples__trace.protobuf-bin",
    ));
    assert_eq!(json.spans.len(), 1);
    assert_eq!(render(&json), render(&proto));
}

#[test]
fn json_and_every_protobuf_framing_give_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    for (relative, is_traces) in SAME_DATA {
        let json_path = fixture(relative);
        let from_json = decode(&json_path);
        assert!(
            from_json.spans.len() + from_json.logs.len() > 0,
            "{relative}"
        );
        let message = protobuf_of(&json_path, *is_traces);

        let single = write(dir.path(), "single.bin", &message);
        assert_eq!(
            render(&decode(&single)),
            render(&from_json),
            "{relative}: one message"
        );

        let stream = length_prefixed(&[message.clone(), message.clone()]);
        let stream_path = write(dir.path(), "stream.bin", &stream);
        let from_stream = decode(&stream_path);
        // The stream holds the message twice: the records come twice, in order.
        let mut doubled = Collected::default();
        for _ in 0..2 {
            doubled.spans.extend(from_json.spans.iter().cloned());
            doubled.logs.extend(from_json.logs.iter().cloned());
        }
        assert_eq!(render(&from_stream), render(&doubled), "{relative}: stream");

        let compressed = zstd::encode_all(message.as_slice(), 3).unwrap();
        let zstd_stream = length_prefixed(&[compressed, message.clone()]);
        let zstd_path = write(dir.path(), "stream-zstd.bin", &zstd_stream);
        assert_eq!(
            render(&decode(&zstd_path)),
            render(&doubled),
            "{relative}: zstd messages"
        );
    }
}

#[test]
fn whole_file_gzip_and_zstd_decompress_transparently() {
    let dir = tempfile::tempdir().unwrap();
    for relative in [
        "otlp-json/jaeger__internal__storage__v2__memory__fixtures__otel_traces_01.json",
        "otlp-jsonl/lnav__test__logfile_otel_collector.jsonl",
        "otlp-protobuf/opentelemetry-proto@pr570__examples__trace.protobuf-bin",
    ] {
        let plain = std::fs::read(fixture(relative)).unwrap();
        let wanted = render(&decode(&fixture(relative)));

        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gzip.write_all(&plain).unwrap();
        let gz_path = write(dir.path(), "input.gz", &gzip.finish().unwrap());
        assert_eq!(render(&decode(&gz_path)), wanted, "{relative}: gzip");

        let zst_path = write(
            dir.path(),
            "input.zst",
            &zstd::encode_all(plain.as_slice(), 3).unwrap(),
        );
        assert_eq!(render(&decode(&zst_path)), wanted, "{relative}: zstd");
    }
}

#[tokio::test]
async fn the_same_span_from_json_and_protobuf_is_stored_once() {
    let case = TestCase::new().await;
    let reports = case
        .ingest(&[
            fixture("otlp-json/opentelemetry-proto__examples__trace.json"),
            fixture("otlp-protobuf/opentelemetry-proto@pr570__examples__trace.protobuf-bin"),
        ])
        .await;
    assert_eq!(reports[0].spans, 1);
    assert_eq!(reports[1].spans, 1);
    let stats = case.stats().await;
    assert_eq!((stats.spans, stats.traces, stats.sources), (1, 1, 2));
}
