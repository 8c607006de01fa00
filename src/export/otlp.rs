//! Records to OTLP messages: spans grouped as `ResourceSpans` → `ScopeSpans` →
//! spans and logs as `ResourceLogs` → `ScopeLogs` → log records, with the
//! official `opentelemetry-proto` types. Pure: no store, no files, no network;
//! the inverse of `formats::otlp_proto`'s mapping, so that an export loads back
//! into the same records.
//!
//! What the store no longer knows is exported in its most faithful form: typed
//! attribute values come back from their JSON (integers as `intValue`, numbers
//! with a fraction or an exponent as `doubleValue`; bytes were kept as base64
//! text and go out as strings); a log body is a string unless it is exactly the
//! compact JSON of an object or array (how decoders keep structured bodies); a
//! log without a resource (a log file's line) gets one holding its service as
//! `service.name`.

use std::collections::HashMap;
use std::sync::Arc;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{
    any_value, AnyValue, ArrayValue, InstrumentationScope, KeyValue, KeyValueList,
};
use opentelemetry_proto::tonic::logs::v1::{LogRecord as LogProto, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::resource::v1::Resource as ResourceProto;
use opentelemetry_proto::tonic::trace::v1::{
    span, ResourceSpans, ScopeSpans, Span as SpanProto, Status,
};
use serde_json::Value;

use crate::model::{Attributes, LogRecord, Resource, Scope, Span};

/// Spans as one request: a block per resource, in it a block per scope, each in
/// the order its first span came.
pub fn trace_request(spans: Vec<Span>) -> ExportTraceServiceRequest {
    let records = spans
        .into_iter()
        .map(|span| (span.resource.clone(), span.scope.clone(), span));
    let resource_spans = grouped(records)
        .into_iter()
        .map(|(resource, scopes)| ResourceSpans {
            resource: Some(resource_proto(&resource)),
            scope_spans: scopes
                .into_iter()
                .map(|(scope, spans)| ScopeSpans {
                    scope: Some(scope_proto(&scope)),
                    spans: spans.into_iter().map(span_proto).collect(),
                    schema_url: scope.schema_url.clone(),
                })
                .collect(),
            schema_url: resource.schema_url.clone(),
        })
        .collect();
    ExportTraceServiceRequest { resource_spans }
}

/// Logs as one request, grouped as `trace_request` groups spans. A log without a
/// resource goes under a resource naming its service; one without a scope under
/// the empty scope.
pub fn logs_request(logs: Vec<LogRecord>) -> ExportLogsServiceRequest {
    // One stand-in resource per service, so that its logs share one block.
    let mut stand_ins: HashMap<String, Arc<Resource>> = HashMap::new();
    let empty_scope = Arc::new(Scope::default());
    let records: Vec<_> = logs
        .into_iter()
        .map(|mut log| {
            let resource = match log.resource.take() {
                Some(resource) => resource,
                None => {
                    let service = log.service.clone().unwrap_or_default();
                    stand_ins
                        .entry(service.clone())
                        .or_insert_with(|| Arc::new(service_resource(service)))
                        .clone()
                }
            };
            let scope = log.scope.take().unwrap_or_else(|| empty_scope.clone());
            (resource, scope, log)
        })
        .collect();
    let resource_logs = grouped(records.into_iter())
        .into_iter()
        .map(|(resource, scopes)| ResourceLogs {
            resource: Some(resource_proto(&resource)),
            scope_logs: scopes
                .into_iter()
                .map(|(scope, logs)| ScopeLogs {
                    scope: Some(scope_proto(&scope)),
                    log_records: logs.into_iter().map(log_proto).collect(),
                    schema_url: scope.schema_url.clone(),
                })
                .collect(),
            schema_url: resource.schema_url.clone(),
        })
        .collect();
    ExportLogsServiceRequest { resource_logs }
}

/// The resource given to logs that came without one: their service as `service.name`.
pub fn service_resource(service: String) -> Resource {
    let mut attributes = Attributes::new();
    attributes.insert("service.name".into(), Value::String(service));
    Resource::new(attributes, String::new(), 0)
}

/// Records per resource, then per scope, in the order each first came. Resources and
/// scopes are told apart by the identity of their shared `Arc` (the reader hands out
/// one per stored row).
type Grouped<T> = Vec<(Arc<Resource>, Vec<(Arc<Scope>, Vec<T>)>)>;

fn grouped<T>(records: impl Iterator<Item = (Arc<Resource>, Arc<Scope>, T)>) -> Grouped<T> {
    let mut groups: Grouped<T> = Vec::new();
    let mut resource_at: HashMap<*const Resource, usize> = HashMap::new();
    for (resource, scope, record) in records {
        let at = *resource_at
            .entry(Arc::as_ptr(&resource))
            .or_insert_with(|| {
                groups.push((resource.clone(), Vec::new()));
                groups.len() - 1
            });
        let scopes = &mut groups[at].1;
        match scopes
            .iter_mut()
            .find(|(known, _)| Arc::ptr_eq(known, &scope))
        {
            Some((_, records)) => records.push(record),
            None => scopes.push((scope, vec![record])),
        }
    }
    groups
}

fn resource_proto(resource: &Resource) -> ResourceProto {
    ResourceProto {
        attributes: key_values(&resource.attributes),
        dropped_attributes_count: resource.dropped_attributes_count,
        entity_refs: Vec::new(),
    }
}

fn scope_proto(scope: &Scope) -> InstrumentationScope {
    InstrumentationScope {
        name: scope.name.clone(),
        version: scope.version.clone(),
        attributes: key_values(&scope.attributes),
        dropped_attributes_count: scope.dropped_attributes_count,
    }
}

fn span_proto(span: Span) -> SpanProto {
    SpanProto {
        trace_id: span.trace_id.0.to_vec(),
        span_id: span.span_id.0.to_vec(),
        trace_state: span.trace_state,
        parent_span_id: span
            .parent_span_id
            .map_or_else(Vec::new, |parent| parent.0.to_vec()),
        flags: span.flags,
        name: span.name,
        kind: span.kind,
        start_time_unix_nano: unsigned_ns(span.start_ns),
        end_time_unix_nano: unsigned_ns(span.end_ns),
        attributes: key_values(&span.attributes),
        dropped_attributes_count: span.dropped_attributes_count,
        events: span
            .events
            .into_iter()
            .map(|event| span::Event {
                time_unix_nano: unsigned_ns(event.time_ns),
                name: event.name,
                attributes: key_values(&event.attributes),
                dropped_attributes_count: event.dropped_attributes_count,
            })
            .collect(),
        dropped_events_count: span.dropped_events_count,
        links: span
            .links
            .into_iter()
            .map(|link| span::Link {
                trace_id: link.trace_id.0.to_vec(),
                span_id: link.span_id.0.to_vec(),
                trace_state: link.trace_state,
                attributes: key_values(&link.attributes),
                dropped_attributes_count: link.dropped_attributes_count,
                flags: link.flags,
            })
            .collect(),
        dropped_links_count: span.dropped_links_count,
        status: Some(Status {
            message: span.status_message,
            code: span.status_code as i32,
        }),
    }
}

fn log_proto(log: LogRecord) -> LogProto {
    LogProto {
        time_unix_nano: log.ts_ns.map_or(0, unsigned_ns),
        observed_time_unix_nano: log.observed_ns.map_or(0, unsigned_ns),
        severity_number: i32::from(log.severity),
        severity_text: log.severity_text,
        body: Some(body_value(log.body)),
        attributes: key_values(&log.attributes),
        dropped_attributes_count: 0,
        flags: log.flags,
        trace_id: log.trace_id.map_or_else(Vec::new, |id| id.0.to_vec()),
        span_id: log.span_id.map_or_else(Vec::new, |id| id.0.to_vec()),
        // The store keeps an event name as the attribute `event.name` (which a load of
        // the export reads back the same way).
        event_name: String::new(),
    }
}

/// A body as the decoders kept it: the compact JSON of an object or an array was a
/// structured body; any other text (JSON written another way included) a string.
pub fn body_value(body: String) -> AnyValue {
    if body.starts_with(['{', '[']) {
        if let Ok(structured @ (Value::Object(_) | Value::Array(_))) =
            serde_json::from_str::<Value>(&body)
        {
            if serde_json::to_string(&structured).is_ok_and(|compact| compact == body) {
                return any_value(&structured);
            }
        }
    }
    AnyValue {
        value: Some(any_value::Value::StringValue(body)),
    }
}

/// Attributes as key-values, in their stored order.
pub fn key_values(attributes: &Attributes) -> Vec<KeyValue> {
    attributes
        .iter()
        .map(|(key, value)| KeyValue {
            key: key.clone(),
            value: Some(any_value(value)),
            key_strindex: 0,
        })
        .collect()
}

/// A stored attribute value as a typed OTLP value: integers that fit an int64 as
/// `intValue`, other numbers as `doubleValue`, `null` as the empty value.
pub fn any_value(value: &Value) -> AnyValue {
    let value = match value {
        Value::Null => None,
        Value::Bool(flag) => Some(any_value::Value::BoolValue(*flag)),
        Value::String(text) => Some(any_value::Value::StringValue(text.clone())),
        Value::Number(number) => Some(match number.as_i64() {
            Some(integer) => any_value::Value::IntValue(integer),
            None => any_value::Value::DoubleValue(number.as_f64().unwrap_or(f64::NAN)),
        }),
        Value::Array(values) => Some(any_value::Value::ArrayValue(ArrayValue {
            values: values.iter().map(any_value).collect(),
        })),
        Value::Object(map) => Some(any_value::Value::KvlistValue(KeyValueList {
            values: key_values(map),
        })),
    };
    AnyValue { value }
}

/// A time of the case (Unix ns, never negative when it came from OTLP) as OTLP's fixed64.
fn unsigned_ns(ns: i64) -> u64 {
    u64::try_from(ns).unwrap_or(0)
}
