//! Decodes Jaeger JSON: the query API / UI download (`{"data":[trace…]}`), a
//! single trace object (also inside the UI's `{"id","state","data"}`), a bare
//! array of spans, and the api_v2 model (base64 ids, `process` per span,
//! RFC 3339 `startTime`, `"5000ns"`/`"0.5s"` durations). One trace is decoded at
//! a time while its spans stream in, so a document cut mid-way keeps the traces
//! (and bare spans) before the cut.
//!
//! The first CHILD_OF reference into the span's own trace is its parent, every
//! other reference a link; `logs` are events; a span's `warnings` stay as the
//! attribute `jaeger.warnings`, a trace's become problems.
//! Ids that are not hex or base64 (`"span-1"`) get a stable id derived with
//! blake3 and keep their text as `jaeger.traceID` / `jaeger.spanID`. Jaeger
//! api_v3 (`{"result":…}`) is OTLP and left to `otlp_json.rs`.

use std::collections::HashMap;
use std::fmt;
use std::io::BufRead;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::{trim_start, DecodeError, Format, Problem, RecordSink, SkipBom};
use crate::ids::{decode_base64, decode_hex, SpanId, TraceId};
use crate::model::{Attributes, Resource, Scope, Span, SpanEvent, SpanLink, StatusCode};
use crate::time;

pub struct JaegerJson;

impl Format for JaegerJson {
    fn name(&self) -> &'static str {
        "jaeger-json"
    }

    /// A JSON document (not JSON Lines of log objects) with Jaeger span keys: an
    /// array of spans or traces, or an object holding `spans`.
    fn sniff(&self, head: &[u8]) -> bool {
        let head = trim_start(head);
        let jaeger_span = contains_key(head, "operationName")
            && (contains_key(head, "spanID") || contains_key(head, "spanId"));
        match head.first() {
            Some(b'[') => jaeger_span,
            Some(b'{') => {
                jaeger_span
                    && (contains_key(head, "spans") || contains_key(head, "data"))
                    && !super::otlp_json::OtlpJson.sniff(head)
            }
            _ => false,
        }
    }

    fn decode(
        &self,
        input: &mut dyn BufRead,
        sink: &mut dyn RecordSink,
    ) -> Result<(), DecodeError> {
        decode_documents(input, sink, |deserializer, sink| {
            NodeSeed { sink }.deserialize(deserializer)
        })
    }
}

/// Whether `"key"` followed by `:` occurs in `head`.
pub(super) fn contains_key(head: &[u8], key: &str) -> bool {
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

type JsonDeserializer<'r> = serde_json::Deserializer<serde_json::de::IoRead<SkipBom<'r>>>;

/// Streams one or more concatenated JSON documents through `each`.
pub(super) fn decode_documents(
    input: &mut dyn BufRead,
    sink: &mut dyn RecordSink,
    mut each: impl FnMut(&mut JsonDeserializer<'_>, &mut dyn RecordSink) -> serde_json::Result<()>,
) -> Result<(), DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_reader(SkipBom::new(input));
    loop {
        each(&mut deserializer, &mut *sink).map_err(|error| {
            if sink.cancelled() {
                DecodeError::Cancelled
            } else {
                DecodeError::from_json(error)
            }
        })?;
        if deserializer.end().is_ok() {
            return Ok(());
        }
    }
}

// ---- streaming: wrappers, traces and spans ------------------------------------------------

/// Any node of a Jaeger document: an array (of traces or spans), a wrapper with
/// `data`, a trace (`spans` + `processes`), or one span.
struct NodeSeed<'s> {
    sink: &'s mut dyn RecordSink,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Jaeger trace, span, or array of them")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(NodeSeed {
                sink: &mut *self.sink,
            })?
            .is_some()
        {
            if self.sink.cancelled() {
                return Err(de::Error::custom("cancelled"));
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut trace = TraceState::default();
        let mut rest = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "data" => map.next_value_seed(NodeSeed {
                    sink: &mut *self.sink,
                })?,
                "spans" => map.next_value_seed(SpanSeq {
                    trace: &mut trace,
                    sink: &mut *self.sink,
                })?,
                "processes" => {
                    let processes: Option<HashMap<String, ProcessJson>> = map.next_value()?;
                    trace.set_processes(processes.unwrap_or_default(), &mut *self.sink);
                }
                "processMap" => {
                    let entries: Option<Vec<ProcessMapEntry>> = map.next_value()?;
                    let processes = entries
                        .unwrap_or_default()
                        .into_iter()
                        .map(|entry| (entry.process_id, entry.process))
                        .collect();
                    trace.set_processes(processes, &mut *self.sink);
                }
                "warnings" => {
                    let warnings: Option<Vec<String>> = map.next_value()?;
                    for warning in warnings.unwrap_or_default() {
                        self.sink.problem(Problem::unplaced(format!(
                            "Jaeger's warning about the trace: {warning}"
                        )));
                    }
                }
                "errors" => {
                    let errors: Value = map.next_value()?;
                    if let Value::Array(errors) = errors {
                        for error in errors {
                            self.sink.problem(Problem::unplaced(format!(
                                "the Jaeger query returned an error: {error}"
                            )));
                        }
                    }
                }
                "services" | "id" | "state" | "_comment" | "total" | "limit" | "offset" => {
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    rest.insert(key, map.next_value()?);
                }
            }
        }
        if !trace.seen_spans && (rest.contains_key("spanID") || rest.contains_key("spanId")) {
            // A span of a bare array: its process is inline.
            match serde_json::from_value::<SpanJson>(Value::Object(rest)) {
                Ok(span) => trace.push(span, &mut *self.sink),
                Err(error) => self
                    .sink
                    .problem(Problem::unplaced(format!("span skipped: {error}"))),
            }
        }
        trace.finish(&mut *self.sink);
        Ok(())
    }
}

/// One trace being decoded. Spans that name a process before `processes` was read
/// wait for it as compact JSON text (the UI writes `processes` last), so a trace
/// waits in about the memory its text takes.
#[derive(Default)]
struct TraceState {
    processes: Option<HashMap<String, Arc<Resource>>>,
    waiting: Vec<Box<[u8]>>,
    seen_spans: bool,
}

impl TraceState {
    fn set_processes(
        &mut self,
        processes: HashMap<String, ProcessJson>,
        sink: &mut dyn RecordSink,
    ) {
        self.processes = Some(
            processes
                .into_iter()
                .map(|(id, process)| (id, process.resource()))
                .collect(),
        );
        self.finish(sink);
    }

    /// One span of the `spans` array, as read.
    fn push_value(&mut self, span: Value, sink: &mut dyn RecordSink) {
        if self.processes.is_none() && span.get("process").is_none_or(Value::is_null) {
            self.waiting.push(
                serde_json::to_vec(&span)
                    .unwrap_or_default()
                    .into_boxed_slice(),
            );
            return;
        }
        match serde_json::from_value::<SpanJson>(span) {
            Ok(span) => self.push(span, sink),
            Err(error) => sink.problem(Problem::unplaced(format!("span skipped: {error}"))),
        }
    }

    fn push(&mut self, span: SpanJson, sink: &mut dyn RecordSink) {
        let resource = self.resource_of(&span, sink);
        if let Some(span) = span_record(span, resource, sink) {
            sink.span(span);
        }
    }

    fn finish(&mut self, sink: &mut dyn RecordSink) {
        for text in std::mem::take(&mut self.waiting) {
            match serde_json::from_slice::<SpanJson>(&text) {
                Ok(span) => self.push(span, sink),
                Err(error) => sink.problem(Problem::unplaced(format!("span skipped: {error}"))),
            }
        }
    }

    fn resource_of(&self, span: &SpanJson, sink: &mut dyn RecordSink) -> Arc<Resource> {
        match (&span.process, &span.process_id) {
            (Some(process), _) => process.resource(),
            (None, Some(process_id)) => self.process(process_id, &span.operation_name, sink),
            (None, None) => no_resource(),
        }
    }

    fn process(
        &self,
        process_id: &str,
        span_name: &str,
        sink: &mut dyn RecordSink,
    ) -> Arc<Resource> {
        match self
            .processes
            .as_ref()
            .and_then(|processes| processes.get(process_id))
        {
            Some(resource) => resource.clone(),
            None => {
                sink.problem(Problem::unplaced(format!(
                    "span `{span_name}`: process `{process_id}` is not in the trace's processes"
                )));
                no_resource()
            }
        }
    }
}

fn no_resource() -> Arc<Resource> {
    Arc::new(Resource::new(Attributes::new(), String::new(), 0))
}

/// The `spans` array of a trace, one span at a time.
struct SpanSeq<'t, 's> {
    trace: &'t mut TraceState,
    sink: &'s mut dyn RecordSink,
}

impl<'de> DeserializeSeed<'de> for SpanSeq<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SpanSeq<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of Jaeger spans")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.trace.seen_spans = true;
        while let Some(span) = seq.next_element::<Value>()? {
            if self.sink.cancelled() {
                return Err(de::Error::custom("cancelled"));
            }
            self.trace.push_value(span, &mut *self.sink);
        }
        Ok(())
    }
}

// ---- the JSON shapes ----------------------------------------------------------------------

fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    deserializer: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[derive(Deserialize, Default)]
struct SpanJson {
    #[serde(default, alias = "traceId", deserialize_with = "nullable")]
    #[serde(rename = "traceID")]
    trace_id: String,
    #[serde(default, alias = "spanId", deserialize_with = "nullable")]
    #[serde(rename = "spanID")]
    span_id: String,
    #[serde(default, alias = "parentSpanId", deserialize_with = "nullable")]
    #[serde(rename = "parentSpanID")]
    parent_span_id: String,
    #[serde(default, deserialize_with = "nullable")]
    flags: Value,
    #[serde(default, rename = "operationName", deserialize_with = "nullable")]
    operation_name: String,
    #[serde(default, deserialize_with = "nullable")]
    references: Vec<ReferenceJson>,
    #[serde(default, rename = "startTime")]
    start_time: Value,
    #[serde(default)]
    duration: Value,
    #[serde(default, deserialize_with = "nullable")]
    tags: Vec<KeyValueJson>,
    #[serde(default, deserialize_with = "nullable")]
    logs: Vec<LogJson>,
    #[serde(default, rename = "processID", alias = "processId")]
    process_id: Option<String>,
    #[serde(default)]
    process: Option<ProcessJson>,
    #[serde(default, deserialize_with = "nullable")]
    warnings: Vec<String>,
}

#[derive(Deserialize, Default)]
struct ReferenceJson {
    #[serde(default, rename = "refType", deserialize_with = "nullable")]
    ref_type: String,
    #[serde(
        default,
        rename = "traceID",
        alias = "traceId",
        deserialize_with = "nullable"
    )]
    trace_id: String,
    #[serde(
        default,
        rename = "spanID",
        alias = "spanId",
        deserialize_with = "nullable"
    )]
    span_id: String,
}

#[derive(Deserialize, Default)]
struct ProcessJson {
    #[serde(default, rename = "serviceName", deserialize_with = "nullable")]
    service_name: String,
    #[serde(default, deserialize_with = "nullable")]
    tags: Vec<KeyValueJson>,
}

#[derive(Deserialize)]
struct ProcessMapEntry {
    #[serde(rename = "processID", alias = "processId")]
    process_id: String,
    process: ProcessJson,
}

#[derive(Deserialize, Default)]
struct LogJson {
    #[serde(default)]
    timestamp: Value,
    #[serde(default, deserialize_with = "nullable")]
    fields: Vec<KeyValueJson>,
}

/// A tag in the UI model (`type`, `value`) or api_v2 (`vType`, `vStr`, `vInt64`, …).
#[derive(Deserialize, Default, Clone)]
struct KeyValueJson {
    #[serde(default, deserialize_with = "nullable")]
    key: String,
    #[serde(
        default,
        rename = "type",
        alias = "vType",
        deserialize_with = "nullable"
    )]
    value_type: String,
    #[serde(default)]
    value: Value,
    #[serde(default, rename = "vStr")]
    v_str: Value,
    #[serde(default, rename = "vBool")]
    v_bool: Value,
    #[serde(default, rename = "vInt64")]
    v_int64: Value,
    #[serde(default, rename = "vFloat64")]
    v_float64: Value,
    #[serde(default, rename = "vBinary")]
    v_binary: Value,
}

impl KeyValueJson {
    /// The value typed by its declared type; strings of numbers and booleans are read.
    fn typed_value(self) -> Value {
        let raw = [
            self.value,
            self.v_str,
            self.v_bool,
            self.v_int64,
            self.v_float64,
            self.v_binary,
        ]
        .into_iter()
        .find(|value| !value.is_null())
        .unwrap_or(Value::Null);
        match (self.value_type.to_ascii_lowercase().as_str(), &raw) {
            ("bool", Value::String(text)) => match text.trim() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => raw,
            },
            ("int64", Value::String(text)) => text.trim().parse::<i64>().map_or(raw, Value::from),
            ("float64", Value::String(text)) => text
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or(raw, Value::Number),
            _ => raw,
        }
    }
}

impl ProcessJson {
    fn resource(&self) -> Arc<Resource> {
        let mut attributes = Attributes::new();
        if !self.service_name.is_empty() {
            attributes.insert(
                "service.name".to_string(),
                Value::String(self.service_name.clone()),
            );
        }
        for tag in &self.tags {
            attributes
                .entry(tag.key.clone())
                .or_insert_with(|| tag.clone().typed_value());
        }
        Arc::new(Resource::new(attributes, String::new(), 0))
    }
}

// ---- ids and times ---------------------------------------------------------------------------

/// An id as Jaeger writes it: hex of up to `N` bytes (leading zeros may be dropped),
/// or base64 of exactly `N` bytes (api_v2). `Err` for other text; `Ok(None)` for none.
pub(super) fn padded_id<const N: usize>(text: &str) -> Result<Option<[u8; N]>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let hex = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    if hex.len() <= N * 2 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        let padded = format!("{hex:0>width$}", width = N * 2);
        let bytes = decode_hex(&padded).ok_or(())?;
        return Ok(Some(bytes.try_into().map_err(|_| ())?));
    }
    if hex.len() > N * 2 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        // Longer hex: the low bytes, as Jaeger keeps the low 64 bits of a 128-bit id.
        let bytes = decode_hex(&hex[hex.len() - N * 2..]).ok_or(())?;
        return Ok(Some(bytes.try_into().map_err(|_| ())?));
    }
    match decode_base64(text) {
        Some(bytes) if bytes.len() == N => Ok(Some(bytes.try_into().map_err(|_| ())?)),
        _ => Err(()),
    }
}

/// A stable id for id text that is neither hex nor base64.
fn derived_id<const N: usize>(kind: &str, text: &str) -> [u8; N] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"weft jaeger ");
    hasher.update(kind.as_bytes());
    hasher.update(b" ");
    hasher.update(text.as_bytes());
    let mut bytes = [0u8; N];
    bytes.copy_from_slice(&hasher.finalize().as_bytes()[..N]);
    bytes
}

/// The trace id, and whether it was derived from non-id text.
fn trace_id_of(text: &str) -> (Option<TraceId>, bool) {
    match padded_id::<16>(text) {
        Ok(bytes) => (bytes.and_then(|b| TraceId::from_bytes(&b)), false),
        Err(()) => (
            TraceId::from_bytes(&derived_id::<16>("trace", text.trim())),
            true,
        ),
    }
}

fn span_id_of(text: &str) -> (Option<SpanId>, bool) {
    match padded_id::<8>(text) {
        Ok(bytes) => (bytes.and_then(|b| SpanId::from_bytes(&b)), false),
        Err(()) => (
            SpanId::from_bytes(&derived_id::<8>("span", text.trim())),
            true,
        ),
    }
}

/// A Jaeger time: µs since the epoch as a number or numeric string, or RFC 3339.
fn time_ns(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => match number.as_i64() {
            Some(micros) => micros.checked_mul(1_000),
            None => number.as_f64().map(|micros| (micros * 1_000.0) as i64),
        },
        Value::String(text) => match text.trim().parse::<i64>() {
            Ok(micros) => micros.checked_mul(1_000),
            Err(_) => time::parse_rfc3339(text.trim()),
        },
        _ => None,
    }
}

/// A duration: µs as a number, or a string (`"0.5s"` protobuf JSON, `"5000ns"`/`"1m2.5s"` Go).
fn duration_ns(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => match number.as_i64() {
            Some(micros) => micros.checked_mul(1_000),
            None => number.as_f64().map(|micros| (micros * 1_000.0) as i64),
        },
        Value::String(text) => parse_duration(text.trim()),
        _ => None,
    }
}

fn parse_duration(text: &str) -> Option<i64> {
    if let Ok(micros) = text.parse::<i64>() {
        return micros.checked_mul(1_000);
    }
    let mut rest = text;
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += number * scale;
    }
    Some(total.round() as i64)
}

// ---- from JSON to records -----------------------------------------------------------------------

fn span_record(span: SpanJson, resource: Arc<Resource>, sink: &mut dyn RecordSink) -> Option<Span> {
    let (trace_id, trace_derived) = trace_id_of(&span.trace_id);
    let (span_id, span_derived) = span_id_of(&span.span_id);
    let (Some(trace_id), Some(span_id)) = (trace_id, span_id) else {
        sink.problem(Problem::unplaced(format!(
            "span `{}` skipped: trace id `{}` / span id `{}` is not a valid id",
            span.operation_name, span.trace_id, span.span_id
        )));
        return None;
    };
    let mut attributes = Attributes::new();
    if trace_derived {
        attributes.insert(
            "jaeger.traceID".into(),
            Value::String(span.trace_id.clone()),
        );
    }
    if span_derived {
        attributes.insert("jaeger.spanID".into(), Value::String(span.span_id.clone()));
    }
    for tag in span.tags {
        let key = tag.key.clone();
        let value = tag.typed_value();
        attributes.entry(key).or_insert(value);
    }
    let kind = match attributes.get("span.kind").and_then(Value::as_str) {
        Some(kind) => match kind.to_ascii_lowercase().as_str() {
            "internal" => 1,
            "server" => 2,
            "client" => 3,
            "producer" => 4,
            "consumer" => 5,
            _ => 0,
        },
        None => 0,
    };
    if kind != 0 {
        attributes.shift_remove("span.kind");
    }
    let (status_code, status_message) = status_of(&mut attributes);
    let scope = scope_of(&mut attributes);
    if !span.warnings.is_empty() {
        attributes.insert("jaeger.warnings".into(), Value::from(span.warnings));
    }

    let mut parent_span_id = None;
    let mut links = Vec::new();
    for reference in span.references {
        let (Some(linked_trace), Some(linked_span)) = (
            trace_id_of(&reference.trace_id).0,
            span_id_of(&reference.span_id).0,
        ) else {
            sink.problem(Problem::unplaced(format!(
                "span `{}`: reference to `{}`/`{}` skipped: not a valid id",
                span.operation_name, reference.trace_id, reference.span_id
            )));
            continue;
        };
        let ref_type = match reference.ref_type.as_str() {
            "" => "CHILD_OF".to_string(),
            other => other.to_ascii_uppercase(),
        };
        if parent_span_id.is_none() && ref_type == "CHILD_OF" && linked_trace == trace_id {
            parent_span_id = Some(linked_span);
            continue;
        }
        let mut link_attributes = Attributes::new();
        link_attributes.insert("jaeger.ref_type".into(), Value::String(ref_type));
        links.push(SpanLink {
            trace_id: linked_trace,
            span_id: linked_span,
            trace_state: String::new(),
            flags: 0,
            attributes: link_attributes,
            dropped_attributes_count: 0,
        });
    }
    if parent_span_id.is_none() && !span.parent_span_id.is_empty() {
        parent_span_id = span_id_of(&span.parent_span_id).0;
    }

    let start_ns = time_ns(&span.start_time).unwrap_or(0);
    let end_ns = start_ns.saturating_add(duration_ns(&span.duration).unwrap_or(0));
    let events = span.logs.into_iter().map(event_of).collect();
    let flags = match &span.flags {
        Value::Number(number) => number.as_u64().map_or(0, |n| n as u32),
        Value::String(text) => text.trim().parse().unwrap_or(0),
        _ => 0,
    };
    Some(Span {
        trace_id,
        span_id,
        parent_span_id,
        trace_state: String::new(),
        flags,
        name: span.operation_name,
        kind,
        start_ns,
        end_ns,
        status_code,
        status_message,
        attributes,
        events,
        links,
        dropped_attributes_count: 0,
        dropped_events_count: 0,
        dropped_links_count: 0,
        resource,
        scope,
    })
}

/// Status from `otel.status_code` (taken) or an `error` tag that is true (kept).
fn status_of(attributes: &mut Attributes) -> (StatusCode, String) {
    let message = match attributes.shift_remove("otel.status_description") {
        Some(Value::String(text)) => text,
        Some(other) => other.to_string(),
        None => String::new(),
    };
    if let Some(code) = attributes.shift_remove("otel.status_code") {
        match code.as_str().map(str::to_ascii_uppercase).as_deref() {
            Some("ERROR") => return (StatusCode::Error, message),
            Some("OK") => return (StatusCode::Ok, message),
            _ => {
                attributes.insert("otel.status_code".into(), code);
            }
        }
    }
    let error = match attributes.get("error") {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::String(text)) => text.trim().eq_ignore_ascii_case("true"),
        _ => false,
    };
    if error {
        (StatusCode::Error, message)
    } else {
        (StatusCode::Unset, message)
    }
}

/// The instrumentation scope from `otel.scope.*` (or legacy `otel.library.*`) tags, taken.
fn scope_of(attributes: &mut Attributes) -> Arc<Scope> {
    let mut take = |keys: [&str; 2]| {
        keys.iter()
            .find_map(|key| match attributes.shift_remove(*key) {
                Some(Value::String(text)) => Some(text),
                _ => None,
            })
            .unwrap_or_default()
    };
    let name = take(["otel.scope.name", "otel.library.name"]);
    let version = take(["otel.scope.version", "otel.library.version"]);
    Arc::new(Scope {
        name,
        version,
        ..Scope::default()
    })
}

/// A span log as an event, named by its `event` field when it has one.
fn event_of(log: LogJson) -> SpanEvent {
    let mut attributes = Attributes::new();
    for field in log.fields {
        let key = field.key.clone();
        let value = field.typed_value();
        attributes.entry(key).or_insert(value);
    }
    let name = match attributes.get("event") {
        Some(Value::String(name)) => {
            let name = name.clone();
            attributes.shift_remove("event");
            name
        }
        _ => "log".to_string(),
    };
    SpanEvent {
        time_ns: time_ns(&log.timestamp).unwrap_or(0),
        name,
        attributes,
        dropped_attributes_count: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Collected;

    fn decode(text: &str) -> Collected {
        let mut sink = Collected::default();
        JaegerJson.decode(&mut text.as_bytes(), &mut sink).unwrap();
        sink
    }

    const TRACE: &str = r#"{"data":[{"traceID":"1a","spans":[
        {"traceID":"1a","spanID":"b","operationName":"GET","references":[],"startTime":1000,"duration":5,
         "tags":[{"key":"span.kind","type":"string","value":"server"},{"key":"error","type":"bool","value":"true"},
                 {"key":"n","type":"int64","value":"7"}],
         "logs":[{"timestamp":1001,"fields":[{"key":"event","type":"string","value":"retry"}]}],
         "processID":"p1","warnings":["clock skew"]},
        {"traceID":"1a","spanID":"c","operationName":"db","references":[
           {"refType":"CHILD_OF","traceID":"1a","spanID":"b"},
           {"refType":"FOLLOWS_FROM","traceID":"1a","spanID":"d"}],
         "startTime":1002,"duration":1,"processID":"p1"}],
      "processes":{"p1":{"serviceName":"cart","tags":[{"key":"host","type":"string","value":"h"}]}}}]}"#;

    #[test]
    fn query_api_trace_with_processes_after_spans() {
        assert!(JaegerJson.sniff(TRACE.as_bytes()));
        let sink = decode(TRACE);
        assert!(sink.problems.is_empty(), "{:?}", sink.problems);
        let [root, child] = &sink.spans[..] else {
            panic!("{:?}", sink.spans)
        };
        assert_eq!(root.trace_id.to_hex(), "0000000000000000000000000000001a");
        assert_eq!(root.span_id.to_hex(), "000000000000000b");
        assert_eq!((root.kind, root.status_code), (2, StatusCode::Error));
        assert_eq!((root.start_ns, root.end_ns), (1_000_000, 1_005_000));
        assert_eq!(root.attributes["n"], Value::from(7));
        assert_eq!(
            root.attributes["jaeger.warnings"],
            serde_json::json!(["clock skew"])
        );
        assert_eq!(root.events[0].name, "retry");
        assert_eq!(root.resource.service, "cart");
        assert_eq!(root.resource.attributes["host"], Value::from("h"));
        assert_eq!(child.parent_span_id, Some(root.span_id));
        assert_eq!(child.links.len(), 1);
    }

    #[test]
    fn api_v2_model_with_base64_ids_and_string_times() {
        let text = r#"{"spans":[{"traceId":"AAAAAAAAAAAAAAAAAAAAAQ==","spanId":"AAAAAAAAAAI=","operationName":"x",
            "startTime":"2017-01-26T16:46:31.639875139-05:00","duration":"0.000005s",
            "process":{"serviceName":"svc"},"tags":[{"key":"f","vType":"FLOAT64","vFloat64":1.5},{"key":"s","vStr":"v"}]}]}"#;
        let sink = decode(text);
        let span = &sink.spans[0];
        assert_eq!(span.trace_id.to_hex(), "00000000000000000000000000000001");
        assert_eq!(span.span_id.to_hex(), "0000000000000002");
        assert_eq!(span.end_ns - span.start_ns, 5_000);
        assert_eq!(span.start_ns, 1_485_467_191_639_875_139);
        assert_eq!(span.attributes["s"], Value::from("v"));
        assert_eq!(span.resource.service, "svc");
    }

    #[test]
    fn non_hex_ids_are_derived_consistently() {
        let text = r#"[{"traceID":"trace-1","spanID":"span-1","operationName":"a","startTime":1,"duration":1,"process":{"serviceName":"s"}},
            {"traceID":"trace-1","spanID":"span-2","operationName":"b","startTime":1,"duration":1,"process":{"serviceName":"s"},
             "references":[{"refType":"CHILD_OF","traceID":"trace-1","spanID":"span-1"}]}]"#;
        let sink = decode(text);
        assert_eq!(sink.spans.len(), 2);
        assert_eq!(sink.spans[1].parent_span_id, Some(sink.spans[0].span_id));
        assert_eq!(sink.spans[0].trace_id, sink.spans[1].trace_id);
        assert_eq!(
            sink.spans[0].attributes["jaeger.spanID"],
            Value::from("span-1")
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5000ns"), Some(5_000));
        assert_eq!(parse_duration("0.123s"), Some(123_000_000));
        assert_eq!(parse_duration("1m2.5s"), Some(62_500_000_000));
        assert_eq!(parse_duration("12"), Some(12_000));
    }

    #[test]
    fn cut_document_keeps_earlier_traces() {
        let one = r#"{"traceID":"1","spans":[{"traceID":"1","spanID":"2","operationName":"a","startTime":1,"duration":1,"processID":"p"}],"processes":{"p":{"serviceName":"s"}}}"#;
        let text = format!("{{\"data\":[{one},{one},{{\"traceID\":\"1\",\"spans\":[{{\"tra");
        let mut sink = Collected::default();
        let error = JaegerJson
            .decode(&mut text.as_bytes(), &mut sink)
            .unwrap_err();
        assert_eq!(sink.spans.len(), 2);
        assert!(matches!(error, DecodeError::Syntax { .. }), "{error}");
    }

    #[test]
    fn otlp_and_logs_are_not_jaeger() {
        assert!(!JaegerJson.sniff(br#"{"result":{"resourceSpans":[]}}"#));
        assert!(!JaegerJson.sniff(b"{\"level\":30,\"msg\":\"hi\"}\n"));
        assert!(!JaegerJson.sniff(br#"[{"traceId":"a","id":"b","name":"x"}]"#));
    }
}
