//! From an export request to the engine's records, with the same mapping as a
//! file of the same encoding (`formats::otlp_proto::emit_*`,
//! `formats::otlp_json::decode_request`): a request body (gzip or not, protobuf
//! or JSON) or a request tonic already decoded becomes a `Decoded` — its spans
//! and logs, what was rejected and why. No sockets and no SQLite here.

use std::io::Read;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

use crate::formats::{otlp_json, otlp_proto, Problem, RecordSink};
use crate::model::{LogRecord, Span};

/// What an export request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    Traces,
    Logs,
}

/// How a request body is written (`Content-Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Protobuf,
    Json,
}

/// The records of one request, ready for the writer.
#[derive(Debug, Default)]
pub(crate) struct Decoded {
    pub(crate) spans: Vec<Span>,
    pub(crate) logs: Vec<LogRecord>,
    /// Records of the request that are not in `spans`/`logs`, and why.
    pub(crate) rejected: u64,
    pub(crate) problems: Vec<Problem>,
}

impl Decoded {
    /// The partial-success message: the first problem, and how many more.
    pub(crate) fn message(&self) -> String {
        match self.problems.as_slice() {
            [] => String::new(),
            [only] => only.message.clone(),
            [first, rest @ ..] => format!("{} (and {} more problems)", first.message, rest.len()),
        }
    }

    pub(crate) fn records(&self) -> u64 {
        (self.spans.len() + self.logs.len()) as u64
    }
}

/// Why a body is not a request: the message of the 400 (or 413) answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Not gzip, not protobuf, not JSON of an export request.
    Undecodable(String),
    /// Larger than the limit once decompressed.
    TooLarge { limit: usize },
}

/// Collects what a decoder emits. A record the decoder could not read is a problem
/// and, from JSON, an unparsed log: the receiver drops those (the client is told
/// how many were rejected), so the case holds only records that were sent.
#[derive(Default)]
struct Collect {
    decoded: Decoded,
    unparsed: u64,
}

impl RecordSink for Collect {
    fn span(&mut self, span: Span) {
        self.decoded.spans.push(span);
    }

    fn log(&mut self, log: LogRecord) {
        if log.unparsed {
            self.unparsed += 1;
        } else {
            self.decoded.logs.push(log);
        }
    }

    fn problem(&mut self, problem: Problem) {
        self.decoded.problems.push(problem);
    }
}

/// Decompresses a `Content-Encoding: gzip` body, refusing more than `limit` bytes.
pub(crate) fn gunzip(body: &[u8], limit: usize) -> Result<Vec<u8>, BodyError> {
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(body)
        .take(limit as u64 + 1)
        .read_to_end(&mut plain)
        .map_err(|error| BodyError::Undecodable(format!("body is not valid gzip: {error}")))?;
    if plain.len() > limit {
        return Err(BodyError::TooLarge { limit });
    }
    Ok(plain)
}

/// The records of a (decompressed) OTLP/HTTP body of `signal` in `encoding`.
pub(crate) fn decode_body(
    signal: Signal,
    encoding: Encoding,
    body: &[u8],
) -> Result<Decoded, BodyError> {
    match (signal, encoding) {
        (Signal::Traces, Encoding::Protobuf) => ExportTraceServiceRequest::decode(body)
            .map(traces_request)
            .map_err(|error| undecodable("ExportTraceServiceRequest", error)),
        (Signal::Logs, Encoding::Protobuf) => ExportLogsServiceRequest::decode(body)
            .map(logs_request)
            .map_err(|error| undecodable("ExportLogsServiceRequest", error)),
        (_, Encoding::Json) => {
            let mut collect = Collect::default();
            let sent =
                otlp_json::decode_request(body, &mut collect).map_err(BodyError::Undecodable)?;
            let mut decoded = collect.decoded;
            decoded.rejected = (sent.spans + sent.logs).saturating_sub(decoded.records());
            Ok(decoded)
        }
    }
}

fn undecodable(message: &str, error: prost::DecodeError) -> BodyError {
    BodyError::Undecodable(format!("body is not a protobuf {message}: {error}"))
}

/// The records of a trace request (from an HTTP body or from gRPC).
pub(crate) fn traces_request(request: ExportTraceServiceRequest) -> Decoded {
    let sent: usize = request
        .resource_spans
        .iter()
        .flat_map(|block| &block.scope_spans)
        .map(|scope| scope.spans.len())
        .sum();
    let mut collect = Collect::default();
    otlp_proto::emit_traces(request, 0, &mut collect);
    let mut decoded = collect.decoded;
    decoded.rejected = (sent as u64).saturating_sub(decoded.records());
    decoded
}

/// The records of a logs request (from an HTTP body or from gRPC).
pub(crate) fn logs_request(request: ExportLogsServiceRequest) -> Decoded {
    let sent: usize = request
        .resource_logs
        .iter()
        .flat_map(|block| &block.scope_logs)
        .map(|scope| scope.log_records.len())
        .sum();
    let mut collect = Collect::default();
    otlp_proto::emit_logs(request, 0, &mut collect);
    let mut decoded = collect.decoded;
    decoded.rejected = (sent as u64).saturating_sub(decoded.records());
    decoded
}
