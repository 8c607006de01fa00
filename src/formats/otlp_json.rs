//! Decodes OTLP/JSON `ExportTraceServiceRequest` and `ExportLogsServiceRequest`,
//! as one document (streamed one resource block at a time, so a document cut
//! mid-way keeps what came before the cut) or as JSON Lines (the collector
//! `file` exporter: a bad line becomes an unparsed record and decoding goes on).
//!
//! Lenient like the collector: lowerCamelCase and snake_case keys, legacy
//! `instrumentationLibrary*`, ids in hex of any case or base64, enums as names
//! or numbers, int64 as strings or numbers, unknown fields ignored, `null` as
//! absent, Tempo's `batches` and Jaeger api_v3's `{"result": …}` wrapper.
//! Framing (document vs lines) is decided here; opening files is not.
//!
//! This file holds the framing, the streaming of a document's blocks and the
//! mapping from messages to records; the messages themselves (and their lenient
//! scalars) are `otlp_json/wire.rs`; reading concatenated documents and
//! cancellable arrays is `json_stream.rs`; id spellings are `ids.rs`.

use std::fmt;
use std::io::BufRead;
use std::sync::Arc;

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::json_stream::{contains_key, decode_documents, EachElement, Elements};
use super::{for_each_line, trim_start, DecodeError, Format, LineDecoder, Problem, RecordSink};
use crate::id_forms::{form_of, IdForms, Reading};
use crate::ids::{SpanId, TraceId};
use crate::model::{LogRecord, Resource, Scope, Span, SpanEvent, SpanLink};
use crate::time::non_zero;

mod wire;

use wire::{
    attributes, severity_number_by_name, AnyValue, ExportRequest, LogRecordJson, ResourceJson,
    ResourceLogs, ResourceSpans, ScopeJson, Skipped, SpanJson,
};

pub struct OtlpJson;

/// Top-level keys that make a JSON document an OTLP export.
const REQUEST_KEYS: &[&str] = &[
    "resourceSpans",
    "resource_spans",
    "resourceLogs",
    "resource_logs",
    "batches",
];

impl Format for OtlpJson {
    fn name(&self) -> &'static str {
        "otlp-json"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        let head = trim_start(head);
        if head.first() != Some(&b'{') {
            return false;
        }
        REQUEST_KEYS.iter().any(|key| contains_key(head, key))
    }

    fn decode(
        &self,
        input: &mut dyn BufRead,
        sink: &mut dyn RecordSink,
    ) -> Result<(), DecodeError> {
        if first_line_is_complete_object(input)? {
            decode_lines(input, sink)
        } else {
            decode_document(input, sink)
        }
    }

    fn line_decoder(&self, head: &[u8]) -> Option<LineDecoder> {
        head_is_lines(head).then_some(decode_line as LineDecoder)
    }
}

/// JSON Lines when the first non-empty line is a whole JSON object on its own.
fn first_line_is_complete_object(input: &mut dyn BufRead) -> Result<bool, DecodeError> {
    Ok(head_is_lines(input.fill_buf()?))
}

/// Whether content starting with `head` is JSON Lines (see above).
fn head_is_lines(head: &[u8]) -> bool {
    let head = trim_start(head);
    let Some(end) = head.iter().position(|&b| b == b'\n') else {
        return false;
    };
    serde_json::from_slice::<IgnoredAny>(&head[..end]).is_ok()
}

fn decode_lines(input: &mut dyn BufRead, sink: &mut dyn RecordSink) -> Result<(), DecodeError> {
    for_each_line(input, sink, decode_line)
}

/// One line of OTLP JSON Lines: one export request.
fn decode_line(sink: &mut dyn RecordSink, line_no: u64, text: &[u8]) {
    match serde_json::from_slice::<ExportRequest>(text) {
        Ok(request) if request.is_request() => request.emit(&mut Emitter {
            sink: &mut *sink,
            line: Some(line_no),
        }),
        Ok(_) => {
            sink.problem(Problem::at_line(line_no, "not an OTLP export request"));
            sink.log(LogRecord::unparsed(line_no, text));
        }
        Err(error) => {
            let message = super::strip_position(&error.to_string());
            sink.problem(Problem::at_line(
                line_no,
                format!("invalid JSON: {message}"),
            ));
            sink.log(LogRecord::unparsed(line_no, text));
        }
    }
}

/// How many spans and log records an OTLP/JSON request holds, read or not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RequestRecords {
    pub(crate) spans: u64,
    pub(crate) logs: u64,
}

/// One OTLP/JSON export request as the receiver gets it (a whole body): its
/// records go into `sink` with the same mapping as a file's; a record that does not
/// read is a problem and an unparsed log, as in a file. Returns how many records
/// the request held, or why the body is not a request at all.
pub(crate) fn decode_request(
    body: &[u8],
    sink: &mut dyn RecordSink,
) -> Result<RequestRecords, String> {
    let request = serde_json::from_slice::<ExportRequest>(body)
        .map_err(|error| format!("not an OTLP/JSON export request: {error}"))?;
    let records = request.records();
    request.emit(&mut Emitter { sink, line: None });
    Ok(records)
}

/// Streams one or more concatenated documents, handing each resource block to the
/// emitter as soon as it is read.
fn decode_document(input: &mut dyn BufRead, sink: &mut dyn RecordSink) -> Result<(), DecodeError> {
    decode_documents(input, sink, |deserializer, sink| {
        RequestSeed {
            emitter: &mut Emitter { sink, line: None },
        }
        .deserialize(deserializer)
    })
}

/// Receives decoded blocks, turns them into records and reports their problems.
struct Emitter<'a> {
    sink: &'a mut dyn RecordSink,
    line: Option<u64>,
}

impl Emitter<'_> {
    fn problem(&mut self, message: String) {
        let problem = match self.line {
            Some(line) => Problem::at_line(line, message),
            None => Problem::unplaced(message),
        };
        self.sink.problem(problem);
    }
}

// ---- streaming of one document ----------------------------------------------------------

struct RequestSeed<'e, 'a> {
    emitter: &'e mut Emitter<'a>,
}

impl<'de> DeserializeSeed<'de> for RequestSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RequestSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an OTLP export request object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "resourceSpans" | "resource_spans" | "batches" => {
                    map.next_value_seed(Elements(&mut Blocks::<ResourceSpans>::new(self.emitter)))?;
                }
                "resourceLogs" | "resource_logs" => {
                    map.next_value_seed(Elements(&mut Blocks::<ResourceLogs>::new(self.emitter)))?;
                }
                "result" => map.next_value_seed(RequestSeed {
                    emitter: &mut *self.emitter,
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// The resource blocks of an array, each emitted as soon as it is complete.
struct Blocks<'e, 'a, B> {
    emitter: &'e mut Emitter<'a>,
    block: std::marker::PhantomData<B>,
}

impl<'e, 'a, B> Blocks<'e, 'a, B> {
    fn new(emitter: &'e mut Emitter<'a>) -> Self {
        Blocks {
            emitter,
            block: std::marker::PhantomData,
        }
    }
}

/// A resource block: `ResourceSpans` or `ResourceLogs`.
trait Block {
    fn emit(self, emitter: &mut Emitter);
}

impl<B: Block + DeserializeOwned> EachElement for Blocks<'_, '_, B> {
    const EXPECTING: &'static str = "an array of resource blocks";

    fn element<'de, D: Deserializer<'de>>(&mut self, element: D) -> Result<(), D::Error> {
        if let Some(block) = Option::<B>::deserialize(element)? {
            block.emit(self.emitter);
        }
        Ok(())
    }

    fn cancelled(&self) -> bool {
        self.emitter.sink.cancelled()
    }
}

// ---- from messages to records ----------------------------------------------------------

impl ExportRequest {
    /// Every block of the request (and of its `result`), in order.
    fn emit(self, emitter: &mut Emitter) {
        self.resource_spans
            .into_iter()
            .flatten()
            .for_each(|block| block.emit(emitter));
        self.resource_logs
            .into_iter()
            .flatten()
            .for_each(|block| block.emit(emitter));
        if let Some(inner) = self.result {
            inner.emit(emitter);
        }
    }
}

impl ExportRequest {
    /// The spans and log records of the request (and of its `result`).
    fn records(&self) -> RequestRecords {
        let mut records = RequestRecords::default();
        for block in self.resource_spans.iter().flatten() {
            for scope in &block.scope_spans {
                records.spans += scope.spans.0.len() as u64;
            }
        }
        for block in self.resource_logs.iter().flatten() {
            for scope in &block.scope_logs {
                records.logs += scope.log_records.0.len() as u64;
            }
        }
        if let Some(inner) = &self.result {
            let inner = inner.records();
            records.spans += inner.spans;
            records.logs += inner.logs;
        }
        records
    }
}

impl Skipped {
    /// Reports the record and keeps its text as an unparsed log line, as a bad
    /// line of a line-oriented file is kept.
    fn emit(self, emitter: &mut Emitter, kind: &str) {
        emitter.problem(format!("{kind}{} skipped: {}", self.what, self.error));
        let mut record = LogRecord::unparsed(emitter.line.unwrap_or(0), self.raw.get().as_bytes());
        record.line = emitter.line;
        emitter.sink.log(record);
    }
}

fn resource_of(resource: ResourceJson, schema_url: String) -> Arc<Resource> {
    Arc::new(Resource::new(
        attributes(resource.attributes),
        schema_url,
        resource.dropped_attributes_count.0,
    ))
}

fn scope_of(scope: ScopeJson, schema_url: String) -> Arc<Scope> {
    Arc::new(Scope {
        name: scope.name,
        version: scope.version,
        attributes: attributes(scope.attributes),
        schema_url,
        dropped_attributes_count: scope.dropped_attributes_count.0,
    })
}

impl Block for ResourceSpans {
    fn emit(self, emitter: &mut Emitter) {
        let resource = resource_of(self.resource, self.schema_url);
        for scope_spans in self.scope_spans {
            let scope = scope_of(scope_spans.scope, scope_spans.schema_url);
            for span in scope_spans.spans.0 {
                match span {
                    Ok(span) => {
                        if let Some(span) = span_record(span, &resource, &scope, emitter) {
                            emitter.sink.span(span);
                        }
                    }
                    Err(skipped) => skipped.emit(emitter, "span"),
                }
            }
        }
    }
}

impl Block for ResourceLogs {
    fn emit(self, emitter: &mut Emitter) {
        let resource = resource_of(self.resource, self.schema_url);
        for scope_logs in self.scope_logs {
            let scope = scope_of(scope_logs.scope, scope_logs.schema_url);
            for log in scope_logs.log_records.0 {
                match log {
                    Ok(log) => {
                        let record = log_record(log, &resource, &scope, emitter);
                        emitter.sink.log(record);
                    }
                    Err(skipped) => skipped.emit(emitter, "log record"),
                }
            }
        }
    }
}

fn span_record(
    span: SpanJson,
    resource: &Arc<Resource>,
    scope: &Arc<Scope>,
    emitter: &mut Emitter,
) -> Option<Span> {
    let (Ok(Some(trace_id)), Ok(Some(span_id))) = (
        TraceId::parse_otlp(&span.trace_id),
        SpanId::parse_otlp(&span.span_id),
    ) else {
        emitter.problem(format!(
            "span `{}` skipped: trace id `{}` / span id `{}` is not a valid id",
            span.name, span.trace_id, span.span_id
        ));
        return None;
    };
    let parent_span_id = SpanId::parse_otlp(&span.parent_span_id).unwrap_or_else(|error| {
        emitter.problem(format!("span `{}`: parent {error}", span.name));
        None
    });
    let mut id_forms = IdForms::default();
    id_forms.add(form_of(&span.trace_id, 16, Reading::Otlp));
    id_forms.add(form_of(&span.span_id, 8, Reading::Otlp));
    if parent_span_id.is_some() {
        id_forms.add(form_of(&span.parent_span_id, 8, Reading::Otlp));
    }
    let events = span
        .events
        .into_iter()
        .map(|event| SpanEvent {
            time_ns: event.time_unix_nano.0,
            name: event.name,
            attributes: attributes(event.attributes),
            dropped_attributes_count: event.dropped_attributes_count.0,
        })
        .collect();
    let mut links = Vec::new();
    for link in span.links {
        match (
            TraceId::parse_otlp(&link.trace_id),
            SpanId::parse_otlp(&link.span_id),
        ) {
            (Ok(Some(linked_trace)), Ok(Some(linked_span))) => links.push(SpanLink {
                trace_id: linked_trace,
                span_id: linked_span,
                trace_state: link.trace_state,
                flags: link.flags.0,
                attributes: attributes(link.attributes),
                dropped_attributes_count: link.dropped_attributes_count.0,
            }),
            _ => emitter.problem(format!(
                "span `{}`: link to `{}`/`{}` skipped: not a valid id",
                span.name, link.trace_id, link.span_id
            )),
        }
    }
    Some(Span {
        trace_id,
        span_id,
        parent_span_id,
        trace_state: span.trace_state,
        flags: span.flags.0,
        name: span.name,
        kind: span.kind.span_kind(),
        start_ns: span.start_time_unix_nano.0,
        end_ns: span.end_time_unix_nano.0,
        status_code: span.status.code.status_code(),
        status_message: span.status.message,
        attributes: attributes(span.attributes),
        events,
        links,
        dropped_attributes_count: span.dropped_attributes_count.0,
        dropped_events_count: span.dropped_events_count.0,
        dropped_links_count: span.dropped_links_count.0,
        resource: resource.clone(),
        scope: scope.clone(),
        id_forms,
    })
}

fn log_record(
    log: LogRecordJson,
    resource: &Arc<Resource>,
    scope: &Arc<Scope>,
    emitter: &mut Emitter,
) -> LogRecord {
    let trace_id = TraceId::parse_otlp(&log.trace_id).unwrap_or_else(|error| {
        emitter.problem(format!("log record: {error}; kept without it"));
        None
    });
    let span_id = SpanId::parse_otlp(&log.span_id).unwrap_or_else(|error| {
        emitter.problem(format!("log record: {error}; kept without it"));
        None
    });
    let mut id_forms = IdForms::default();
    if trace_id.is_some() {
        id_forms.add(form_of(&log.trace_id, 16, Reading::Otlp));
    }
    if span_id.is_some() {
        id_forms.add(form_of(&log.span_id, 8, Reading::Otlp));
    }
    let mut attributes = attributes(log.attributes);
    if !log.event_name.is_empty() {
        attributes
            .entry("event.name")
            .or_insert(Value::String(log.event_name));
    }
    let body = match log.body.map(AnyValue::into_json) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text,
        Some(structured) => structured.to_string(),
    };
    let severity = match log.severity_number.severity() {
        0 => severity_number_by_name(&log.severity_text.to_ascii_uppercase()).unwrap_or(0),
        number => number,
    };
    LogRecord {
        ts_ns: non_zero(log.time_unix_nano.0),
        observed_ns: non_zero(log.observed_time_unix_nano.0),
        severity,
        severity_text: log.severity_text,
        body,
        trace_id,
        span_id,
        flags: log.flags.0,
        attributes,
        attributes_json: None,
        service: Some(resource.service.clone()),
        resource: Some(resource.clone()),
        scope: Some(scope.clone()),
        line: emitter.line,
        unparsed: false,
        ts_inferred: false,
        id_forms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Collected;
    use crate::model::StatusCode;
    use crate::severity;

    fn decode(text: &str) -> Collected {
        let mut sink = Collected::default();
        OtlpJson.decode(&mut text.as_bytes(), &mut sink).unwrap();
        sink
    }

    #[test]
    fn snake_case_legacy_and_names() {
        let text = r#"{"resource_spans":[{"resource":{"attributes":[{"key":"service.name","value":{"string_value":"cart"}}]},
          "instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"lib"},"spans":[
            {"trace_id":"W47/95gDgQPSabYzgT/GDA==","span_id":"7uGbfsPBsXQ=","name":"GET","kind":"SPAN_KIND_CLIENT",
             "start_time_unix_nano":1544712660000000000,"end_time_unix_nano":"1544712661000000000",
             "status":{"code":"STATUS_CODE_ERROR"},"attributes":[{"key":"n","value":{"intValue":"7"}}],
             "unknown":{"x":1}}]}]}]}"#;
        let sink = decode(text);
        assert_eq!(sink.spans.len(), 1);
        let span = &sink.spans[0];
        assert_eq!(span.trace_id.to_hex(), "5b8efff798038103d269b633813fc60c");
        assert_eq!(span.span_id.to_hex(), "eee19b7ec3c1b174");
        assert_eq!(span.kind, 3);
        assert_eq!(span.status_code, StatusCode::Error);
        assert_eq!(span.resource.service, "cart");
        assert_eq!(span.scope.name, "lib");
        assert_eq!(span.attributes["n"], Value::from(7));
        assert!(sink.problems.is_empty());
    }

    #[test]
    fn bad_json_line_is_kept_unparsed() {
        let good = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"hi"},"severityNumber":"SEVERITY_NUMBER_WARN"}]}]}]}"#;
        let text = format!("{good}\nnot json\n{good}\n");
        let sink = decode(&text);
        assert_eq!(sink.logs.len(), 3);
        assert!(sink.logs[1].unparsed);
        assert_eq!(sink.logs[1].line, Some(2));
        assert_eq!(sink.logs[0].severity, severity::WARN);
        assert_eq!(sink.problems.len(), 1);
        assert_eq!(sink.problems[0].line, Some(2));
    }

    #[test]
    fn document_cut_midway_keeps_complete_blocks() {
        let block = r#"{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"a"}]}]}"#;
        let text = format!("{{\n\"resourceSpans\": [\n{block},\n{block},\n{{\"scopeSpans\":[{{\"spans\":[{{\"traceId\":\"5b8e");
        let mut sink = Collected::default();
        let error = OtlpJson
            .decode(&mut text.as_bytes(), &mut sink)
            .unwrap_err();
        assert_eq!(sink.spans.len(), 2);
        assert!(
            matches!(error, DecodeError::Syntax { line: 5, .. }),
            "{error}"
        );
    }
}
