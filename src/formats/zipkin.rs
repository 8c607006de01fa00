//! Decodes Zipkin v2 JSON: an array of spans (as `/api/v2/trace/{id}` returns),
//! an array of such arrays (`/api/v2/traces`), or one span object. Spans stream
//! in and are handed on in windows of `WINDOW` spans, so memory stays bounded
//! and a document cut mid-way keeps the windows before the cut.
//!
//! Times and durations are µs; 64-bit trace ids are padded to 128 bits;
//! `localEndpoint.serviceName` is the service; `remoteEndpoint` becomes
//! `peer.service` / `net.peer.ip` / `net.peer.port`; `tags` are attributes (an
//! `error` tag makes the status an error); `annotations` are events.
//!
//! A `shared` server span carries the id of the client span that called it.
//! Both are kept: the shared half gets an id derived (blake3) from the trace id,
//! the original id and its local endpoint, keeps the original id as
//! `zipkin.span_id`, and becomes a child of the client half when that is in the
//! same window (else it takes the client's parent, so a shared root such as a
//! proxy's span whose caller was not traced stays a root). Spans whose `parentId` is that
//! id and that run on the same endpoint are re-parented to the shared half, when
//! the shared span was seen in the same window or before. Spans without a
//! timestamp (fragments reported late) are handed on after the window's complete
//! spans, so that where a fragment repeats an id, the complete span is the copy kept.
//! Reading the document and cancellable arrays is `json_stream.rs`; id spellings
//! and derived ids are `ids.rs`.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, MapAccess};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::json_stream::{contains_key, decode_documents, nullable, EachObject, Objects};
use super::{trim_start, DecodeError, Format, Problem, RecordSink};
use crate::id_forms::{form_of, IdForms, Reading};
use crate::ids::{derived_id, padded_id, SpanId, TraceId};
use crate::model::{Attributes, Resource, Scope, Span, SpanEvent, StatusCode};

pub struct ZipkinJson;

/// How many spans are held before they are handed on.
const WINDOW: usize = 20_000;

impl Format for ZipkinJson {
    fn name(&self) -> &'static str {
        "zipkin-json"
    }

    /// A JSON array (or one object) of spans with Zipkin v2 keys and none of Jaeger's or OTLP's.
    fn sniff(&self, head: &[u8]) -> bool {
        let head = trim_start(head);
        if !matches!(head.first(), Some(b'[' | b'{')) {
            return false;
        }
        let zipkin = contains_key(head, "traceId")
            && contains_key(head, "id")
            && [
                "localEndpoint",
                "remoteEndpoint",
                "duration",
                "annotations",
                "kind",
            ]
            .iter()
            .any(|key| contains_key(head, key));
        let other = [
            "operationName",
            "spanId",
            "spanID",
            "resourceSpans",
            "binaryAnnotations",
        ]
        .iter()
        .any(|key| contains_key(head, key));
        zipkin && !other && !is_json_lines(head)
    }

    fn decode(
        &self,
        input: &mut dyn BufRead,
        sink: &mut dyn RecordSink,
    ) -> Result<(), DecodeError> {
        let mut window = Window::default();
        let result = decode_documents(input, sink, |deserializer, sink| {
            Objects(&mut Document {
                window: &mut window,
                sink,
            })
            .deserialize(deserializer)
        });
        window.flush(sink);
        result
    }
}

/// Whether the head holds several lines that are each a whole JSON object (JSON Lines).
fn is_json_lines(head: &[u8]) -> bool {
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(<[u8]>::trim_ascii)
        .filter(|line| !line.is_empty());
    let first_is_object = lines.next().is_some_and(|line| {
        line.starts_with(b"{") && serde_json::from_slice::<de::IgnoredAny>(line).is_ok()
    });
    first_is_object && lines.next().is_some_and(|line| line.starts_with(b"{"))
}

// ---- streaming ------------------------------------------------------------------------------

/// The spans of a Zipkin document: one object, or arrays of them nested to any depth.
struct Document<'w, 's> {
    window: &'w mut Window,
    sink: &'s mut dyn RecordSink,
}

impl EachObject for Document<'_, '_> {
    const EXPECTING: &'static str = "a Zipkin span or an array of them";

    fn cancelled(&self) -> bool {
        self.sink.cancelled()
    }

    fn object<'de, A: MapAccess<'de>>(&mut self, map: A) -> Result<(), A::Error> {
        let object = Map::deserialize(de::value::MapAccessDeserializer::new(map))?;
        self.window.n_seen += 1;
        match serde_json::from_value::<SpanJson>(Value::Object(object)) {
            Ok(span) => self.window.spans.push(span),
            Err(error) => self.sink.problem(Problem::unplaced(format!(
                "span {} skipped: {error}",
                self.window.n_seen
            ))),
        }
        if self.window.spans.len() >= WINDOW {
            self.window.flush(self.sink);
        }
        Ok(())
    }
}

/// Spans waiting to be handed on, and what later windows need to know.
#[derive(Default)]
struct Window {
    spans: Vec<SpanJson>,
    n_seen: u64,
    /// Shared server halves seen so far: (trace, original id) → (endpoint, new id).
    shared: HashMap<(TraceId, SpanId), Vec<(String, SpanId)>>,
    resources: HashMap<String, Arc<Resource>>,
    scope: Arc<Scope>,
}

impl Window {
    fn flush(&mut self, sink: &mut dyn RecordSink) {
        let spans = std::mem::take(&mut self.spans);
        let mut parsed = Vec::with_capacity(spans.len());
        let mut unshared = HashSet::new();
        for span in spans {
            let (Ok(Some(trace)), Ok(Some(id))) =
                (padded_id::<16>(&span.trace_id), padded_id::<8>(&span.id))
            else {
                sink.problem(Problem::unplaced(format!(
                    "span `{}` skipped: trace id `{}` / span id `{}` is not a valid id",
                    span.name, span.trace_id, span.id
                )));
                continue;
            };
            let (Some(trace_id), Some(span_id)) =
                (TraceId::from_bytes(&trace), SpanId::from_bytes(&id))
            else {
                sink.problem(Problem::unplaced(format!(
                    "span `{}` skipped: all-zero id",
                    span.name
                )));
                continue;
            };
            if span.shared {
                let endpoint = endpoint_key(span.local_endpoint.as_ref());
                let derived = shared_span_id(trace_id, span_id, &endpoint);
                let halves = self.shared.entry((trace_id, span_id)).or_default();
                if !halves.iter().any(|(known, _)| *known == endpoint) {
                    halves.push((endpoint, derived));
                }
            }
            if !span.shared {
                unshared.insert((trace_id, span_id));
            }
            parsed.push((trace_id, span_id, span));
        }
        // Complete spans first, late fragments (no timestamp) after them.
        parsed.sort_by_key(|(_, _, span)| span.timestamp.is_none());
        for (trace_id, span_id, span) in parsed {
            let client_half = unshared.contains(&(trace_id, span_id));
            let parent_has_client_half = padded_id::<8>(&span.parent_id)
                .ok()
                .flatten()
                .and_then(|bytes| SpanId::from_bytes(&bytes))
                .is_some_and(|parent| unshared.contains(&(trace_id, parent)));
            let record = self.span_record(
                trace_id,
                span_id,
                span,
                client_half,
                parent_has_client_half,
                sink,
            );
            sink.span(record);
        }
    }

    /// The new parent of a span whose `parentId` is a shared id: the shared half on its
    /// endpoint (or service); else, when no unshared span holds the id, the first shared half.
    fn parent_of(
        &self,
        trace_id: TraceId,
        parent: SpanId,
        local: Option<&Endpoint>,
        client_half: bool,
    ) -> SpanId {
        let Some(halves) = self.shared.get(&(trace_id, parent)) else {
            return parent;
        };
        let endpoint = endpoint_key(local);
        let service = |key: &str| key.split('|').next().unwrap_or("").to_string();
        halves
            .iter()
            .find(|(known, _)| *known == endpoint)
            .or_else(|| {
                halves.iter().find(|(known, _)| {
                    !service(known).is_empty() && service(known) == service(&endpoint)
                })
            })
            .or_else(|| halves.first().filter(|_| !client_half))
            .map_or(parent, |(_, derived)| *derived)
    }

    fn span_record(
        &mut self,
        trace_id: TraceId,
        original_id: SpanId,
        span: SpanJson,
        client_half: bool,
        parent_has_client_half: bool,
        sink: &mut dyn RecordSink,
    ) -> Span {
        let mut id_forms = IdForms::default();
        id_forms.add(form_of(&span.trace_id, 16, Reading::Padded));
        id_forms.add(form_of(&span.id, 8, Reading::Padded));
        let mut attributes = Attributes::new();
        for (key, value) in span.tags {
            attributes.insert(key, value);
        }
        let parent = match padded_id::<8>(&span.parent_id) {
            Ok(bytes) => bytes.and_then(|b| SpanId::from_bytes(&b)),
            Err(()) => {
                sink.problem(Problem::unplaced(format!(
                    "span `{}`: parent id `{}` is not a valid id",
                    span.name, span.parent_id
                )));
                None
            }
        };
        let (span_id, parent_span_id) = if span.shared {
            let endpoint = endpoint_key(span.local_endpoint.as_ref());
            attributes.insert("zipkin.span_id".into(), Value::String(original_id.to_hex()));
            attributes.insert("zipkin.shared".into(), Value::Bool(true));
            if let Some(parent) = parent {
                attributes.insert("zipkin.parent_id".into(), Value::String(parent.to_hex()));
            }
            (
                shared_span_id(trace_id, original_id, &endpoint),
                if client_half {
                    Some(original_id)
                } else {
                    parent
                },
            )
        } else {
            let parent = parent.map(|parent| {
                self.parent_of(
                    trace_id,
                    parent,
                    span.local_endpoint.as_ref(),
                    parent_has_client_half,
                )
            });
            (original_id, parent)
        };
        if let Some(local) = &span.local_endpoint {
            put(&mut attributes, "net.host.ip", local.ip());
            put(&mut attributes, "net.host.port", local.port.clone());
        }
        if let Some(remote) = &span.remote_endpoint {
            put(&mut attributes, "peer.service", remote.service_name.clone());
            put(&mut attributes, "net.peer.ip", remote.ip());
            put(&mut attributes, "net.peer.port", remote.port.clone());
        }
        if span.debug {
            attributes.insert("zipkin.debug".into(), Value::Bool(true));
        }
        let (status_code, status_message) = match attributes.get("error") {
            Some(Value::String(text)) if !text.is_empty() && text != "true" => {
                (StatusCode::Error, text.clone())
            }
            Some(_) => (StatusCode::Error, String::new()),
            None => (StatusCode::Unset, String::new()),
        };
        let kind = match span.kind.to_ascii_uppercase().as_str() {
            "SERVER" => 2,
            "CLIENT" => 3,
            "PRODUCER" => 4,
            "CONSUMER" => 5,
            _ => 0,
        };
        let start_ns = span
            .timestamp
            .map_or(0, |micros| micros.saturating_mul(1_000));
        let end_ns = start_ns.saturating_add(span.duration.unwrap_or(0).saturating_mul(1_000));
        let events = span
            .annotations
            .into_iter()
            .map(|annotation| SpanEvent {
                time_ns: annotation.timestamp.unwrap_or(0).saturating_mul(1_000),
                name: annotation.value,
                attributes: Attributes::new(),
                dropped_attributes_count: 0,
            })
            .collect();
        let service = span
            .local_endpoint
            .as_ref()
            .map(|local| local.service_name.clone())
            .unwrap_or_default();
        let resource = self
            .resources
            .entry(service.clone())
            .or_insert_with(|| {
                let mut resource_attributes = Attributes::new();
                if !service.is_empty() {
                    resource_attributes.insert("service.name".into(), Value::String(service));
                }
                Arc::new(Resource::new(resource_attributes, String::new(), 0))
            })
            .clone();
        Span {
            trace_id,
            span_id,
            parent_span_id,
            trace_state: String::new(),
            flags: 0,
            name: span.name,
            kind,
            start_ns,
            end_ns,
            status_code,
            status_message,
            attributes,
            events,
            links: Vec::new(),
            dropped_attributes_count: 0,
            dropped_events_count: 0,
            dropped_links_count: 0,
            resource,
            scope: self.scope.clone(),
            id_forms,
        }
    }
}

/// Inserts a non-empty value unless a tag already has the key.
fn put(attributes: &mut Attributes, key: &str, value: String) {
    if !value.is_empty() {
        attributes
            .entry(key.to_string())
            .or_insert(match value.parse::<i64>() {
                Ok(number) if key.ends_with(".port") => Value::from(number),
                _ => Value::String(value),
            });
    }
}

/// The id of a shared server half: stable for the same trace, id and endpoint.
fn shared_span_id(trace_id: TraceId, span_id: SpanId, endpoint: &str) -> SpanId {
    let parts: [&[u8]; 3] = [&trace_id.0, &span_id.0, endpoint.as_bytes()];
    SpanId::from_bytes(&derived_id::<8>("zipkin shared", &parts)).unwrap_or(span_id)
}

fn endpoint_key(endpoint: Option<&Endpoint>) -> String {
    match endpoint {
        Some(e) => format!(
            "{}|{}|{}|{}",
            e.service_name.to_ascii_lowercase(),
            e.ipv4,
            e.ipv6,
            e.port
        ),
        None => String::new(),
    }
}

// ---- the JSON shape -----------------------------------------------------------------------------

/// A number or a string of digits; anything else is "absent".
fn lenient_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Number(number) => number
            .as_i64()
            .or_else(|| number.as_f64().map(|f| f as i64)),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    })
}

/// A value as text (ports and ids are sometimes numbers).
fn lenient_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(text) => text,
        Value::Null => String::new(),
        other => other.to_string(),
    })
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SpanJson {
    #[serde(default, deserialize_with = "lenient_string")]
    trace_id: String,
    #[serde(default, deserialize_with = "lenient_string")]
    id: String,
    #[serde(default, deserialize_with = "lenient_string")]
    parent_id: String,
    #[serde(default, deserialize_with = "nullable")]
    kind: String,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "lenient_i64")]
    timestamp: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    duration: Option<i64>,
    #[serde(default)]
    local_endpoint: Option<Endpoint>,
    #[serde(default)]
    remote_endpoint: Option<Endpoint>,
    #[serde(default, deserialize_with = "nullable")]
    annotations: Vec<Annotation>,
    #[serde(default, deserialize_with = "nullable")]
    tags: Map<String, Value>,
    #[serde(default, deserialize_with = "nullable")]
    shared: bool,
    #[serde(default, deserialize_with = "nullable")]
    debug: bool,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Endpoint {
    #[serde(default, deserialize_with = "nullable")]
    service_name: String,
    #[serde(default, deserialize_with = "nullable")]
    ipv4: String,
    #[serde(default, deserialize_with = "nullable")]
    ipv6: String,
    #[serde(default, deserialize_with = "lenient_string")]
    port: String,
}

impl Endpoint {
    fn ip(&self) -> String {
        if self.ipv4.is_empty() {
            self.ipv6.clone()
        } else {
            self.ipv4.clone()
        }
    }
}

#[derive(Deserialize, Default)]
struct Annotation {
    #[serde(default, deserialize_with = "lenient_i64")]
    timestamp: Option<i64>,
    #[serde(default, deserialize_with = "lenient_string")]
    value: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Collected;

    fn decode(text: &str) -> Collected {
        let mut sink = Collected::default();
        ZipkinJson.decode(&mut text.as_bytes(), &mut sink).unwrap();
        sink
    }

    #[test]
    fn shared_server_half_is_kept_apart_and_the_tree_stays_right() {
        let text = r#"[
          {"traceId":"a","id":"1","kind":"SERVER","name":"root","timestamp":1,"duration":9,"localEndpoint":{"serviceName":"web"}},
          {"traceId":"a","parentId":"1","id":"2","kind":"CLIENT","name":"call","timestamp":2,"duration":5,
           "localEndpoint":{"serviceName":"web"},"remoteEndpoint":{"serviceName":"api","ipv4":"10.0.0.1","port":80}},
          {"traceId":"a","parentId":"2","id":"3","name":"query","timestamp":4,"duration":1,"localEndpoint":{"serviceName":"api"}},
          {"traceId":"a","parentId":"1","id":"2","kind":"SERVER","name":"serve","timestamp":3,"duration":3,
           "localEndpoint":{"serviceName":"api"},"shared":true,"tags":{"error":"boom"}}]"#;
        assert!(ZipkinJson.sniff(text.as_bytes()));
        let sink = decode(text);
        assert!(sink.problems.is_empty(), "{:?}", sink.problems);
        let [root, client, query, server] = &sink.spans[..] else {
            panic!("{:?}", sink.spans)
        };
        assert_eq!(root.trace_id.to_hex(), "0000000000000000000000000000000a");
        assert_ne!(server.span_id, client.span_id);
        assert_eq!(server.parent_span_id, Some(client.span_id));
        assert_eq!(
            server.attributes["zipkin.span_id"],
            Value::from(client.span_id.to_hex())
        );
        assert_eq!(query.parent_span_id, Some(server.span_id));
        assert_eq!(client.parent_span_id, Some(root.span_id));
        assert_eq!((server.kind, server.status_code), (2, StatusCode::Error));
        assert_eq!(server.status_message, "boom");
        assert_eq!(client.attributes["peer.service"], Value::from("api"));
        assert_eq!(client.attributes["net.peer.port"], Value::from(80));
        assert_eq!(client.resource.service, "web");
        assert_eq!((client.start_ns, client.end_ns), (2_000, 7_000));
    }

    #[test]
    fn shared_root_without_its_client_half_stays_a_root() {
        let text = r#"[{"traceId":"a","id":"1","kind":"SERVER","name":"proxy","timestamp":1,"duration":9,
            "localEndpoint":{"ipv4":"10.0.0.1"},"shared":true}]"#;
        let span = &decode(text).spans[0];
        assert_eq!(span.parent_span_id, None);
        assert_ne!(span.span_id.to_hex(), "0000000000000001");
    }

    #[test]
    fn single_object_and_nested_arrays() {
        let one = r#"{"traceId":"5af7183fb1d4cf5f","id":"352bff9a74ca9ad2","name":"x","timestamp":1,"duration":1,
            "localEndpoint":{"serviceName":"s"},"annotations":[{"timestamp":1,"value":"ws"}]}"#;
        assert_eq!(decode(one).spans[0].events[0].name, "ws");
        assert_eq!(decode(&format!("[[{one}],[{one}]]")).spans.len(), 2);
    }

    #[test]
    fn late_fragment_is_handed_on_after_the_complete_span() {
        let text = r#"[{"traceId":"a","id":"2","name":"fragment","localEndpoint":{"serviceName":"api"}},
            {"traceId":"a","id":"2","kind":"CLIENT","name":"call","timestamp":2,"duration":5,"localEndpoint":{"serviceName":"web"}}]"#;
        let sink = decode(text);
        assert_eq!(sink.spans[0].name, "call");
        assert_eq!(sink.spans[1].name, "fragment");
    }

    #[test]
    fn cut_document_keeps_the_spans_before_the_cut() {
        let one = r#"{"traceId":"a","id":"1","name":"x","timestamp":1,"duration":1,"localEndpoint":{"serviceName":"s"}}"#;
        let text = format!("[{one},{one},{{\"traceId\":\"a\",\"id");
        let mut sink = Collected::default();
        let error = ZipkinJson
            .decode(&mut text.as_bytes(), &mut sink)
            .unwrap_err();
        assert_eq!(sink.spans.len(), 2);
        assert!(matches!(error, DecodeError::Syntax { .. }), "{error}");
    }

    #[test]
    fn other_shapes_are_not_zipkin() {
        assert!(!ZipkinJson
            .sniff(br#"[{"traceID":"a","spanID":"b","operationName":"x","duration":1}]"#));
        assert!(!ZipkinJson.sniff(
            b"{\"traceId\":\"a\",\"id\":1,\"kind\":\"x\"}\n{\"traceId\":\"a\",\"id\":2,\"kind\":\"x\"}\n"
        ));
        assert!(!ZipkinJson.sniff(br#"{"resourceSpans":[{"traceId":"a","id":"b","kind":1}]}"#));
    }
}
