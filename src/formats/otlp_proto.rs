//! Decodes OTLP protobuf `ExportTraceServiceRequest` / `ExportLogsServiceRequest`
//! with the official message definitions (the `opentelemetry-proto` crate, prost):
//! one message per file, or the collector `file` exporter's stream of 4-byte
//! big-endian length-prefixed messages, each plain or zstd-compressed.
//! A message does not say whether it holds traces or logs: it is read as traces
//! first and as logs when the wire types do not fit (the two differ in field 1).

use std::io::BufRead;
use std::sync::Arc;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource as ResourceProto;
use prost::Message;
use serde_json::Value;

use super::{DecodeError, Format, Problem, RecordSink};
use crate::id_forms::IdForms;
use crate::ids::{encode_base64, SpanId, TraceId};
use crate::model::{Attributes, LogRecord, Resource, Scope, Span, SpanEvent, SpanLink, StatusCode};
use crate::time::non_zero;

pub struct OtlpProto;

const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];
/// Messages larger than this are taken as a corrupt length prefix.
const MAX_MESSAGE: u32 = 1 << 30;

impl Format for OtlpProto {
    fn name(&self) -> &'static str {
        "otlp-proto"
    }

    /// A message start, and binary bytes (field tags and lengths below 0x20): text
    /// that happens to begin with newlines is not protobuf.
    fn sniff(&self, head: &[u8]) -> bool {
        let binary = head
            .iter()
            .any(|&b| b < 0x09 || (0x0E..0x1B).contains(&b) || b == 0x1C);
        binary && (is_message_start(head) || is_length_prefixed(head))
    }

    fn decode(
        &self,
        input: &mut dyn BufRead,
        sink: &mut dyn RecordSink,
    ) -> Result<(), DecodeError> {
        let head = input.fill_buf()?;
        if is_length_prefixed(head) && !is_message_start(head) {
            decode_stream(input, sink)
        } else {
            let mut message = Vec::new();
            input.read_to_end(&mut message)?;
            decode_message(&message, 0, sink)
        }
    }
}

/// A request starts with field 1 (resource blocks, length-delimited), whose own
/// first field is a resource (1), a scope block (2) or a schema URL (3).
fn is_message_start(head: &[u8]) -> bool {
    if head.first() != Some(&0x0A) {
        return false;
    }
    let Some((length, used)) = read_varint(&head[1..]) else {
        return false;
    };
    length > 0 && matches!(head.get(1 + used), Some(0x0A | 0x12 | 0x1A))
}

fn is_length_prefixed(head: &[u8]) -> bool {
    if head.len() < 8 {
        return false;
    }
    let length = u32::from_be_bytes(head[..4].try_into().unwrap());
    length > 0 && length < MAX_MESSAGE && (is_message_start(&head[4..]) || head[4..8] == ZSTD_MAGIC)
}

fn read_varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (index, byte) in bytes.iter().take(10).enumerate() {
        value |= u64::from(byte & 0x7F) << (7 * index);
        if byte & 0x80 == 0 {
            return Some((value, index + 1));
        }
    }
    None
}

fn decode_stream(input: &mut dyn BufRead, sink: &mut dyn RecordSink) -> Result<(), DecodeError> {
    let mut offset = 0u64;
    let mut message = Vec::new();
    loop {
        if sink.cancelled() {
            return Err(DecodeError::Cancelled);
        }
        let mut prefix = [0u8; 4];
        match read_full(input, &mut prefix)? {
            0 => return Ok(()),
            4 => {}
            _ => {
                return Err(DecodeError::Corrupt {
                    offset,
                    message: "file ends inside a length prefix".into(),
                })
            }
        }
        let length = u32::from_be_bytes(prefix);
        if length >= MAX_MESSAGE {
            return Err(DecodeError::Corrupt {
                offset,
                message: format!("length prefix {length} is not a plausible message size"),
            });
        }
        message.clear();
        message.resize(length as usize, 0);
        let got = read_full(input, &mut message)?;
        if got < message.len() {
            return Err(DecodeError::Corrupt {
                offset,
                message: format!("message of {length} bytes cut after {got} bytes"),
            });
        }
        let message_offset = offset + 4;
        if message.starts_with(&ZSTD_MAGIC) {
            match zstd::stream::decode_all(message.as_slice()) {
                Ok(plain) => decode_message(&plain, message_offset, sink)?,
                Err(error) => sink.problem(Problem::at_offset(
                    message_offset,
                    format!("zstd-compressed message skipped: {error}"),
                )),
            }
        } else {
            decode_message(&message, message_offset, sink)?;
        }
        offset = message_offset + u64::from(length);
    }
}

/// Reads until `buf` is full or the input ends; returns how many bytes were read.
fn read_full(input: &mut dyn BufRead, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// One message, traces or logs. A message that is neither is a problem, not a stop:
/// in a stream the next message may be fine.
fn decode_message(bytes: &[u8], offset: u64, sink: &mut dyn RecordSink) -> Result<(), DecodeError> {
    let as_traces = ExportTraceServiceRequest::decode(bytes);
    if let Ok(request) = &as_traces {
        if request
            .resource_spans
            .iter()
            .any(|block| !block.scope_spans.is_empty())
        {
            emit_traces(as_traces.unwrap(), offset, sink);
            return Ok(());
        }
    }
    match ExportLogsServiceRequest::decode(bytes) {
        Ok(request)
            if request
                .resource_logs
                .iter()
                .any(|block| !block.scope_logs.is_empty()) =>
        {
            emit_logs(request, offset, sink);
        }
        _ => match as_traces {
            Ok(_) => sink.problem(Problem::at_offset(offset, "message holds no spans or logs")),
            Err(error) => sink.problem(Problem::at_offset(
                offset,
                format!("not an OTLP trace or logs message: {error}"),
            )),
        },
    }
    Ok(())
}

/// The records of one trace request (of a file at byte `offset`, or of the
/// receiver at 0): spans without valid ids are problems, not records.
pub(crate) fn emit_traces(
    request: ExportTraceServiceRequest,
    offset: u64,
    sink: &mut dyn RecordSink,
) {
    for block in request.resource_spans {
        let resource = resource_of(block.resource, block.schema_url);
        for scope_spans in block.scope_spans {
            let scope = scope_of(scope_spans.scope, scope_spans.schema_url);
            for span in scope_spans.spans {
                let (Some(trace_id), Some(span_id)) = (
                    TraceId::from_bytes(&span.trace_id),
                    SpanId::from_bytes(&span.span_id),
                ) else {
                    sink.problem(Problem::at_offset(
                        offset,
                        format!(
                            "span `{}` skipped: missing or malformed trace or span id",
                            span.name
                        ),
                    ));
                    continue;
                };
                let status = span.status.unwrap_or_default();
                sink.span(Span {
                    trace_id,
                    span_id,
                    parent_span_id: SpanId::from_bytes(&span.parent_span_id),
                    trace_state: span.trace_state,
                    flags: span.flags,
                    name: span.name,
                    kind: span.kind,
                    start_ns: clamp_ns(span.start_time_unix_nano),
                    end_ns: clamp_ns(span.end_time_unix_nano),
                    status_code: StatusCode::from_i64(i64::from(status.code)),
                    status_message: status.message,
                    attributes: attributes(span.attributes),
                    events: span
                        .events
                        .into_iter()
                        .map(|event| SpanEvent {
                            time_ns: clamp_ns(event.time_unix_nano),
                            name: event.name,
                            attributes: attributes(event.attributes),
                            dropped_attributes_count: event.dropped_attributes_count,
                        })
                        .collect(),
                    links: span
                        .links
                        .into_iter()
                        .filter_map(|link| {
                            Some(SpanLink {
                                trace_id: TraceId::from_bytes(&link.trace_id)?,
                                span_id: SpanId::from_bytes(&link.span_id)?,
                                trace_state: link.trace_state,
                                flags: link.flags,
                                attributes: attributes(link.attributes),
                                dropped_attributes_count: link.dropped_attributes_count,
                            })
                        })
                        .collect(),
                    dropped_attributes_count: span.dropped_attributes_count,
                    dropped_events_count: span.dropped_events_count,
                    dropped_links_count: span.dropped_links_count,
                    resource: resource.clone(),
                    scope: scope.clone(),
                    id_forms: IdForms::default(),
                });
            }
        }
    }
}

/// The records of one logs request (see `emit_traces`): every log record is kept.
pub(crate) fn emit_logs(request: ExportLogsServiceRequest, offset: u64, sink: &mut dyn RecordSink) {
    for block in request.resource_logs {
        let resource = resource_of(block.resource, block.schema_url);
        for scope_logs in block.scope_logs {
            let scope = scope_of(scope_logs.scope, scope_logs.schema_url);
            for log in scope_logs.log_records {
                let mut attributes = attributes(log.attributes);
                if !log.event_name.is_empty() {
                    attributes
                        .entry("event.name")
                        .or_insert(Value::String(log.event_name));
                }
                let body = match log.body.map(any_value_json) {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::String(text)) => text,
                    Some(structured) => structured.to_string(),
                };
                if !log.trace_id.is_empty() && log.trace_id.len() != 16 {
                    sink.problem(Problem::at_offset(
                        offset,
                        "log record: malformed trace id dropped",
                    ));
                }
                sink.log(LogRecord {
                    ts_ns: non_zero(clamp_ns(log.time_unix_nano)),
                    observed_ns: non_zero(clamp_ns(log.observed_time_unix_nano)),
                    severity: u8::try_from(log.severity_number)
                        .ok()
                        .filter(|n| *n <= 24)
                        .unwrap_or(0),
                    severity_text: log.severity_text,
                    body,
                    trace_id: TraceId::from_bytes(&log.trace_id),
                    span_id: SpanId::from_bytes(&log.span_id),
                    flags: log.flags,
                    attributes,
                    attributes_json: None,
                    service: Some(resource.service.clone()),
                    resource: Some(resource.clone()),
                    scope: Some(scope.clone()),
                    line: None,
                    unparsed: false,
                    ts_inferred: false,
                    // Bytes on the wire: no spelling to rewrite.
                    id_forms: IdForms::default(),
                });
            }
        }
    }
}

fn clamp_ns(ns: u64) -> i64 {
    i64::try_from(ns).unwrap_or(i64::MAX)
}

fn resource_of(resource: Option<ResourceProto>, schema_url: String) -> Arc<Resource> {
    let resource = resource.unwrap_or_default();
    Arc::new(Resource::new(
        attributes(resource.attributes),
        schema_url,
        resource.dropped_attributes_count,
    ))
}

fn scope_of(scope: Option<InstrumentationScope>, schema_url: String) -> Arc<Scope> {
    let scope = scope.unwrap_or_default();
    Arc::new(Scope {
        name: scope.name,
        version: scope.version,
        attributes: attributes(scope.attributes),
        schema_url,
        dropped_attributes_count: scope.dropped_attributes_count,
    })
}

fn attributes(list: Vec<KeyValue>) -> Attributes {
    list.into_iter()
        .map(|kv| (kv.key, kv.value.map_or(Value::Null, any_value_json)))
        .collect()
}

fn any_value_json(value: AnyValue) -> Value {
    match value.value {
        None => Value::Null,
        Some(any_value::Value::StringValue(text)) => Value::String(text),
        Some(any_value::Value::BoolValue(flag)) => Value::Bool(flag),
        Some(any_value::Value::IntValue(number)) => Value::from(number),
        Some(any_value::Value::DoubleValue(number)) => {
            serde_json::Number::from_f64(number).map_or(Value::Null, Value::Number)
        }
        Some(any_value::Value::ArrayValue(array)) => {
            Value::Array(array.values.into_iter().map(any_value_json).collect())
        }
        Some(any_value::Value::KvlistValue(list)) => Value::Object(attributes(list.values)),
        Some(any_value::Value::BytesValue(bytes)) => Value::String(encode_base64(&bytes)),
        #[allow(unreachable_patterns)]
        Some(_) => Value::Null,
    }
}
