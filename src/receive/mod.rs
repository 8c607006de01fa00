//! `weft receive` and the app's Listen switch: a local OTLP endpoint that writes
//! what SDKs and collectors send into a case. HTTP (`http.rs`, axum) and gRPC
//! (`grpc.rs`, tonic) decode requests into the engine's records with the same
//! mapping as files (`decode.rs`), and a bounded queue hands them to the case's
//! one writer, which commits them in groups and answers each request once its
//! records are durable (`commit.rs`).
//!
//! `start` binds and returns at once; `Receiving::stop` stops accepting, commits
//! what was accepted and ends the sources. Loopback only, unless the caller says
//! `allow_remote`.

mod commit;
mod decode;
mod grpc;
mod http;
mod status;

use std::net::SocketAddr;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use crate::store::StoreError;
use crate::Store;

/// How long a client is told to wait when the writer is behind (`Retry-After`).
pub(crate) const RETRY_AFTER_SECONDS: u64 = 1;

/// How long `stop` waits for open requests before it closes their connections.
const STOP_PATIENCE: Duration = Duration::from_secs(10);

/// Where and how to listen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiveConfig {
    /// The OTLP/HTTP address (`None`: no HTTP endpoint).
    pub http: Option<SocketAddr>,
    /// The OTLP/gRPC address (`None`: no gRPC endpoint).
    pub grpc: Option<SocketAddr>,
    /// Whether an address other than loopback may be used.
    pub allow_remote: bool,
    /// The largest request body (decompressed) taken; larger ones get 413 /
    /// RESOURCE_EXHAUSTED.
    pub max_body_bytes: usize,
}

/// The OTLP ports on loopback: 4318 for HTTP, 4317 for gRPC.
pub const DEFAULT_HTTP: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 4318);
pub const DEFAULT_GRPC: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 4317);

impl Default for ReceiveConfig {
    fn default() -> Self {
        ReceiveConfig {
            http: Some(DEFAULT_HTTP),
            grpc: Some(DEFAULT_GRPC),
            allow_remote: false,
            // The collector's OTLP receiver has no limit by default; SDKs batch
            // 512 spans (~0.5 MB); 32 MiB takes any sane batch.
            max_body_bytes: 32 << 20,
        }
    }
}

/// What arrived since the receiver started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReceiveCounts {
    /// Export requests answered (accepted or not).
    pub requests: u64,
    /// Spans committed to the case.
    pub spans: u64,
    /// Log records committed to the case.
    pub logs: u64,
    /// Records of accepted requests that were rejected (partial success).
    pub rejected: u64,
    /// Requests answered with an error (undecodable, too large, writer behind).
    pub refused: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    /// An address that is not loopback, without `allow_remote`.
    #[error(
        "{addr} is not a loopback address: listening there lets other machines write into \
         the case; pass --allow-remote to do it anyway"
    )]
    Remote { addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("neither HTTP nor gRPC: nothing to listen on")]
    Nothing,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the {0} server stopped unexpectedly")]
    Server(&'static str),
}

/// A running receiver.
pub struct Receiving {
    http_addr: Option<SocketAddr>,
    grpc_addr: Option<SocketAddr>,
    counts: watch::Receiver<ReceiveCounts>,
    stop_servers: Vec<oneshot::Sender<()>>,
    servers: Vec<(&'static str, JoinHandle<()>)>,
    stop_writer: oneshot::Sender<()>,
    writer: JoinHandle<Result<(), StoreError>>,
}

/// Binds the endpoints of `config` and starts receiving into the case of `store`;
/// returns as soon as both listen.
pub async fn start(store: Store, config: ReceiveConfig) -> Result<Receiving, ReceiveError> {
    if config.http.is_none() && config.grpc.is_none() {
        return Err(ReceiveError::Nothing);
    }
    for addr in config.http.iter().chain(config.grpc.iter()) {
        if !config.allow_remote && !addr.ip().is_loopback() {
            return Err(ReceiveError::Remote { addr: *addr });
        }
    }
    let http_listener = match config.http {
        Some(addr) => Some(bind(addr).await?),
        None => None,
    };
    let grpc_listener = match config.grpc {
        Some(addr) => Some(bind(addr).await?),
        None => None,
    };
    let (stop_writer, writer_stop) = oneshot::channel();
    // Queued bodies: room for a few of the largest, at least 64 MiB.
    let budget = (config.max_body_bytes.saturating_mul(2)).max(64 << 20);
    let (intake, writer) = commit::start(store, budget, writer_stop);
    let counts = intake.counts.subscribe();
    let mut receiving = Receiving {
        http_addr: None,
        grpc_addr: None,
        counts,
        stop_servers: Vec::new(),
        servers: Vec::new(),
        stop_writer,
        writer,
    };
    if let Some((listener, addr)) = http_listener {
        receiving.http_addr = Some(addr);
        let (stop, stopped) = oneshot::channel::<()>();
        let app = http::router(http::Http {
            intake: intake.clone(),
            max_body_bytes: config.max_body_bytes,
        })
        .into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        receiving.stop_servers.push(stop);
        receiving.servers.push(("HTTP", server));
    }
    if let Some((listener, addr)) = grpc_listener {
        receiving.grpc_addr = Some(addr);
        let (stop, stopped) = oneshot::channel::<()>();
        let (traces, logs) = grpc::services(
            grpc::Grpc {
                intake: intake.clone(),
            },
            config.max_body_bytes,
        );
        let incoming = tonic::transport::server::TcpIncoming::from(listener);
        let server = tokio::spawn(async move {
            let _ = tonic::transport::Server::builder()
                .add_service(traces)
                .add_service(logs)
                .serve_with_incoming_shutdown(incoming, async move {
                    let _ = stopped.await;
                })
                .await;
        });
        receiving.stop_servers.push(stop);
        receiving.servers.push(("gRPC", server));
    }
    drop(intake);
    Ok(receiving)
}

async fn bind(addr: SocketAddr) -> Result<(tokio::net::TcpListener, SocketAddr), ReceiveError> {
    let bind_error = |source| ReceiveError::Bind { addr, source };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(bind_error)?;
    let bound = listener.local_addr().map_err(bind_error)?;
    Ok((listener, bound))
}

impl Receiving {
    /// The address the HTTP endpoint listens on (its real port when 0 was asked).
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http_addr
    }

    /// The address the gRPC endpoint listens on.
    pub fn grpc_addr(&self) -> Option<SocketAddr> {
        self.grpc_addr
    }

    /// What arrived so far.
    pub fn counts(&self) -> ReceiveCounts {
        *self.counts.borrow()
    }

    /// The counts, changed after every request.
    pub fn watch(&self) -> watch::Receiver<ReceiveCounts> {
        self.counts.clone()
    }

    /// Stops accepting, commits (and answers) what was accepted, ends the sources;
    /// returns the final counts.
    pub async fn stop(self) -> Result<ReceiveCounts, ReceiveError> {
        for stop in self.stop_servers {
            let _ = stop.send(());
        }
        let mut failed = None;
        for (name, mut server) in self.servers {
            match tokio::time::timeout(STOP_PATIENCE, &mut server).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => failed = Some(name),
                // Clients that keep their requests open past the patience.
                Err(_) => server.abort(),
            }
        }
        let _ = self.stop_writer.send(());
        match self.writer.await {
            Ok(result) => result?,
            Err(_) => return Err(ReceiveError::Server("writer")),
        }
        if let Some(name) = failed {
            return Err(ReceiveError::Server(name));
        }
        let counts = *self.counts.borrow();
        Ok(counts)
    }
}

/// The counts as a line for people: `3 requests, 1200 spans, 40 logs`, and what
/// was rejected or refused when anything was.
pub fn describe_counts(counts: &ReceiveCounts) -> String {
    let mut text = format!(
        "{} requests, {} spans, {} logs",
        counts.requests, counts.spans, counts.logs
    );
    if counts.rejected > 0 {
        text.push_str(&format!(", {} records rejected", counts.rejected));
    }
    if counts.refused > 0 {
        text.push_str(&format!(", {} requests refused", counts.refused));
    }
    text
}
