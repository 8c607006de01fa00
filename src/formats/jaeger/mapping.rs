//! From Jaeger's JSON shapes (`wire.rs`) to records: ids (hex of any width,
//! base64, or text given a derived id), the parent from the first CHILD_OF
//! reference into the span's own trace and links from the rest, kind, status and
//! scope from the `span.kind` / `otel.*` / `error` tags, logs as events, a
//! process as a resource. Reading the document is left to `jaeger.rs`.

use std::sync::Arc;

use serde_json::Value;

use super::wire::{duration_ns, time_ns, LogJson, ProcessJson, SpanJson};
use crate::formats::{Problem, RecordSink};
use crate::id_forms::{form_of, IdForm, IdForms, Reading};
use crate::ids::{derived_id, padded_id, SpanId, TraceId};
use crate::model::{Attributes, Resource, Scope, Span, SpanEvent, SpanLink, StatusCode};

impl ProcessJson {
    /// The process as a resource: its service and its tags.
    pub(super) fn resource(&self) -> Arc<Resource> {
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

/// The trace id, and whether it was derived from non-id text.
fn trace_id_of(text: &str) -> (Option<TraceId>, bool) {
    match padded_id::<16>(text) {
        Ok(bytes) => (bytes.and_then(|b| TraceId::from_bytes(&b)), false),
        Err(()) => (
            TraceId::from_bytes(&derived_id::<16>("jaeger trace", &[text.trim().as_bytes()])),
            true,
        ),
    }
}

fn span_id_of(text: &str) -> (Option<SpanId>, bool) {
    match padded_id::<8>(text) {
        Ok(bytes) => (bytes.and_then(|b| SpanId::from_bytes(&b)), false),
        Err(()) => (
            SpanId::from_bytes(&derived_id::<8>("jaeger span", &[text.trim().as_bytes()])),
            true,
        ),
    }
}

pub(super) fn span_record(
    span: SpanJson,
    resource: Arc<Resource>,
    sink: &mut dyn RecordSink,
) -> Option<Span> {
    let (trace_id, trace_derived) = trace_id_of(&span.trace_id);
    let (span_id, span_derived) = span_id_of(&span.span_id);
    let (Some(trace_id), Some(span_id)) = (trace_id, span_id) else {
        sink.problem(Problem::unplaced(format!(
            "span `{}` skipped: trace id `{}` / span id `{}` is not a valid id",
            span.operation_name, span.trace_id, span.span_id
        )));
        return None;
    };
    let mut id_forms = IdForms::default();
    id_forms.add(match trace_derived {
        true => Some(IdForm::Derived),
        false => form_of(&span.trace_id, 16, Reading::Padded),
    });
    id_forms.add(match span_derived {
        true => Some(IdForm::Derived),
        false => form_of(&span.span_id, 8, Reading::Padded),
    });
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
        id_forms,
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
