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
//!
//! This file streams the document, one trace at a time; the JSON shapes and how
//! their values read are `jaeger/wire.rs`, spans become records in
//! `jaeger/mapping.rs`; reading concatenated documents and cancellable arrays is
//! `json_stream.rs`; id spellings are `ids.rs`.

use std::collections::HashMap;
use std::io::BufRead;
use std::sync::Arc;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::json_stream::{
    contains_key, decode_documents, EachElement, EachObject, Elements, Objects,
};
use super::{trim_start, DecodeError, Format, Problem, RecordSink};
use crate::model::{Attributes, Resource};

mod mapping;
mod wire;

use mapping::span_record;
use wire::{ProcessJson, ProcessMapEntry, SpanJson};

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
                    && !OTLP_KEYS.iter().any(|key| contains_key(head, key))
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
            Objects(&mut Document { sink }).deserialize(deserializer)
        })
    }
}

/// Keys of an OTLP export request (Jaeger api_v3 is OTLP). `FORMATS` sniffs OTLP/JSON
/// first; these keep Jaeger's own answer right for a head that has both.
const OTLP_KEYS: &[&str] = &[
    "resourceSpans",
    "resource_spans",
    "resourceLogs",
    "resource_logs",
    "batches",
];

// ---- streaming: wrappers, traces and spans ------------------------------------------------

/// The objects of a Jaeger document (which may be an array of them, or arrays of
/// arrays): a wrapper with `data`, a trace (`spans` + `processes`), or one span.
struct Document<'s> {
    sink: &'s mut dyn RecordSink,
}

impl EachObject for Document<'_> {
    const EXPECTING: &'static str = "a Jaeger trace, span, or array of them";

    fn cancelled(&self) -> bool {
        self.sink.cancelled()
    }

    fn object<'de, A: MapAccess<'de>>(&mut self, mut map: A) -> Result<(), A::Error> {
        let mut trace = TraceState::default();
        let mut rest = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "data" => map.next_value_seed(Objects(&mut *self))?,
                "spans" => {
                    let mut spans = Spans {
                        trace: &mut trace,
                        sink: &mut *self.sink,
                    };
                    trace.seen_spans |= map.next_value_seed(Elements(&mut spans))?;
                }
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
struct Spans<'t, 's> {
    trace: &'t mut TraceState,
    sink: &'s mut dyn RecordSink,
}

impl EachElement for Spans<'_, '_> {
    const EXPECTING: &'static str = "an array of Jaeger spans";

    fn element<'de, D: Deserializer<'de>>(&mut self, element: D) -> Result<(), D::Error> {
        let span = Value::deserialize(element)?;
        self.trace.push_value(span, &mut *self.sink);
        Ok(())
    }

    fn cancelled(&self) -> bool {
        self.sink.cancelled()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Collected;
    use crate::model::StatusCode;

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
