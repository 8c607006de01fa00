//! Load test of `weft receive` (issue 20): N concurrent exporters on loopback —
//! half gRPC (tonic's client, the code path of the Go and Java SDKs' gRPC
//! exporters), half OTLP/HTTP protobuf over kept-alive connections — each sends
//! requests of SPANS spans for SECONDS or until it has sent MAX requests, retrying
//! a request the receiver refuses (503 / UNAVAILABLE) after its Retry-After, as
//! SDKs do. Reports requests/s, spans/s, the p99 acknowledgement latency and the
//! receiver's peak RSS, then counts the case: every acknowledged span once, none
//! lost, none duplicated. Bounded: a fixed number of requests, stops by itself.
//!
//! cargo build --release --bin weft --example receive_load
//! target/release/examples/receive_load [EXPORTERS] [SECONDS] [SPANS] [MAX]
//!   (defaults 8, 30, 100, 20000)

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

struct Exported {
    requests: u64,
    spans: u64,
    retries: u64,
    latencies_us: Vec<u64>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let arg = |index: usize, default: u64| -> anyhow::Result<u64> {
        std::env::args()
            .nth(index)
            .map(|text| text.parse().context("arguments are numbers"))
            .transpose()
            .map(|value| value.unwrap_or(default))
    };
    let (exporters, seconds, spans_per_request, max_requests) =
        (arg(1, 8)?, arg(2, 30)?, arg(3, 100)?, arg(4, 20_000)?);
    let weft = weft_binary()?;
    let dir = tempfile::tempdir()?;
    let case = dir.path().join("load.weft");
    let mut receiver = Command::new(&weft)
        .arg("--case")
        .arg(&case)
        .args([
            "--json",
            "receive",
            "--http",
            "127.0.0.1:0",
            "--grpc",
            "127.0.0.1:0",
        ])
        .args(["--every", "3600"])
        .stdout(Stdio::piped())
        .spawn()?;
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(
        receiver.stdout.take().context("stdout")?,
    ));
    let first: serde_json::Value = serde_json::from_str(&lines.next().context("no output")??)?;
    let address = |name: &str| -> anyhow::Result<SocketAddr> {
        Ok(first["listening"][name]
            .as_str()
            .context("no address")?
            .parse()?)
    };
    let (http, grpc) = (address("http")?, address("grpc")?);
    let pid = receiver.id();

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for exporter in 0..exporters {
        let base = (exporter as u32) << 24;
        tasks.push(tokio::spawn(async move {
            let send = Sender {
                base,
                spans_per_request,
                max_requests,
                deadline,
            };
            if exporter % 2 == 0 {
                send.grpc(grpc).await
            } else {
                send.http(http).await
            }
        }));
    }
    let mut peak_kb = 0;
    let mut results = Vec::new();
    for task in tasks {
        while !task.is_finished() {
            peak_kb = peak_kb.max(peak_rss_kb(pid));
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        results.push(task.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    peak_kb = peak_kb.max(peak_rss_kb(pid));
    // Ctrl-C: the receiver ends its sources and exits.
    Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()?;
    let status = receiver.wait()?;
    anyhow::ensure!(status.success(), "weft receive exited with {status}");

    let requests: u64 = results.iter().map(|result| result.requests).sum();
    let spans: u64 = results.iter().map(|result| result.spans).sum();
    let retries: u64 = results.iter().map(|result| result.retries).sum();
    let mut latencies: Vec<u64> = results.into_iter().flat_map(|r| r.latencies_us).collect();
    latencies.sort_unstable();
    let percentile =
        |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let stats = Command::new(&weft)
        .arg("--case")
        .arg(&case)
        .args(["--json", "stats"])
        .output()?;
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout)?;
    let (in_case, traces_in_case) = (
        stats["spans"].as_u64().unwrap_or(0),
        stats["traces"].as_u64().unwrap_or(0),
    );
    println!(
        "receive load: {exporters} exporters ({} gRPC, {} HTTP), {elapsed:.1} s, {spans_per_request} spans a request ({} cores)",
        exporters.div_ceil(2),
        exporters / 2,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "  {requests} requests acknowledged: {:.0} requests/s, {:.0} spans/s; {retries} retried after 503/UNAVAILABLE",
        requests as f64 / elapsed,
        spans as f64 / elapsed
    );
    println!(
        "  acknowledgement latency: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; receiver peak RSS {:.0} MB",
        percentile(0.50) as f64 / 1000.0,
        percentile(0.99) as f64 / 1000.0,
        *latencies.last().unwrap_or(&0) as f64 / 1000.0,
        peak_kb as f64 / 1024.0
    );
    let lost = spans.saturating_sub(in_case);
    let duplicated = in_case.saturating_sub(spans);
    println!(
        "  case: {in_case} spans in {traces_in_case} traces; lost {lost}, duplicated {duplicated}"
    );
    if lost > 0 || duplicated > 0 || traces_in_case != requests {
        bail!("the case does not hold exactly what was acknowledged");
    }
    Ok(())
}

struct Sender {
    /// High bits of this exporter's trace ids: no two exporters share one.
    base: u32,
    spans_per_request: u64,
    max_requests: u64,
    deadline: Instant,
}

impl Sender {
    /// Request `n`: one trace (its id from the exporter and `n`) of a root and children.
    fn request(&self, n: u64) -> ExportTraceServiceRequest {
        let mut trace_id = [0u8; 16];
        trace_id[..4].copy_from_slice(&(self.base | 1).to_be_bytes());
        trace_id[8..].copy_from_slice(&n.to_be_bytes());
        let start = 1_700_000_000_000_000_000u64 + n * 1_000_000;
        let spans = (0..self.spans_per_request)
            .map(|index| Span {
                trace_id: trace_id.to_vec(),
                span_id: (index + 1).to_be_bytes().to_vec(),
                parent_span_id: if index == 0 {
                    Vec::new()
                } else {
                    1u64.to_be_bytes().to_vec()
                },
                name: format!("op-{}", index % 7),
                kind: 2,
                start_time_unix_nano: start + index * 1000,
                end_time_unix_nano: start + index * 1000 + 500_000,
                attributes: vec![KeyValue {
                    key: "http.route".into(),
                    value: Some(AnyValue {
                        value: Some(any_value::Value::StringValue(format!(
                            "/items/{}",
                            index % 13
                        ))),
                    }),
                    ..Default::default()
                }],
                ..Default::default()
            })
            .collect();
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(Resource {
                    attributes: vec![KeyValue {
                        key: "service.name".into(),
                        value: Some(AnyValue {
                            value: Some(any_value::Value::StringValue(format!(
                                "load-{:x}",
                                self.base >> 24
                            ))),
                        }),
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
                scope_spans: vec![ScopeSpans {
                    spans,
                    ..Default::default()
                }],
                ..Default::default()
            }],
        }
    }

    async fn grpc(self, addr: SocketAddr) -> anyhow::Result<Exported> {
        let mut client = TraceServiceClient::connect(format!("http://{addr}")).await?;
        let mut exported = Exported {
            requests: 0,
            spans: 0,
            retries: 0,
            latencies_us: Vec::new(),
        };
        while exported.requests < self.max_requests && Instant::now() < self.deadline {
            let request = self.request(exported.requests);
            loop {
                let sent = Instant::now();
                match client.export(request.clone()).await {
                    Ok(_) => {
                        exported
                            .latencies_us
                            .push(sent.elapsed().as_micros() as u64);
                        break;
                    }
                    Err(status) if status.code() == tonic::Code::Unavailable => {
                        exported.retries += 1;
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    Err(status) => bail!("gRPC export failed: {status}"),
                }
            }
            exported.requests += 1;
            exported.spans += self.spans_per_request;
        }
        Ok(exported)
    }

    /// OTLP/HTTP protobuf over one kept-alive connection, written by hand.
    async fn http(self, addr: SocketAddr) -> anyhow::Result<Exported> {
        let mut connection = BufReader::new(TcpStream::connect(addr).await?);
        let mut exported = Exported {
            requests: 0,
            spans: 0,
            retries: 0,
            latencies_us: Vec::new(),
        };
        while exported.requests < self.max_requests && Instant::now() < self.deadline {
            let body = self.request(exported.requests).encode_to_vec();
            loop {
                let sent = Instant::now();
                let head = format!(
                    "POST /v1/traces HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-protobuf\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                connection.get_mut().write_all(head.as_bytes()).await?;
                connection.get_mut().write_all(&body).await?;
                let status = read_response(&mut connection).await?;
                match status {
                    200 => {
                        exported
                            .latencies_us
                            .push(sent.elapsed().as_micros() as u64);
                        break;
                    }
                    429 | 503 => {
                        exported.retries += 1;
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    other => bail!("HTTP export answered {other}"),
                }
            }
            exported.requests += 1;
            exported.spans += self.spans_per_request;
        }
        Ok(exported)
    }
}

/// Reads one response (head and a Content-Length body); returns its status.
async fn read_response(connection: &mut BufReader<TcpStream>) -> anyhow::Result<u16> {
    let mut line = String::new();
    connection.read_line(&mut line).await?;
    let status: u16 = line.split(' ').nth(1).context("no status line")?.parse()?;
    let mut length = 0usize;
    loop {
        line.clear();
        connection.read_line(&mut line).await?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse()?;
            }
        }
    }
    let mut body = vec![0; length];
    connection.read_exact(&mut body).await?;
    Ok(status)
}

/// The peak resident set of process `pid` so far (VmHWM), in KiB.
fn peak_rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}

fn weft_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .context("no target folder")?;
    let weft = profile_dir.join("weft");
    anyhow::ensure!(
        weft.exists(),
        "{} is missing: cargo build --bin weft",
        weft.display()
    );
    Ok(weft)
}
