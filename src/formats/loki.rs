//! Decodes Loki query API exports (`{"status":"success","data":{"resultType":
//! "streams","result":[{"stream":{labels},"values":[["<ns>","<line>"],…]}]}}`,
//! also without the `status` wrapper) and the push API body (`{"streams":[…]}`).
//! Entries stream in one at a time. Each line is read by the JSON log dialects
//! (`json_log.rs`) when it is a JSON object and by the text log line logic
//! (`text_log.rs`) otherwise; the stream labels (and an entry's structured
//! metadata) become attributes where the line has no field of that name; the
//! `service_name` / `service` / `job` / `app` label is the service and the entry's
//! Loki time is the time when the line names neither.
//! Reading the document and cancellable arrays is `json_stream.rs`.

use std::fmt;
use std::io::BufRead;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::json_log::decode_json_object;
use super::json_stream::{contains_key, decode_documents, EachElement, Elements};
use super::text_log::record_of_line;
use super::{trim_start, DecodeError, Format, Problem, RecordSink};
use crate::model::{LogRecord, Span};
use crate::severity;

pub struct LokiJson;

/// Labels that name the service, most specific first.
const SERVICE_LABELS: &[&str] = &["service_name", "service", "job", "app"];
/// Labels that carry the level when the line has none.
const LEVEL_LABELS: &[&str] = &["detected_level", "level"];

impl Format for LokiJson {
    fn name(&self) -> &'static str {
        "loki-json"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        let head = trim_start(head);
        head.first() == Some(&b'{')
            && contains_key(head, "stream")
            && contains_key(head, "values")
            && (contains_key(head, "result") || contains_key(head, "streams"))
            && !contains_key(head, "resourceLogs")
    }

    fn decode(
        &self,
        input: &mut dyn BufRead,
        sink: &mut dyn RecordSink,
    ) -> Result<(), DecodeError> {
        let mut n_entries = 0u64;
        decode_documents(input, sink, |deserializer, sink| {
            ResponseSeed {
                sink,
                n_entries: &mut n_entries,
            }
            .deserialize(deserializer)
        })
    }
}

/// The response object, its `data`, or a push body: whatever holds the streams.
struct ResponseSeed<'s, 'n> {
    sink: &'s mut dyn RecordSink,
    n_entries: &'n mut u64,
}

impl<'de> DeserializeSeed<'de> for ResponseSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ResponseSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Loki query response or push body")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut result_type = String::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "data" => map.next_value_seed(ResponseSeed {
                    sink: &mut *self.sink,
                    n_entries: &mut *self.n_entries,
                })?,
                "resultType" => {
                    result_type = map.next_value::<Option<String>>()?.unwrap_or_default()
                }
                "result" | "streams" if matches!(result_type.as_str(), "" | "streams") => {
                    map.next_value_seed(Elements(&mut Streams {
                        sink: &mut *self.sink,
                        n_entries: &mut *self.n_entries,
                    }))?;
                }
                "result" => {
                    self.sink.problem(Problem::unplaced(format!(
                        "a `{result_type}` result holds metrics, not log lines: skipped"
                    )));
                    map.next_value::<IgnoredAny>()?;
                }
                "error" => {
                    let error: Value = map.next_value()?;
                    self.sink.problem(Problem::unplaced(format!(
                        "the Loki query returned an error: {error}"
                    )));
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// The array of streams, one stream at a time.
struct Streams<'s, 'n> {
    sink: &'s mut dyn RecordSink,
    n_entries: &'n mut u64,
}

impl EachElement for Streams<'_, '_> {
    const EXPECTING: &'static str = "an array of Loki streams";

    fn element<'de, D: Deserializer<'de>>(&mut self, element: D) -> Result<(), D::Error> {
        StreamSeed {
            sink: &mut *self.sink,
            n_entries: &mut *self.n_entries,
        }
        .deserialize(element)
    }

    fn cancelled(&self) -> bool {
        self.sink.cancelled()
    }
}

/// One stream: `stream` labels and `values`; values before labels wait for them.
struct StreamSeed<'s, 'n> {
    sink: &'s mut dyn RecordSink,
    n_entries: &'n mut u64,
}

impl<'de> DeserializeSeed<'de> for StreamSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for StreamSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Loki stream object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut labels: Option<Map<String, Value>> = None;
        let mut waiting: Vec<Value> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "stream" => labels = Some(map.next_value::<Option<_>>()?.unwrap_or_default()),
                "values" => match &labels {
                    Some(labels) => {
                        map.next_value_seed(Elements(&mut Entries {
                            labels,
                            sink: &mut *self.sink,
                            n_entries: &mut *self.n_entries,
                        }))?;
                    }
                    None => waiting = map.next_value::<Option<_>>()?.unwrap_or_default(),
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let labels = labels.unwrap_or_default();
        for entry in waiting {
            *self.n_entries += 1;
            emit_entry(entry, &labels, *self.n_entries, &mut *self.sink);
        }
        Ok(())
    }
}

/// The `values` of a stream, one entry at a time.
struct Entries<'l, 's, 'n> {
    labels: &'l Map<String, Value>,
    sink: &'s mut dyn RecordSink,
    n_entries: &'n mut u64,
}

impl EachElement for Entries<'_, '_, '_> {
    const EXPECTING: &'static str = "an array of [time, line] entries";

    fn element<'de, D: Deserializer<'de>>(&mut self, element: D) -> Result<(), D::Error> {
        let entry = Value::deserialize(element)?;
        *self.n_entries += 1;
        emit_entry(entry, self.labels, *self.n_entries, &mut *self.sink);
        Ok(())
    }

    fn cancelled(&self) -> bool {
        self.sink.cancelled()
    }
}

/// One `[ns, line]` or `[ns, line, {structured metadata}]` entry as a log record.
fn emit_entry(entry: Value, labels: &Map<String, Value>, n_entry: u64, sink: &mut dyn RecordSink) {
    let Value::Array(mut parts) = entry else {
        sink.problem(Problem::unplaced(format!(
            "entry {n_entry}: not a [time, line] pair; skipped"
        )));
        return;
    };
    let metadata = match parts.get(2) {
        Some(Value::Object(metadata)) => metadata.clone(),
        _ => Map::new(),
    };
    parts.truncate(2);
    let line = match parts.pop() {
        Some(Value::String(line)) => line,
        other => {
            sink.problem(Problem::unplaced(format!(
                "entry {n_entry}: the line is {} instead of a string; skipped",
                other.unwrap_or(Value::Null)
            )));
            return;
        }
    };
    let loki_ns = match parts.pop() {
        Some(Value::String(text)) => text.trim().parse::<i64>().ok(),
        Some(Value::Number(number)) => number.as_i64(),
        _ => None,
    };
    let text = line.trim_end_matches(['\n', '\r']);
    let mut entry_sink = EntrySink {
        sink: &mut *sink,
        n_entry,
    };
    let record = match text.trim_start().starts_with('{') {
        true => match serde_json::from_str::<Map<String, Value>>(text) {
            Ok(object) => decode_json_object(object, n_entry, &mut entry_sink),
            Err(_) => Some(record_of_line(text, n_entry)),
        },
        false => Some(record_of_line(text, n_entry)),
    };
    let Some(mut record) = record else {
        return;
    };
    record.line = None;
    record.ts_ns = record.ts_ns.or(loki_ns);
    if record.service.is_none() {
        record.service = SERVICE_LABELS
            .iter()
            .find_map(|key| labels.get(*key)?.as_str().filter(|s| !s.is_empty()))
            .map(str::to_string);
    }
    if record.severity == 0 {
        if let Some(level) = LEVEL_LABELS
            .iter()
            .find_map(|key| metadata.get(*key).or(labels.get(*key))?.as_str())
        {
            if let Some(number) = severity::from_text(level) {
                record.severity = number;
                record.severity_text = level.to_string();
            }
        }
    }
    for (key, value) in metadata.into_iter().chain(labels.clone()) {
        record.attributes.entry(key).or_insert(value);
    }
    sink.log(record);
}

/// Problems of one entry's line are placed by the entry's number, not a line of the file.
struct EntrySink<'s> {
    sink: &'s mut dyn RecordSink,
    n_entry: u64,
}

impl RecordSink for EntrySink<'_> {
    fn span(&mut self, span: Span) {
        self.sink.span(span);
    }
    fn log(&mut self, log: LogRecord) {
        self.sink.log(log);
    }
    fn problem(&mut self, problem: Problem) {
        self.sink.problem(Problem::unplaced(format!(
            "entry {}: {}",
            self.n_entry, problem.message
        )));
    }
    fn cancelled(&self) -> bool {
        self.sink.cancelled()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Collected;

    fn decode(text: &str) -> Collected {
        let mut sink = Collected::default();
        LokiJson.decode(&mut text.as_bytes(), &mut sink).unwrap();
        sink
    }

    #[test]
    fn query_response_lines_are_read_by_the_log_decoders() {
        let text = r#"{"status":"success","data":{"resultType":"streams","result":[
          {"stream":{"service_name":"cart","env":"prod"},"values":[
            ["1700000000000000001","{\"level\":50,\"time\":1700000000123,\"pid\":1,\"msg\":\"boom\",\"trace_id\":\"5b8efff798038103d269b633813fc60c\"}"],
            ["1700000000000000002","2023-11-14T22:13:20.5Z WARN slow trace_id=5b8efff798038103d269b633813fc60c"],
            ["1700000000000000003","plain words",{"detected_level":"error"}]]},
          {"values":[["1700000000000000004","x"]],"stream":{"job":"ns/api"}}]}}"#;
        assert!(LokiJson.sniff(text.as_bytes()));
        let sink = decode(text);
        assert!(sink.problems.is_empty(), "{:?}", sink.problems);
        let [json, text_line, plain, late] = &sink.logs[..] else {
            panic!("{:?}", sink.logs)
        };
        assert_eq!(json.body, "boom");
        assert_eq!(json.ts_ns, Some(1_700_000_000_123_000_000));
        assert_eq!(json.severity, severity::ERROR);
        assert!(json.trace_id.is_some());
        assert_eq!(json.service.as_deref(), Some("cart"));
        assert_eq!(json.attributes["env"], Value::from("prod"));
        assert_eq!(text_line.severity, severity::WARN);
        assert!(text_line.trace_id.is_some());
        assert_eq!(plain.ts_ns, Some(1_700_000_000_000_000_003));
        assert_eq!(plain.severity, severity::ERROR);
        assert_eq!(late.service.as_deref(), Some("ns/api"));
        assert_eq!(late.line, None);
    }

    #[test]
    fn push_body_and_metric_results() {
        let push = r#"{"streams":[{"stream":{"app":"a"},"values":[["1","hello"]]}]}"#;
        assert!(LokiJson.sniff(push.as_bytes()));
        assert_eq!(decode(push).logs[0].service.as_deref(), Some("a"));
        let matrix =
            r#"{"data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"2"]]}]}}"#;
        let sink = decode(matrix);
        assert!(sink.logs.is_empty());
        assert_eq!(sink.problems.len(), 1);
    }

    #[test]
    fn cut_document_keeps_the_entries_before_the_cut() {
        let text = r#"{"data":{"resultType":"streams","result":[{"stream":{"app":"a"},"values":[["1","one"],["2","two"],["3","thr"#;
        let mut sink = Collected::default();
        let error = LokiJson
            .decode(&mut text.as_bytes(), &mut sink)
            .unwrap_err();
        assert_eq!(sink.logs.len(), 2);
        assert!(matches!(error, DecodeError::Syntax { .. }), "{error}");
    }

    #[test]
    fn logs_and_otlp_are_not_loki() {
        assert!(!LokiJson.sniff(b"{\"log\":\"x\",\"stream\":\"stdout\",\"time\":\"t\"}\n"));
        assert!(!LokiJson.sniff(br#"{"resourceLogs":[]}"#));
    }
}
