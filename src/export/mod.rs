//! `weft export` and the app's File → Export…: the records of a selection (a
//! query's traces and logs, named traces, or the whole case) back out as OTLP —
//! to a file (`file.rs`: one OTLP/JSON document per signal, the Collector file
//! exporter's JSON Lines, or its length-prefixed protobuf) or pushed to an
//! OTLP/HTTP endpoint (`push.rs`). `otlp.rs` turns records into messages and
//! `json.rs` writes messages by the OTLP/JSON mapping; the store reads the
//! records a page at a time (`store::reader::export_rows`), so memory does not
//! grow with the case: at most two requests wait between the reader and the
//! thread that writes or sends them.
//!
//! Spans go first (the traces of the selection, in trace id order, a request per
//! page of spans), then logs (in load order, a request per page).

mod file;
mod json;
mod otlp;
mod push;

use std::path::PathBuf;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use serde::{Deserialize, Serialize};

use crate::ids::{SpanId, TraceId};
use crate::store::{InternedRows, Reader, RecordSelection, StoreError};

pub use file::FileSink;
pub use json::{logs_request_json, trace_request_json};
pub use otlp::{any_value, body_value, logs_request, service_resource, trace_request};
pub use push::{PushSink, RetryPolicy};

/// Trace ids read at a time.
const TRACE_PAGE: u32 = 256;
/// Spans per request.
const SPAN_PAGE: u32 = 2_000;
/// Logs per request.
const LOG_PAGE: u32 = 2_000;
/// Requests waiting for the writing thread.
const QUEUED_REQUESTS: usize = 2;

/// How an export file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ExportFormat {
    /// One OTLP/JSON document for the spans (`{"resourceSpans":[…]}`) followed by one
    /// for the logs (`{"resourceLogs":[…]}`).
    OtlpJson,
    /// One `ExportTraceServiceRequest` / `ExportLogsServiceRequest` per line, as the
    /// OpenTelemetry Collector's file exporter writes them.
    OtlpJsonl,
    /// The file exporter's protobuf form: each request as a 4-byte big-endian length
    /// and the message.
    OtlpProto,
}

impl ExportFormat {
    /// The name of the format on the command line and in `weft ingest`'s sources.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::OtlpJson => "otlp-json",
            ExportFormat::OtlpJsonl => "otlp-jsonl",
            ExportFormat::OtlpProto => "otlp-proto",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::OtlpJson => "json",
            ExportFormat::OtlpJsonl => "jsonl",
            ExportFormat::OtlpProto => "binpb",
        }
    }
}

/// What an export wrote (or sent and the receiver accepted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportCounts {
    pub spans: u64,
    pub logs: u64,
    /// Requests written or sent.
    pub requests: u64,
    /// Spans and logs a receiver answered it rejected (OTLP partial success).
    pub rejected_spans: u64,
    pub rejected_logs: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A push that stopped: what was sent before is in `sent`.
    #[error("{url}: {message}; sent before the failure: {} spans and {} logs in {} requests; the rest was not sent", sent.spans, sent.logs, sent.requests)]
    Push {
        url: String,
        message: String,
        sent: ExportCounts,
    },
    #[error("`{url}` is not an http:// or https:// URL")]
    BadUrl { url: String },
}

/// One request of an export, with the number of records it holds.
pub enum Request {
    Traces(ExportTraceServiceRequest, u64),
    Logs(ExportLogsServiceRequest, u64),
}

/// Where the requests of an export go, on a thread of its own (it may block).
pub trait RequestSink: Send {
    fn write(&mut self, request: Request) -> Result<(), ExportError>;
    /// After the last request: flush, close documents. Returns what was written.
    fn finish(self: Box<Self>) -> Result<ExportCounts, ExportError>;
}

/// Exports the records of `selection` into `sink`: spans of the selected traces first,
/// then the selected logs, a page at a time.
pub async fn export(
    reader: &Reader,
    selection: &RecordSelection,
    sink: Box<dyn RequestSink>,
) -> Result<ExportCounts, ExportError> {
    let selection_sql = reader.selection_sql(selection).await?;
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Request>(QUEUED_REQUESTS);
    let writing = tokio::task::spawn_blocking(move || {
        let mut sink = sink;
        while let Some(request) = receiver.blocking_recv() {
            sink.write(request)?;
        }
        sink.finish()
    });
    let reading = async move {
        let mut interned = InternedRows::default();
        let mut after_trace: Option<TraceId> = None;
        loop {
            let trace_ids = reader
                .export_trace_ids(&selection_sql, after_trace, TRACE_PAGE)
                .await?;
            let Some(&last) = trace_ids.last() else {
                break;
            };
            after_trace = Some(last);
            let mut after_span: Option<(TraceId, SpanId)> = None;
            loop {
                let spans = reader
                    .export_spans(&trace_ids, after_span, SPAN_PAGE, &mut interned)
                    .await?;
                let Some(last_span) = spans.last() else {
                    break;
                };
                after_span = Some((last_span.trace_id, last_span.span_id));
                let n_spans = spans.len() as u64;
                if sender
                    .send(Request::Traces(trace_request(spans), n_spans))
                    .await
                    .is_err()
                {
                    // The writer stopped: its error is the export's.
                    return Ok::<(), ExportError>(());
                }
            }
        }
        let mut after_log = 0;
        loop {
            let logs = reader
                .export_logs(&selection_sql, after_log, LOG_PAGE, &mut interned)
                .await?;
            let Some(last_log) = logs.last() else {
                break;
            };
            after_log = last_log.id;
            let n_logs = logs.len() as u64;
            let records = logs.into_iter().map(|log| log.record).collect();
            if sender
                .send(Request::Logs(logs_request(records), n_logs))
                .await
                .is_err()
            {
                return Ok(());
            }
        }
        Ok(())
    };
    let read_result = reading.await;
    let write_result = writing.await.expect("the export writer does not panic");
    read_result?;
    write_result
}

/// Exports `selection` to the file `path` in `format`.
pub async fn export_to_file(
    reader: &Reader,
    selection: &RecordSelection,
    path: &std::path::Path,
    format: ExportFormat,
) -> Result<ExportCounts, ExportError> {
    let sink = FileSink::create(path, format)?;
    export(reader, selection, Box::new(sink)).await
}

/// Pushes `selection` to the OTLP/HTTP receiver at `url`.
pub async fn export_to_url(
    reader: &Reader,
    selection: &RecordSelection,
    url: &str,
    retry: RetryPolicy,
) -> Result<ExportCounts, ExportError> {
    let sink = PushSink::new(url, retry)?;
    export(reader, selection, Box::new(sink)).await
}
