//! OTLP messages as OTLP/JSON, by the specification's JSON mapping: lowerCamelCase
//! keys, trace and span ids as lower-case hex (not base64), 64-bit integers
//! (times, `intValue`) as decimal strings, enums (kind, status code, severity) as
//! numbers, fields with their default value left out. Pure: the framing of the
//! messages in a file is `file.rs`'s.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, Span};
use serde_json::{json, Map, Value};

use crate::ids::encode_base64;

/// `{"resourceSpans":[…]}`.
pub fn trace_request_json(request: &ExportTraceServiceRequest) -> Value {
    json!({ "resourceSpans": request.resource_spans.iter().map(resource_spans_json).collect::<Vec<_>>() })
}

/// `{"resourceLogs":[…]}`.
pub fn logs_request_json(request: &ExportLogsServiceRequest) -> Value {
    json!({ "resourceLogs": request.resource_logs.iter().map(resource_logs_json).collect::<Vec<_>>() })
}

/// One `ResourceSpans` block.
pub fn resource_spans_json(block: &ResourceSpans) -> Value {
    let mut object = Map::new();
    if let Some(resource) = &block.resource {
        object.insert("resource".into(), resource_json(resource));
    }
    let scope_spans: Vec<Value> = block
        .scope_spans
        .iter()
        .map(|scope_spans| {
            let mut object = Map::new();
            if let Some(scope) = &scope_spans.scope {
                object.insert("scope".into(), scope_json(scope));
            }
            object.insert(
                "spans".into(),
                Value::Array(scope_spans.spans.iter().map(span_json).collect()),
            );
            put_text(&mut object, "schemaUrl", &scope_spans.schema_url);
            Value::Object(object)
        })
        .collect();
    object.insert("scopeSpans".into(), Value::Array(scope_spans));
    put_text(&mut object, "schemaUrl", &block.schema_url);
    Value::Object(object)
}

/// One `ResourceLogs` block.
pub fn resource_logs_json(block: &ResourceLogs) -> Value {
    let mut object = Map::new();
    if let Some(resource) = &block.resource {
        object.insert("resource".into(), resource_json(resource));
    }
    let scope_logs: Vec<Value> = block
        .scope_logs
        .iter()
        .map(|scope_logs| {
            let mut object = Map::new();
            if let Some(scope) = &scope_logs.scope {
                object.insert("scope".into(), scope_json(scope));
            }
            object.insert(
                "logRecords".into(),
                Value::Array(scope_logs.log_records.iter().map(log_json).collect()),
            );
            put_text(&mut object, "schemaUrl", &scope_logs.schema_url);
            Value::Object(object)
        })
        .collect();
    object.insert("scopeLogs".into(), Value::Array(scope_logs));
    put_text(&mut object, "schemaUrl", &block.schema_url);
    Value::Object(object)
}

fn resource_json(resource: &Resource) -> Value {
    let mut object = Map::new();
    object.insert("attributes".into(), key_values_json(&resource.attributes));
    put_count(
        &mut object,
        "droppedAttributesCount",
        resource.dropped_attributes_count,
    );
    Value::Object(object)
}

fn scope_json(scope: &InstrumentationScope) -> Value {
    let mut object = Map::new();
    put_text(&mut object, "name", &scope.name);
    put_text(&mut object, "version", &scope.version);
    if !scope.attributes.is_empty() {
        object.insert("attributes".into(), key_values_json(&scope.attributes));
    }
    put_count(
        &mut object,
        "droppedAttributesCount",
        scope.dropped_attributes_count,
    );
    Value::Object(object)
}

fn span_json(span: &Span) -> Value {
    let mut object = Map::new();
    object.insert("traceId".into(), Value::String(hex(&span.trace_id)));
    object.insert("spanId".into(), Value::String(hex(&span.span_id)));
    put_text(&mut object, "traceState", &span.trace_state);
    if !span.parent_span_id.is_empty() {
        object.insert(
            "parentSpanId".into(),
            Value::String(hex(&span.parent_span_id)),
        );
    }
    put_count(&mut object, "flags", span.flags);
    object.insert("name".into(), Value::String(span.name.clone()));
    if span.kind != 0 {
        object.insert("kind".into(), Value::from(span.kind));
    }
    object.insert(
        "startTimeUnixNano".into(),
        Value::String(span.start_time_unix_nano.to_string()),
    );
    object.insert(
        "endTimeUnixNano".into(),
        Value::String(span.end_time_unix_nano.to_string()),
    );
    object.insert("attributes".into(), key_values_json(&span.attributes));
    put_count(
        &mut object,
        "droppedAttributesCount",
        span.dropped_attributes_count,
    );
    if !span.events.is_empty() {
        let events = span
            .events
            .iter()
            .map(|event| {
                let mut object = Map::new();
                object.insert(
                    "timeUnixNano".into(),
                    Value::String(event.time_unix_nano.to_string()),
                );
                object.insert("name".into(), Value::String(event.name.clone()));
                object.insert("attributes".into(), key_values_json(&event.attributes));
                put_count(
                    &mut object,
                    "droppedAttributesCount",
                    event.dropped_attributes_count,
                );
                Value::Object(object)
            })
            .collect();
        object.insert("events".into(), Value::Array(events));
    }
    put_count(&mut object, "droppedEventsCount", span.dropped_events_count);
    if !span.links.is_empty() {
        let links = span
            .links
            .iter()
            .map(|link| {
                let mut object = Map::new();
                object.insert("traceId".into(), Value::String(hex(&link.trace_id)));
                object.insert("spanId".into(), Value::String(hex(&link.span_id)));
                put_text(&mut object, "traceState", &link.trace_state);
                object.insert("attributes".into(), key_values_json(&link.attributes));
                put_count(
                    &mut object,
                    "droppedAttributesCount",
                    link.dropped_attributes_count,
                );
                put_count(&mut object, "flags", link.flags);
                Value::Object(object)
            })
            .collect();
        object.insert("links".into(), Value::Array(links));
    }
    put_count(&mut object, "droppedLinksCount", span.dropped_links_count);
    if let Some(status) = &span.status {
        let mut status_object = Map::new();
        put_text(&mut status_object, "message", &status.message);
        if status.code != 0 {
            status_object.insert("code".into(), Value::from(status.code));
        }
        object.insert("status".into(), Value::Object(status_object));
    }
    Value::Object(object)
}

fn log_json(log: &LogRecord) -> Value {
    let mut object = Map::new();
    if log.time_unix_nano != 0 {
        object.insert(
            "timeUnixNano".into(),
            Value::String(log.time_unix_nano.to_string()),
        );
    }
    if log.observed_time_unix_nano != 0 {
        object.insert(
            "observedTimeUnixNano".into(),
            Value::String(log.observed_time_unix_nano.to_string()),
        );
    }
    if log.severity_number != 0 {
        object.insert("severityNumber".into(), Value::from(log.severity_number));
    }
    put_text(&mut object, "severityText", &log.severity_text);
    if let Some(body) = &log.body {
        object.insert("body".into(), any_value_json(body));
    }
    object.insert("attributes".into(), key_values_json(&log.attributes));
    put_count(
        &mut object,
        "droppedAttributesCount",
        log.dropped_attributes_count,
    );
    put_count(&mut object, "flags", log.flags);
    if !log.trace_id.is_empty() {
        object.insert("traceId".into(), Value::String(hex(&log.trace_id)));
    }
    if !log.span_id.is_empty() {
        object.insert("spanId".into(), Value::String(hex(&log.span_id)));
    }
    put_text(&mut object, "eventName", &log.event_name);
    Value::Object(object)
}

fn key_values_json(list: &[KeyValue]) -> Value {
    Value::Array(
        list.iter()
            .map(|kv| {
                let value = kv
                    .value
                    .as_ref()
                    .map_or_else(|| Value::Object(Map::new()), any_value_json);
                json!({ "key": kv.key, "value": value })
            })
            .collect(),
    )
}

/// An `AnyValue`: `{"stringValue": …}`, `{"intValue": "…"}`, …; the empty value as `{}`.
pub fn any_value_json(value: &AnyValue) -> Value {
    match &value.value {
        None => Value::Object(Map::new()),
        Some(any_value::Value::StringValue(text)) => json!({ "stringValue": text }),
        Some(any_value::Value::BoolValue(flag)) => json!({ "boolValue": flag }),
        Some(any_value::Value::IntValue(number)) => json!({ "intValue": number.to_string() }),
        Some(any_value::Value::DoubleValue(number)) => json!({ "doubleValue": number }),
        Some(any_value::Value::ArrayValue(array)) => {
            json!({ "arrayValue": { "values": array.values.iter().map(any_value_json).collect::<Vec<_>>() } })
        }
        Some(any_value::Value::KvlistValue(list)) => {
            json!({ "kvlistValue": { "values": key_values_json(&list.values) } })
        }
        Some(any_value::Value::BytesValue(bytes)) => json!({ "bytesValue": encode_base64(bytes) }),
        #[allow(unreachable_patterns)]
        Some(_) => Value::Object(Map::new()),
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    text
}

fn put_text(object: &mut Map<String, Value>, key: &str, text: &str) {
    if !text.is_empty() {
        object.insert(key.into(), Value::String(text.to_string()));
    }
}

fn put_count(object: &mut Map<String, Value>, key: &str, count: u32) {
    if count != 0 {
        object.insert(key.into(), Value::from(count));
    }
}
