//! `weft receive` (issue 20): raw OTLP/HTTP requests (protobuf, JSON, gzip) and a
//! tonic client against the real receiver on free ports, then the case read back:
//! exactly what was sent, joined; partial success, 400, 413, 415, the metrics
//! answer, 503/UNAVAILABLE when the writer is behind; a `weft receive` killed
//! after its OK loses nothing; two receivers on one case.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;
use weft::receive::{ReceiveConfig, ReceiveError, Receiving};
use weft::Store;

use crate::common::TestCase;

// ---- requests built in code --------------------------------------------------------------

fn text(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.into())),
        }),
        ..Default::default()
    }
}

fn resource(service: &str) -> Option<Resource> {
    Some(Resource {
        attributes: vec![text("service.name", service)],
        ..Default::default()
    })
}

/// A 16-byte trace id whose bytes all are `n`, and 8-byte span ids likewise.
fn trace_id(n: u8) -> Vec<u8> {
    vec![n; 16]
}

fn span_id(n: u8) -> Vec<u8> {
    vec![n; 8]
}

fn span(trace: u8, id: u8, parent: Option<u8>, name: &str) -> Span {
    Span {
        trace_id: trace_id(trace),
        span_id: span_id(id),
        parent_span_id: parent.map(span_id).unwrap_or_default(),
        name: name.into(),
        kind: 2,
        start_time_unix_nano: 1_700_000_000_000_000_000 + u64::from(id) * 1_000_000,
        end_time_unix_nano: 1_700_000_000_010_000_000 + u64::from(id) * 1_000_000,
        attributes: vec![text("http.route", &format!("/{name}"))],
        ..Default::default()
    }
}

fn traces(service: &str, spans: Vec<Span>) -> ExportTraceServiceRequest {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: resource(service),
            scope_spans: vec![ScopeSpans {
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn log(trace: Option<u8>, span: Option<u8>, body: &str) -> LogRecord {
    LogRecord {
        time_unix_nano: 1_700_000_000_005_000_000,
        severity_number: 9,
        body: Some(AnyValue {
            value: Some(any_value::Value::StringValue(body.into())),
        }),
        trace_id: trace.map(trace_id).unwrap_or_default(),
        span_id: span.map(span_id).unwrap_or_default(),
        ..Default::default()
    }
}

fn logs(service: &str, records: Vec<LogRecord>) -> ExportLogsServiceRequest {
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: resource(service),
            scope_logs: vec![ScopeLogs {
                log_records: records,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

// ---- raw HTTP/1.1 ------------------------------------------------------------------------

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// One `POST` on its own connection, written by hand (no HTTP client library).
fn post_blocking(
    addr: SocketAddr,
    path: &str,
    content_type: &str,
    gzipped: bool,
    body: &[u8],
) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let encoding = if gzipped {
        "Content-Encoding: gzip\r\n"
    } else {
        ""
    };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\n{encoding}\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    // A server that refuses a large body may close before reading all of it.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_string(), value.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

async fn post(
    addr: SocketAddr,
    path: &str,
    content_type: &str,
    gzipped: bool,
    body: Vec<u8>,
) -> Answer {
    let (path, content_type) = (path.to_string(), content_type.to_string());
    tokio::task::spawn_blocking(move || post_blocking(addr, &path, &content_type, gzipped, &body))
        .await
        .unwrap()
}

const PROTOBUF: &str = "application/x-protobuf";
const JSON: &str = "application/json";

fn loopback_any_port() -> ReceiveConfig {
    ReceiveConfig {
        http: Some("127.0.0.1:0".parse().unwrap()),
        grpc: Some("127.0.0.1:0".parse().unwrap()),
        ..ReceiveConfig::default()
    }
}

async fn start(case: &TestCase, config: ReceiveConfig) -> Receiving {
    weft::receive::start(case.store.clone(), config)
        .await
        .unwrap()
}

// ---- the tests ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_protobuf_json_and_gzip_land_joined() {
    let case = TestCase::new().await;
    let receiving = start(&case, loopback_any_port()).await;
    let addr = receiving.http_addr().unwrap();
    let reader = case.store.reader().await.unwrap();

    // Traces as gzip'd protobuf: a root and its child.
    let request = traces(
        "shop",
        vec![span(1, 1, None, "checkout"), span(1, 2, Some(1), "pay")],
    );
    let answer = post(
        addr,
        "/v1/traces",
        PROTOBUF,
        true,
        gzip(&request.encode_to_vec()),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some(PROTOBUF));
    let response = ExportTraceServiceResponse::decode(answer.body.as_slice()).unwrap();
    assert_eq!(response.partial_success, None);
    // Acknowledged means committed: a reader sees the spans at once.
    assert_eq!(reader.stats().await.unwrap().spans, 2);

    // Logs as plain JSON (hex ids, the OTLP/JSON spelling): one per span.
    let logs_json = serde_json::json!({"resourceLogs": [{
    "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "shop"}}]},
    "scopeLogs": [{"logRecords": [
        {"timeUnixNano": "1700000000001000000", "severityNumber": 9,
         "body": {"stringValue": "checkout started"},
         "traceId": "01010101010101010101010101010101", "spanId": "0101010101010101"},
        {"timeUnixNano": "1700000000002000000", "severityNumber": 17,
         "body": {"stringValue": "card declined"},
         "traceId": "01010101010101010101010101010101", "spanId": "0202020202020202"}
    ]}]}]});
    let answer = post(
        addr,
        "/v1/logs",
        JSON,
        false,
        logs_json.to_string().into_bytes(),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some(JSON));
    assert_eq!(answer.json(), serde_json::json!({}));

    // Traces as gzip'd JSON: a second trace.
    let traces_json = serde_json::json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "stock"}}]},
        "scopeSpans": [{"spans": [{"traceId": "03030303030303030303030303030303",
            "spanId": "0303030303030303", "name": "reserve", "kind": 2,
            "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000004000000",
            "attributes": [{"key": "items", "value": {"intValue": "3"}}]}]}]}]});
    let answer = post(
        addr,
        "/v1/traces",
        JSON,
        true,
        gzip(traces_json.to_string().as_bytes()),
    )
    .await;
    assert_eq!(answer.status, 200);

    // Logs as protobuf: one without a trace.
    let request = logs("stock", vec![log(None, None, "cache warm")]);
    let answer = post(addr, "/v1/logs", PROTOBUF, false, request.encode_to_vec()).await;
    assert_eq!(answer.status, 200);

    let counts = receiving.stop().await.unwrap();
    assert_eq!((counts.requests, counts.spans, counts.logs), (4, 3, 3));
    assert_eq!((counts.rejected, counts.refused), (0, 0));

    let stats = reader.stats().await.unwrap();
    assert_eq!((stats.traces, stats.spans, stats.logs), (2, 3, 3));
    assert_eq!((stats.logs_span_linked, stats.logs_unlinked), (2, 1));
    let trace = reader
        .trace("01010101010101010101010101010101".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let pay = trace.spans.iter().find(|span| span.name == "pay").unwrap();
    assert_eq!(pay.parent_span_id.as_deref(), Some("0101010101010101"));
    assert_eq!(pay.service, "shop");
    assert_eq!(pay.attributes["http.route"], "/pay");
    assert_eq!(pay.logs.len(), 1);
    assert_eq!(pay.logs[0].body, "card declined");
    let reserve = reader
        .trace("03030303030303030303030303030303".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reserve.spans[0].attributes["items"], 3);

    // One source, complete, named by protocol and peer, with what it brought.
    let sources = reader.sources().await.unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].path, "otlp-http://127.0.0.1");
    assert_eq!(sources[0].format.as_deref(), Some("otlp-http"));
    assert_eq!((sources[0].spans, sources[0].logs), (3, 3));
    case.full_text_integrity().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_success_counts_the_rejected_records() {
    let case = TestCase::new().await;
    let receiving = start(&case, loopback_any_port()).await;
    let addr = receiving.http_addr().unwrap();

    let mut no_id = span(4, 3, None, "broken");
    no_id.trace_id.clear();
    let request = traces(
        "shop",
        vec![span(4, 1, None, "a"), span(4, 2, Some(1), "b"), no_id],
    );
    let answer = post(addr, "/v1/traces", PROTOBUF, false, request.encode_to_vec()).await;
    assert_eq!(answer.status, 200);
    let partial = ExportTraceServiceResponse::decode(answer.body.as_slice())
        .unwrap()
        .partial_success
        .expect("a partial success");
    assert_eq!(partial.rejected_spans, 1);
    assert!(
        partial.error_message.contains("`broken` skipped"),
        "{}",
        partial.error_message
    );

    let bad_logs = serde_json::json!({"resourceLogs": [{"scopeLogs": [{"logRecords": [
        {"timeUnixNano": "1700000000001000000", "body": {"stringValue": "fine"}},
        {"timeUnixNano": "not a time", "body": {"stringValue": "bad"}}
    ]}]}]});
    let answer = post(
        addr,
        "/v1/logs",
        JSON,
        false,
        bad_logs.to_string().into_bytes(),
    )
    .await;
    assert_eq!(answer.status, 200);
    let partial = &answer.json()["partialSuccess"];
    assert_eq!(partial["rejectedLogRecords"], 1);
    assert!(partial["errorMessage"]
        .as_str()
        .unwrap()
        .contains("skipped"));

    let counts = receiving.stop().await.unwrap();
    assert_eq!((counts.spans, counts.logs, counts.rejected), (2, 1, 2));
    let stats = case.stats().await;
    // Only what was accepted is in the case (no unparsed stand-in for the bad record).
    assert_eq!((stats.spans, stats.logs), (2, 1));
    let sources = case.store.reader().await.unwrap().sources().await.unwrap();
    assert_eq!(sources[0].problems, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undecodable_too_large_and_unsupported_requests_are_refused() {
    let case = TestCase::new().await;
    let config = ReceiveConfig {
        max_body_bytes: 1024,
        ..loopback_any_port()
    };
    let receiving = start(&case, config).await;
    let addr = receiving.http_addr().unwrap();

    let answer = post(
        addr,
        "/v1/traces",
        PROTOBUF,
        false,
        b"\xff\xff\xff garbage".to_vec(),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.header("content-type"), Some(PROTOBUF));
    let answer = post(addr, "/v1/logs", JSON, false, b"[1, 2".to_vec()).await;
    assert_eq!(answer.status, 400);
    assert!(answer.json()["message"]
        .as_str()
        .unwrap()
        .contains("not an OTLP/JSON export request"));
    let answer = post(
        addr,
        "/v1/traces",
        PROTOBUF,
        true,
        b"not gzip at all".to_vec(),
    )
    .await;
    assert_eq!(answer.status, 400);

    // Over the limit: as sent, and once decompressed (a small gzip of many bytes).
    let big = traces("shop", (1..=40).map(|n| span(5, n, None, "x")).collect());
    assert!(big.encoded_len() > 1024);
    let answer = post(addr, "/v1/traces", PROTOBUF, false, big.encode_to_vec()).await;
    assert_eq!(answer.status, 413);
    let answer = post(
        addr,
        "/v1/traces",
        PROTOBUF,
        true,
        gzip(&big.encode_to_vec()),
    )
    .await;
    assert_eq!(answer.status, 413);

    let answer = post(addr, "/v1/traces", "text/plain", false, b"hello".to_vec()).await;
    assert_eq!(answer.status, 415);

    // Metrics: a clear answer at once, not a hang.
    let answer = post(addr, "/v1/metrics", JSON, false, b"{}".to_vec()).await;
    assert_eq!(answer.status, 404);
    assert!(answer.json()["message"]
        .as_str()
        .unwrap()
        .contains("does not keep metrics"));

    let counts = receiving.stop().await.unwrap();
    assert_eq!((counts.requests, counts.refused, counts.spans), (6, 6, 0));
    assert_eq!(case.stats().await.spans, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_export_with_tonic_client() {
    let case = TestCase::new().await;
    let receiving = start(&case, loopback_any_port()).await;
    let endpoint = format!("http://{}", receiving.grpc_addr().unwrap());

    let mut traces_client = TraceServiceClient::connect(endpoint.clone())
        .await
        .unwrap()
        .send_compressed(tonic::codec::CompressionEncoding::Gzip);
    let mut no_id = span(6, 9, None, "broken");
    no_id.span_id = vec![1, 2, 3];
    let request = traces(
        "shop",
        vec![
            span(6, 1, None, "checkout"),
            span(6, 2, Some(1), "pay"),
            no_id,
        ],
    );
    let response = traces_client.export(request).await.unwrap().into_inner();
    assert_eq!(response.partial_success.unwrap().rejected_spans, 1);

    let mut logs_client = LogsServiceClient::connect(endpoint).await.unwrap();
    let request = logs(
        "shop",
        vec![
            log(Some(6), Some(2), "paid"),
            log(Some(6), None, "in trace"),
        ],
    );
    let response = logs_client.export(request).await.unwrap().into_inner();
    assert_eq!(response.partial_success, None);

    let counts = receiving.stop().await.unwrap();
    assert_eq!(
        (counts.requests, counts.spans, counts.logs, counts.rejected),
        (2, 2, 2, 1)
    );
    let reader = case.store.reader().await.unwrap();
    let stats = reader.stats().await.unwrap();
    assert_eq!((stats.logs_span_linked, stats.logs_trace_linked), (1, 1));
    let sources = reader.sources().await.unwrap();
    assert_eq!(sources[0].path, "otlp-grpc://127.0.0.1");
    assert_eq!(sources[0].format.as_deref(), Some("otlp-grpc"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_behind_answers_503_and_unavailable_with_retry() {
    let case = TestCase::new().await;
    // Queued bodies may take 2 × 4 KiB: two requests of ~3 KiB wait, a third is refused.
    let config = ReceiveConfig {
        max_body_bytes: 4096,
        ..loopback_any_port()
    };
    let receiving = start(&case, config).await;
    let addr = receiving.http_addr().unwrap();
    let body = |trace: u8| {
        let spans = (1..=28)
            .map(|n| span(trace, n, None, "padding-name"))
            .collect();
        traces("shop", spans).encode_to_vec()
    };
    assert!((2049..=3072).contains(&body(7).len()), "{}", body(7).len());

    // This test holds the case's write turn: the receiver's writer waits behind it.
    let turn = case.store.writer().await.unwrap();
    let first = tokio::spawn(post(addr, "/v1/traces", PROTOBUF, false, body(7)));
    let second = tokio::spawn(post(addr, "/v1/traces", PROTOBUF, false, body(8)));
    tokio::time::sleep(Duration::from_millis(700)).await;
    let answer = post(addr, "/v1/traces", PROTOBUF, false, body(9)).await;
    assert_eq!(answer.status, 503);
    assert_eq!(answer.header("retry-after"), Some("1"));

    let mut client =
        TraceServiceClient::connect(format!("http://{}", receiving.grpc_addr().unwrap()))
            .await
            .unwrap();
    let request = ExportTraceServiceRequest::decode(body(10).as_slice()).unwrap();
    let status = client.export(request).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unavailable);
    assert!(
        !status.details().is_empty(),
        "a RetryInfo in the status details"
    );

    drop(turn);
    assert_eq!(first.await.unwrap().status, 200);
    assert_eq!(second.await.unwrap().status, 200);
    let counts = receiving.stop().await.unwrap();
    assert_eq!((counts.requests, counts.refused, counts.spans), (4, 2, 56));
    assert_eq!(case.stats().await.spans, 56);
}

#[tokio::test]
async fn other_addresses_than_loopback_need_allow_remote() {
    let case = TestCase::new().await;
    let config = ReceiveConfig {
        http: Some("0.0.0.0:0".parse().unwrap()),
        grpc: None,
        ..ReceiveConfig::default()
    };
    let refused = weft::receive::start(case.store.clone(), config.clone()).await;
    assert!(matches!(refused, Err(ReceiveError::Remote { .. })));
    let allowed = ReceiveConfig {
        allow_remote: true,
        ..config
    };
    let receiving = weft::receive::start(case.store.clone(), allowed)
        .await
        .unwrap();
    assert!(receiving.http_addr().unwrap().port() > 0);
    receiving.stop().await.unwrap();

    let output = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args([
            "--case",
            case.path().to_str().unwrap(),
            "receive",
            "--http",
            "0.0.0.0:0",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("0.0.0.0:0 is not a loopback address") && stderr.contains("--allow-remote"),
        "{stderr}"
    );
}

/// A `weft receive` process on free ports, its address read from its first line.
struct ReceiveProcess {
    child: std::process::Child,
    http: SocketAddr,
}

impl ReceiveProcess {
    fn spawn(case: &std::path::Path) -> ReceiveProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_weft"))
            .args(["--case", case.to_str().unwrap(), "--json", "receive"])
            .args(["--http", "127.0.0.1:0", "--grpc", "off"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
        let first: serde_json::Value = serde_json::from_str(&line).unwrap();
        let http = first["listening"]["http"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        // Keep reading its lines so it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        ReceiveProcess { child, http }
    }

    /// SIGTERM, as Ctrl-C would, and waits for a clean exit.
    fn terminate(mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        assert!(self.child.wait().unwrap().success());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_killed_after_its_ok_loses_nothing() {
    let case = TestCase::new().await;
    let mut receiver = ReceiveProcess::spawn(&case.path());
    for batch in 0..20u8 {
        let spans = (1..=50)
            .map(|n| span(100 + batch, n, None, "work"))
            .collect();
        let request = traces("shop", spans);
        let answer = post(
            receiver.http,
            "/v1/traces",
            PROTOBUF,
            false,
            request.encode_to_vec(),
        )
        .await;
        assert_eq!(answer.status, 200);
    }
    // SIGKILL: no chance to finish anything.
    receiver.child.kill().unwrap();
    receiver.child.wait().unwrap();

    let reopened = Store::open(&case.path()).await.unwrap();
    // A write turn settles what a dead process left (it must leave nothing to take).
    drop(reopened.writer().await.unwrap());
    let reader = reopened.reader().await.unwrap();
    let stats = reader.stats().await.unwrap();
    assert_eq!((stats.traces, stats.spans), (20, 1000));
    let sources = reader.sources().await.unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].spans, 1000);
    assert_eq!(sources[0].status, "complete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_receivers_share_one_case() {
    let case = TestCase::new().await;
    // Two processes: each has its own writer; SQLite makes one wait for the other.
    let one = ReceiveProcess::spawn(&case.path());
    let two = ReceiveProcess::spawn(&case.path());
    let mut sent = Vec::new();
    for batch in 0..10u8 {
        for (receiver, base) in [(&one, 0u8), (&two, 100u8)] {
            let request = traces(
                "shop",
                (1..=20)
                    .map(|n| span(base + batch + 1, n, None, "w"))
                    .collect(),
            );
            sent.push(tokio::spawn(post(
                receiver.http,
                "/v1/traces",
                PROTOBUF,
                false,
                request.encode_to_vec(),
            )));
        }
    }
    for answer in sent {
        assert_eq!(answer.await.unwrap().status, 200);
    }
    one.terminate();
    two.terminate();
    // And two in one process: they take turns with the process's one writer.
    let first = start(&case, loopback_any_port()).await;
    let second = start(&case, loopback_any_port()).await;
    let (a, b) = tokio::join!(
        post(
            first.http_addr().unwrap(),
            "/v1/traces",
            PROTOBUF,
            false,
            traces("shop", vec![span(201, 1, None, "a")]).encode_to_vec()
        ),
        post(
            second.http_addr().unwrap(),
            "/v1/traces",
            PROTOBUF,
            false,
            traces("shop", vec![span(202, 1, None, "b")]).encode_to_vec()
        ),
    );
    assert_eq!((a.status, b.status), (200, 200));
    first.stop().await.unwrap();
    second.stop().await.unwrap();

    let reader = case.store.reader().await.unwrap();
    let stats = reader.stats().await.unwrap();
    assert_eq!((stats.traces, stats.spans), (22, 402));
    let sources = reader.sources().await.unwrap();
    assert_eq!(sources.len(), 4, "one source per receiver session");
    let spans: Vec<i64> = sources.iter().map(|source| source.spans).collect();
    assert_eq!(spans, [200, 200, 1, 1]);
}
