//! The Listen switch (issue 20): the engine's OTLP receiver (`weft::receive`, as
//! `weft receive` runs it) inside the app process, on the case the window shows. One
//! receiver per window at most; it writes through the case's one writer like a load
//! (each request takes a write turn), so loads, followers and edits take turns with it.
//! Switching off, switching the case (`menu::switch_case`) or closing the window stops
//! it: the receiver ends its sources (`otlp-http` / `otlp-grpc` rows with the peer) and
//! acknowledges nothing more. Loopback addresses only: taking telemetry from other
//! machines is `weft receive --http 0.0.0.0:4318`, which warns.
//!
//! Events to the window:
//! - `listen` `ListenState` — the addresses and the counts so far, when they change (at
//!   most every `EMIT_EVERY`; the UI refreshes its views at most once a second);
//! - `listen-stopped` `ListenStopped` — the receiver stopped (switched off, case
//!   switched), with its last counts, or failed, with the error.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use weft::receive::{ReceiveConfig, ReceiveCounts, Receiving};

use crate::case::Case;
use crate::error::{ApiError, Code};

pub const EVENT_LISTEN: &str = "listen";
pub const EVENT_STOPPED: &str = "listen-stopped";

/// Least time between two `listen` events of one receiver.
const EMIT_EVERY: Duration = Duration::from_millis(250);

/// What the receiver took in so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ListenCounts {
    /// Export requests answered (accepted, partly accepted or refused).
    pub requests: u64,
    pub spans: u64,
    pub logs: u64,
    /// Records refused (a partial success) plus requests refused whole.
    pub rejected: u64,
}

impl From<ReceiveCounts> for ListenCounts {
    fn from(counts: ReceiveCounts) -> Self {
        ListenCounts {
            requests: counts.requests,
            spans: counts.spans,
            logs: counts.logs,
            rejected: counts.rejected + counts.refused,
        }
    }
}

/// A running receiver as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ListenState {
    /// The addresses bound (the port the system chose for port 0), or null when off.
    pub http: Option<String>,
    pub grpc: Option<String>,
    /// The case it writes into.
    pub case: String,
    pub counts: ListenCounts,
}

/// Why the receiver stopped: its last counts, and the error if it failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ListenStopped {
    pub counts: ListenCounts,
    pub error: Option<ApiError>,
}

struct Session {
    receiving: Receiving,
    /// The task sending `listen` events; ended with the receiver.
    forwarder: Option<tauri::async_runtime::JoinHandle<()>>,
    http: Option<String>,
    grpc: Option<String>,
    case: PathBuf,
}

impl Session {
    fn state(&self) -> ListenState {
        ListenState {
            http: self.http.clone(),
            grpc: self.grpc.clone(),
            case: self.case.display().to_string(),
            counts: self.receiving.counts().into(),
        }
    }
}

/// Managed state: the window's receiver, if it listens.
#[derive(Default)]
pub struct Listening {
    session: tokio::sync::Mutex<Option<Session>>,
}

impl Listening {
    /// Stops the receiver if one runs (switch off, case switched, window closed); tells
    /// the window. Returns its last counts.
    pub async fn stop<R: Runtime>(&self, app: &AppHandle<R>) -> Option<ListenCounts> {
        let mut session = self.session.lock().await.take()?;
        if let Some(forwarder) = session.forwarder.take() {
            forwarder.abort();
        }
        let (counts, error) = match session.receiving.stop().await {
            Ok(counts) => (counts.into(), None),
            Err(error) => (
                ListenCounts::default(),
                Some(ApiError::new(Code::Listen, error.to_string())),
            ),
        };
        let _ = app.emit(EVENT_STOPPED, ListenStopped { counts, error });
        Some(counts)
    }
}

/// Reads an address of the popover: an IP address and port on this machine.
pub fn read_address(text: &str, protocol: &str) -> Result<SocketAddr, ApiError> {
    let address: SocketAddr = text.trim().parse().map_err(|_| {
        ApiError::new(
            Code::BadInput,
            format!("{protocol}: `{text}` is not an address (IP:port, e.g. 127.0.0.1:4318)"),
        )
    })?;
    if !address.ip().is_loopback() {
        return Err(ApiError::new(
            Code::BadInput,
            format!(
                "{protocol}: {} is not a loopback address; the window listens on this machine \
                 only (`weft receive` can listen on others)",
                address.ip()
            ),
        ));
    }
    Ok(address)
}

/// Starts the receiver on the open case at `http` and/or `grpc` (null: that protocol
/// off); returns what it listens on. Already listening: returns that.
#[tauri::command]
pub async fn start_listening<R: Runtime>(
    app: AppHandle<R>,
    case: State<'_, Case>,
    listening: State<'_, Listening>,
    http: Option<String>,
    grpc: Option<String>,
) -> Result<ListenState, ApiError> {
    let http = http.map(|text| read_address(&text, "HTTP")).transpose()?;
    let grpc = grpc.map(|text| read_address(&text, "gRPC")).transpose()?;
    if http.is_none() && grpc.is_none() {
        return Err(ApiError::new(
            Code::BadInput,
            "give an HTTP or a gRPC address to listen on",
        ));
    }
    let mut session = listening.session.lock().await;
    if let Some(running) = session.as_ref() {
        return Ok(running.state());
    }
    let open = case.current();
    let store = open.store()?;
    let config = ReceiveConfig {
        http,
        grpc,
        allow_remote: false,
        ..ReceiveConfig::default()
    };
    let receiving = weft::receive::start(store, config)
        .await
        .map_err(|error| ApiError::new(Code::Listen, error.to_string()))?;
    let mut running = Session {
        forwarder: None,
        http: receiving.http_addr().map(|address| address.to_string()),
        grpc: receiving.grpc_addr().map(|address| address.to_string()),
        case: open.path().to_path_buf(),
        receiving,
    };
    let state = running.state();
    running.forwarder = Some(forward_counts(&app, &running));
    *session = Some(running);
    Ok(state)
}

/// Stops the receiver; returns its last counts (null: it was not listening).
#[tauri::command]
pub async fn stop_listening<R: Runtime>(
    app: AppHandle<R>,
    listening: State<'_, Listening>,
) -> Result<Option<ListenCounts>, ApiError> {
    Ok(listening.stop(&app).await)
}

/// What the receiver listens on now, if it does (a reloaded window asks).
#[tauri::command]
pub async fn listen_state(
    listening: State<'_, Listening>,
) -> Result<Option<ListenState>, ApiError> {
    Ok(listening.session.lock().await.as_ref().map(Session::state))
}

/// Sends the counts to the window as they change, at most every `EMIT_EVERY`, until
/// the receiver stops (its watch closes).
fn forward_counts<R: Runtime>(
    app: &AppHandle<R>,
    session: &Session,
) -> tauri::async_runtime::JoinHandle<()> {
    let mut watch = session.receiving.watch();
    let (http, grpc, case) = (
        session.http.clone(),
        session.grpc.clone(),
        session.case.display().to_string(),
    );
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        while watch.changed().await.is_ok() {
            let counts: ListenCounts = (*watch.borrow_and_update()).into();
            let state = ListenState {
                http: http.clone(),
                grpc: grpc.clone(),
                case: case.clone(),
                counts,
            };
            let _ = app.emit(EVENT_LISTEN, state);
            tokio::time::sleep(EMIT_EVERY).await;
        }
    })
}

/// Stops the receiver before the window goes (blocking: the event loop is ending).
pub fn stop_on_close<R: Runtime>(app: &AppHandle<R>) {
    let listening = app.state::<Listening>();
    tauri::async_runtime::block_on(listening.stop(app));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses_are_read_and_others_refused_with_the_reason() {
        assert_eq!(
            read_address("127.0.0.1:4318", "HTTP").unwrap(),
            "127.0.0.1:4318".parse::<SocketAddr>().unwrap()
        );
        assert!(read_address(" [::1]:0 ", "gRPC").is_ok());
        let remote = read_address("0.0.0.0:4318", "HTTP").unwrap_err();
        assert_eq!(remote.code, Code::BadInput);
        assert!(
            remote.message.contains("0.0.0.0 is not a loopback address"),
            "{}",
            remote.message
        );
        let bad = read_address("localhost:4318", "gRPC").unwrap_err();
        assert!(
            bad.message
                .starts_with("gRPC: `localhost:4318` is not an address"),
            "{}",
            bad.message
        );
    }
}
