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

use std::fmt;
use std::io::BufRead;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::Value;

use super::{
    for_each_line, trim_start, DecodeError, Format, LineDecoder, Problem, RecordSink, SkipBom,
};
use crate::ids::{decode_base64, SpanId, TraceId};
use crate::model::{Attributes, LogRecord, Resource, Scope, Span, SpanEvent, SpanLink, StatusCode};
use crate::severity;

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

/// Whether `"key"` followed by `:` occurs in `head`.
fn contains_key(head: &[u8], key: &str) -> bool {
    let quoted = format!("\"{key}\"");
    let needle = quoted.as_bytes();
    head.windows(needle.len()).enumerate().any(|(at, window)| {
        window == needle
            && head[at + needle.len()..]
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                == Some(&b':')
    })
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

/// Streams one or more concatenated documents, handing each resource block to the
/// emitter as soon as it is read.
fn decode_document(input: &mut dyn BufRead, sink: &mut dyn RecordSink) -> Result<(), DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_reader(SkipBom::new(input));
    loop {
        let mut emitter = Emitter {
            sink: &mut *sink,
            line: None,
        };
        RequestSeed {
            emitter: &mut emitter,
        }
        .deserialize(&mut deserializer)
        .map_err(DecodeError::from_json)?;
        if deserializer.end().is_ok() {
            return Ok(());
        }
    }
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
                    map.next_value_seed(BlockSeq::<ResourceSpans>::new(self.emitter))?
                }
                "resourceLogs" | "resource_logs" => {
                    map.next_value_seed(BlockSeq::<ResourceLogs>::new(self.emitter))?
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

/// A sequence of resource blocks, each emitted as soon as it is complete.
struct BlockSeq<'e, 'a, B> {
    emitter: &'e mut Emitter<'a>,
    block: std::marker::PhantomData<B>,
}

impl<'e, 'a, B> BlockSeq<'e, 'a, B> {
    fn new(emitter: &'e mut Emitter<'a>) -> Self {
        BlockSeq {
            emitter,
            block: std::marker::PhantomData,
        }
    }
}

trait Block {
    fn emit(self, emitter: &mut Emitter);
}

impl<'de, B: Block + Deserialize<'de>> DeserializeSeed<'de> for BlockSeq<'_, '_, B> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, B: Block + Deserialize<'de>> Visitor<'de> for BlockSeq<'_, '_, B> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of resource blocks")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(block) = seq.next_element::<Option<B>>()? {
            if self.emitter.sink.cancelled() {
                return Err(de::Error::custom("cancelled"));
            }
            if let Some(block) = block {
                block.emit(self.emitter);
            }
        }
        Ok(())
    }
}

// ---- the message types, as lenient serde structs -------------------------------------------

/// Spans or log records read one at a time, each first as raw JSON text and then
/// as its type: a record with a value of the wrong type (`"startTimeUnixNano": "abc"`,
/// `"intValue": "many"`) is kept as its error and reported, so it costs only
/// itself, not the line or the document around it. `null` reads as no records.
struct Each<T>(Vec<Result<T, Skipped>>);

/// A record that did not read as its type: what it was, why, and its text.
struct Skipped {
    what: String,
    error: String,
    raw: Box<RawValue>,
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

impl<T> Default for Each<T> {
    fn default() -> Self {
        Each(Vec::new())
    }
}

impl<'de, T: de::DeserializeOwned> Deserialize<'de> for Each<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EachVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: de::DeserializeOwned> Visitor<'de> for EachVisitor<T> {
            type Value = Each<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of records")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Each<T>, E> {
                Ok(Each::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Each<T>, A::Error> {
                let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
                    records.push(match serde_json::from_str(raw.get()) {
                        Ok(record) => Ok(record),
                        Err(error) => Err(Skipped {
                            what: describe(raw.get()),
                            error: super::strip_position(&error.to_string()),
                            raw,
                        }),
                    });
                }
                Ok(Each(records))
            }
        }
        deserializer.deserialize_any(EachVisitor(std::marker::PhantomData))
    }
}

/// A record for a problem: ` `name` (span id)`, as far as they read.
fn describe(raw: &str) -> String {
    #[derive(Deserialize)]
    struct Named {
        #[serde(default)]
        name: Option<Value>,
        #[serde(default, alias = "span_id", rename = "spanId")]
        span_id: Option<Value>,
    }
    let named = serde_json::from_str::<Named>(raw).ok();
    let text = |value: Option<&Value>| {
        value
            .and_then(Value::as_str)
            .map(|text| text.chars().take(80).collect::<String>())
    };
    let name = text(named.as_ref().and_then(|named| named.name.as_ref()));
    let id = text(named.as_ref().and_then(|named| named.span_id.as_ref()));
    match (name, id) {
        (Some(name), Some(id)) => format!(" `{name}` ({id})"),
        (Some(name), None) => format!(" `{name}`"),
        (None, Some(id)) => format!(" ({id})"),
        (None, None) => String::new(),
    }
}

/// `null` reads as the default, like an absent field.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    deserializer: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ExportRequest {
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "resource_spans",
        alias = "batches"
    )]
    resource_spans: Vec<Option<ResourceSpans>>,
    #[serde(default, deserialize_with = "nullable", alias = "resource_logs")]
    resource_logs: Vec<Option<ResourceLogs>>,
    #[serde(default)]
    result: Option<Box<ExportRequest>>,
}

impl ExportRequest {
    fn is_request(&self) -> bool {
        !self.resource_spans.is_empty()
            || !self.resource_logs.is_empty()
            || self.result.as_ref().is_some_and(|inner| inner.is_request())
    }

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

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ResourceJson {
    #[serde(default, deserialize_with = "nullable")]
    attributes: Vec<KeyValue>,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "dropped_attributes_count"
    )]
    dropped_attributes_count: U32,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ScopeJson {
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    version: String,
    #[serde(default, deserialize_with = "nullable")]
    attributes: Vec<KeyValue>,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "dropped_attributes_count"
    )]
    dropped_attributes_count: U32,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ResourceSpans {
    #[serde(default, deserialize_with = "nullable")]
    resource: ResourceJson,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "scope_spans",
        alias = "instrumentationLibrarySpans",
        alias = "instrumentation_library_spans"
    )]
    scope_spans: Vec<ScopeSpans>,
    #[serde(default, deserialize_with = "nullable", alias = "schema_url")]
    schema_url: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ScopeSpans {
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "instrumentationLibrary",
        alias = "instrumentation_library"
    )]
    scope: ScopeJson,
    #[serde(default)]
    spans: Each<SpanJson>,
    #[serde(default, deserialize_with = "nullable", alias = "schema_url")]
    schema_url: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SpanJson {
    #[serde(default, deserialize_with = "nullable", alias = "trace_id")]
    trace_id: String,
    #[serde(default, deserialize_with = "nullable", alias = "span_id")]
    span_id: String,
    #[serde(default, deserialize_with = "nullable", alias = "parent_span_id")]
    parent_span_id: String,
    #[serde(default, deserialize_with = "nullable", alias = "trace_state")]
    trace_state: String,
    #[serde(default, deserialize_with = "nullable")]
    flags: U32,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    kind: Enum,
    #[serde(default, deserialize_with = "nullable", alias = "start_time_unix_nano")]
    start_time_unix_nano: Int64,
    #[serde(default, deserialize_with = "nullable", alias = "end_time_unix_nano")]
    end_time_unix_nano: Int64,
    #[serde(default, deserialize_with = "nullable")]
    attributes: Vec<KeyValue>,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "dropped_attributes_count"
    )]
    dropped_attributes_count: U32,
    #[serde(default, deserialize_with = "nullable")]
    events: Vec<EventJson>,
    #[serde(default, deserialize_with = "nullable", alias = "dropped_events_count")]
    dropped_events_count: U32,
    #[serde(default, deserialize_with = "nullable")]
    links: Vec<LinkJson>,
    #[serde(default, deserialize_with = "nullable", alias = "dropped_links_count")]
    dropped_links_count: U32,
    #[serde(default, deserialize_with = "nullable")]
    status: StatusJson,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct EventJson {
    #[serde(default, deserialize_with = "nullable", alias = "time_unix_nano")]
    time_unix_nano: Int64,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    attributes: Vec<KeyValue>,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "dropped_attributes_count"
    )]
    dropped_attributes_count: U32,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct LinkJson {
    #[serde(default, deserialize_with = "nullable", alias = "trace_id")]
    trace_id: String,
    #[serde(default, deserialize_with = "nullable", alias = "span_id")]
    span_id: String,
    #[serde(default, deserialize_with = "nullable", alias = "trace_state")]
    trace_state: String,
    #[serde(default, deserialize_with = "nullable")]
    flags: U32,
    #[serde(default, deserialize_with = "nullable")]
    attributes: Vec<KeyValue>,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "dropped_attributes_count"
    )]
    dropped_attributes_count: U32,
}

#[derive(Deserialize, Default)]
struct StatusJson {
    #[serde(default, deserialize_with = "nullable")]
    code: Enum,
    #[serde(default, deserialize_with = "nullable")]
    message: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ResourceLogs {
    #[serde(default, deserialize_with = "nullable")]
    resource: ResourceJson,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "scope_logs",
        alias = "instrumentationLibraryLogs",
        alias = "instrumentation_library_logs"
    )]
    scope_logs: Vec<ScopeLogs>,
    #[serde(default, deserialize_with = "nullable", alias = "schema_url")]
    schema_url: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ScopeLogs {
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "instrumentationLibrary",
        alias = "instrumentation_library"
    )]
    scope: ScopeJson,
    #[serde(default, alias = "log_records")]
    log_records: Each<LogRecordJson>,
    #[serde(default, deserialize_with = "nullable", alias = "schema_url")]
    schema_url: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct LogRecordJson {
    #[serde(default, deserialize_with = "nullable", alias = "time_unix_nano")]
    time_unix_nano: Int64,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "observed_time_unix_nano"
    )]
    observed_time_unix_nano: Int64,
    #[serde(default, deserialize_with = "nullable", alias = "severity_number")]
    severity_number: Enum,
    #[serde(default, deserialize_with = "nullable", alias = "severity_text")]
    severity_text: String,
    #[serde(default)]
    body: Option<AnyValue>,
    #[serde(default, deserialize_with = "nullable")]
    attributes: Vec<KeyValue>,
    #[serde(default, deserialize_with = "nullable")]
    flags: U32,
    #[serde(default, deserialize_with = "nullable", alias = "trace_id")]
    trace_id: String,
    #[serde(default, deserialize_with = "nullable", alias = "span_id")]
    span_id: String,
    #[serde(default, deserialize_with = "nullable", alias = "event_name")]
    event_name: String,
}

#[derive(Deserialize)]
struct KeyValue {
    #[serde(default, deserialize_with = "nullable")]
    key: String,
    #[serde(default)]
    value: Option<AnyValue>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct AnyValue {
    #[serde(default, alias = "string_value")]
    string_value: Option<String>,
    #[serde(default, alias = "bool_value")]
    bool_value: Option<bool>,
    #[serde(default, alias = "int_value")]
    int_value: Option<Int64>,
    #[serde(default, alias = "double_value")]
    double_value: Option<Double>,
    #[serde(default, alias = "array_value")]
    array_value: Option<ArrayValue>,
    #[serde(default, alias = "kvlist_value")]
    kvlist_value: Option<KeyValueList>,
    #[serde(default, alias = "bytes_value")]
    bytes_value: Option<String>,
}

#[derive(Deserialize, Default)]
struct ArrayValue {
    #[serde(default, deserialize_with = "nullable")]
    values: Vec<AnyValue>,
}

#[derive(Deserialize, Default)]
struct KeyValueList {
    #[serde(default, deserialize_with = "nullable")]
    values: Vec<KeyValue>,
}

impl AnyValue {
    fn into_json(self) -> Value {
        if let Some(text) = self.string_value {
            Value::String(text)
        } else if let Some(flag) = self.bool_value {
            Value::Bool(flag)
        } else if let Some(Int64(number)) = self.int_value {
            Value::from(number)
        } else if let Some(Double(number)) = self.double_value {
            serde_json::Number::from_f64(number).map_or(Value::Null, Value::Number)
        } else if let Some(array) = self.array_value {
            Value::Array(array.values.into_iter().map(AnyValue::into_json).collect())
        } else if let Some(list) = self.kvlist_value {
            Value::Object(attributes(list.values))
        } else if let Some(bytes) = self.bytes_value {
            // Normalized to standard base64 so JSON and protobuf inputs agree.
            match decode_base64(&bytes) {
                Some(raw) => Value::String(crate::formats::otlp_proto::encode_base64(&raw)),
                None => Value::String(bytes),
            }
        } else {
            Value::Null
        }
    }
}

fn attributes(list: Vec<KeyValue>) -> Attributes {
    list.into_iter()
        .map(|kv| (kv.key, kv.value.map_or(Value::Null, AnyValue::into_json)))
        .collect()
}

// ---- scalar leniency -------------------------------------------------------------------

/// An int64 written as a number or as a string (the protobuf JSON mapping uses strings).
#[derive(Default, Clone, Copy)]
struct Int64(i64);

impl<'de> Deserialize<'de> for Int64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Int64Visitor;
        impl Visitor<'_> for Int64Visitor {
            type Value = Int64;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer or a string of one")
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Int64, E> {
                Ok(Int64(value))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Int64, E> {
                Ok(Int64(i64::try_from(value).unwrap_or(i64::MAX)))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Int64, E> {
                Ok(Int64(value as i64))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Int64, E> {
                let text = text.trim();
                if text.is_empty() {
                    return Ok(Int64(0));
                }
                if let Ok(value) = text.parse::<i64>() {
                    return Ok(Int64(value));
                }
                if let Ok(value) = text.parse::<u64>() {
                    return Ok(Int64(i64::try_from(value).unwrap_or(i64::MAX)));
                }
                Err(E::invalid_value(de::Unexpected::Str(text), &self))
            }
        }
        deserializer.deserialize_any(Int64Visitor)
    }
}

/// A uint32 as a number or a string.
#[derive(Default, Clone, Copy)]
struct U32(u32);

impl<'de> Deserialize<'de> for U32 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Int64(value) = Int64::deserialize(deserializer)?;
        Ok(U32(value.clamp(0, u32::MAX as i64) as u32))
    }
}

/// A double as a number or a string (`"NaN"`, `"Infinity"`, `"1.5"`).
#[derive(Default, Clone, Copy)]
struct Double(f64);

impl<'de> Deserialize<'de> for Double {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DoubleVisitor;
        impl Visitor<'_> for DoubleVisitor {
            type Value = Double;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a string of one")
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Double, E> {
                Ok(Double(value as f64))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Double, E> {
                Ok(Double(value as f64))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Double, E> {
                Ok(Double(value))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Double, E> {
                text.trim()
                    .parse::<f64>()
                    .map(Double)
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(text), &self))
            }
        }
        deserializer.deserialize_any(DoubleVisitor)
    }
}

/// A protobuf enum written as its number or its name (`"SPAN_KIND_SERVER"`).
#[derive(Clone)]
enum Enum {
    Number(i64),
    Name(String),
}

impl Default for Enum {
    fn default() -> Self {
        Enum::Number(0)
    }
}

impl<'de> Deserialize<'de> for Enum {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EnumVisitor;
        impl Visitor<'_> for EnumVisitor {
            type Value = Enum;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an enum number or name")
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Enum, E> {
                Ok(Enum::Number(value))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Enum, E> {
                Ok(Enum::Number(i64::try_from(value).unwrap_or(0)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Enum, E> {
                Ok(match text.trim().parse::<i64>() {
                    Ok(number) => Enum::Number(number),
                    Err(_) => Enum::Name(text.trim().to_ascii_uppercase()),
                })
            }
        }
        deserializer.deserialize_any(EnumVisitor)
    }
}

impl Enum {
    /// The number, looking names up (without `prefix`, or with it) through `by_name`.
    fn number(&self, prefix: &str, by_name: impl Fn(&str) -> Option<i64>) -> i64 {
        match self {
            Enum::Number(number) => *number,
            Enum::Name(name) => by_name(name.strip_prefix(prefix).unwrap_or(name)).unwrap_or(0),
        }
    }

    fn span_kind(&self) -> i32 {
        let by_name = |name: &str| {
            [
                "UNSPECIFIED",
                "INTERNAL",
                "SERVER",
                "CLIENT",
                "PRODUCER",
                "CONSUMER",
            ]
            .iter()
            .position(|known| *known == name)
            .map(|index| index as i64)
        };
        self.number("SPAN_KIND_", by_name) as i32
    }

    fn status_code(&self) -> StatusCode {
        let by_name = |name: &str| match name {
            "OK" => Some(1),
            "ERROR" => Some(2),
            _ => None,
        };
        StatusCode::from_i64(self.number("STATUS_CODE_", by_name))
    }

    fn severity(&self) -> u8 {
        let number = self.number("SEVERITY_NUMBER_", |name| {
            severity_number_by_name(name).map(i64::from)
        });
        if (1..=24).contains(&number) {
            number as u8
        } else {
            0
        }
    }
}

/// `TRACE`, `DEBUG2`, `INFO4`, `ERROR`, … as OTel severity numbers.
fn severity_number_by_name(name: &str) -> Option<u8> {
    let split = name
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(name.len());
    let base = severity::from_text(&name[..split])?;
    let step: u8 = if split == name.len() {
        1
    } else {
        name[split..].parse().ok()?
    };
    (1..=4).contains(&step).then_some(base + step - 1)
}

// ---- from messages to records ----------------------------------------------------------

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
        service: Some(resource.service.clone()),
        resource: Some(resource.clone()),
        scope: Some(scope.clone()),
        line: emitter.line,
        unparsed: false,
        ts_inferred: false,
    }
}

/// OTLP writes 0 for "unknown time".
pub(crate) fn non_zero(ns: i64) -> Option<i64> {
    (ns != 0).then_some(ns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Collected;

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
