//! Decodes JSON Lines logs of any common logger (NDJSON; gzip/zstd is undone
//! before we see it). Each line is matched to a dialect of `dialects.rs`, which
//! says where time, level, message, ids and service are; those become columns
//! and every other field stays as an attribute. Docker's json-file wrapper is
//! unwrapped (its inner line may be JSON or text), CLEF message templates are
//! rendered, and CLEF span records (`@st`) become spans. A line that is not a
//! JSON object is kept as an unparsed record with its line number.
//! Where a field is and how its value reads is `json_log/fields.rs`; which keys
//! each logger uses is `dialects.rs`; a text line is `text_log.rs`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::BufRead;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::dialects::{trace_flag_keys, Dialect, IdSpelling, LevelNumbers, DIALECTS};
use super::text_log;
use super::{for_each_line, trim_start, DecodeError, Format, LineDecoder, Problem, RecordSink};
use crate::id_forms::IdForms;
use crate::model::{Attributes, LogRecord, Resource, Scope, Span, StatusCode};
use crate::severity;

mod fast;
mod fields;
#[cfg(test)]
mod same_records;

use fields::{
    error_message, flags_of, level_of, shown, span_id_of, take_first, take_id, time_of,
    trace_id_of, LineFields,
};

pub struct JsonLog;

/// How many leading lines sniffing looks at.
const SNIFF_LINES: usize = 20;

impl Format for JsonLog {
    fn name(&self) -> &'static str {
        "json-log"
    }

    /// JSON logs when at least half of the first lines (and at least one) are JSON objects.
    fn sniff(&self, head: &[u8]) -> bool {
        let head = trim_start(head);
        let mut sampled = 0;
        let mut objects = 0;
        let mut lines = head.split(|&b| b == b'\n').peekable();
        while let Some(line) = lines.next() {
            // The last piece may be cut by the end of the head; judge only whole lines,
            // unless the head holds a single line.
            if lines.peek().is_none() && sampled > 0 {
                break;
            }
            let line = line.trim_ascii();
            if line.is_empty() {
                continue;
            }
            sampled += 1;
            if line.starts_with(b"{") && serde_json::from_slice::<Map<String, Value>>(line).is_ok()
            {
                objects += 1;
            }
            if sampled == SNIFF_LINES {
                break;
            }
        }
        objects > 0 && objects * 2 >= sampled
    }

    fn decode(
        &self,
        input: &mut dyn BufRead,
        sink: &mut dyn RecordSink,
    ) -> Result<(), DecodeError> {
        for_each_line(input, sink, decode_line)
    }

    fn line_decoder(&self, _head: &[u8]) -> Option<LineDecoder> {
        Some(decode_line)
    }

    /// The dialect of the first whole line of `head` that is a JSON object.
    fn dialect(&self, head: &[u8]) -> Option<&'static str> {
        let mut lines = trim_start(head).split(|&b| b == b'\n').peekable();
        while let Some(line) = lines.next() {
            // The last piece may be cut by the end of the head.
            if lines.peek().is_none() && head.len() >= super::SNIFF_LEN {
                return None;
            }
            let Ok(object) = serde_json::from_slice::<Map<String, Value>>(line.trim_ascii()) else {
                continue;
            };
            return Some(dialect_name(&object));
        }
        None
    }
}

/// The dialect `decode_object` reads `object` as, by name; Docker's wrapper is
/// `docker` (its inner lines may be of any dialect, or text).
fn dialect_name(object: &Map<String, Value>) -> &'static str {
    if is_docker_wrapper(object) {
        "docker"
    } else {
        dialect_of(object).name
    }
}

/// One line of a JSON log file: a record, or an unparsed line and its problem.
/// Most lines take the streaming path (`fast`); the others, and every bad line,
/// the map path, which says what is wrong.
fn decode_line(sink: &mut dyn RecordSink, line_no: u64, text: &[u8]) {
    if text.starts_with(b"{") {
        if let Some((log, problems)) = fast::decode(text, line_no) {
            problems
                .into_iter()
                .for_each(|problem| sink.problem(problem));
            sink.log(log);
            return;
        }
    }
    decode_line_map(sink, line_no, text);
}

/// `decode_line` by way of the line's whole object as a `serde_json::Map`.
fn decode_line_map(sink: &mut dyn RecordSink, line_no: u64, text: &[u8]) {
    let parsed = if text.starts_with(b"{") {
        serde_json::from_slice::<Map<String, Value>>(text).map_err(|error| {
            format!(
                "invalid JSON: {}",
                super::strip_position(&error.to_string())
            )
        })
    } else {
        Err("not a JSON object".to_string())
    };
    match parsed {
        Ok(object) => match decode_object(object, line_no, sink) {
            Decoded::Log(log) => sink.log(log),
            Decoded::Span(span) => sink.span(span),
        },
        Err(message) => {
            sink.problem(Problem::at_line(line_no, message));
            sink.log(LogRecord::unparsed(line_no, text));
        }
    }
}

/// One JSON object read as a log line, for framings other than JSON Lines (Loki):
/// its log record, or `None` when it was a span record, which went to `sink`.
pub(crate) fn decode_json_object(
    object: Map<String, Value>,
    line: u64,
    sink: &mut dyn RecordSink,
) -> Option<LogRecord> {
    match decode_object(object, line, sink) {
        Decoded::Log(log) => Some(log),
        Decoded::Span(span) => {
            sink.span(span);
            None
        }
    }
}

enum Decoded {
    Log(LogRecord),
    Span(Span),
}

/// The dialect of a line: the first whose detect keys are all present.
///
/// Detection looks only at which keys are present, so objects with the same keys
/// (nested ones included) have the same dialect: the answer is kept per key shape
/// (most files have a handful), which spares ~30 map lookups per line.
pub fn dialect_of(object: &Map<String, Value>) -> &'static Dialect {
    thread_local! {
        static BY_SHAPE: RefCell<HashMap<u64, &'static Dialect>> = RefCell::new(HashMap::new());
    }
    let shape = key_shape(object, FNV_OFFSET);
    if let Some(dialect) = BY_SHAPE.with(|cache| cache.borrow().get(&shape).copied()) {
        return dialect;
    }
    let dialect = detect_dialect(object);
    BY_SHAPE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= 4096 {
            cache.clear();
        }
        cache.insert(shape, dialect);
    });
    dialect
}

fn detect_dialect(object: &impl LineFields) -> &'static Dialect {
    DIALECTS
        .iter()
        .find(|dialect| dialect.detect.iter().all(|key| object.has(key)))
        .expect("the last dialect detects everything")
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// A 64-bit FNV-1a hash of the object's keys in order, nested objects' keys within
/// brackets (values other than objects do not count).
fn key_shape(object: &Map<String, Value>, mut hash: u64) -> u64 {
    let mut eat = |byte: u8| hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    for (key, value) in object {
        key.bytes().for_each(&mut eat);
        eat(0);
        if let Value::Object(inner) = value {
            eat(b'{');
            let nested = key_shape(inner, 0);
            nested.to_le_bytes().into_iter().for_each(&mut eat);
            eat(b'}');
        }
    }
    hash
}

fn decode_object(object: Map<String, Value>, line: u64, sink: &mut dyn RecordSink) -> Decoded {
    if is_docker_wrapper(&object) {
        return Decoded::Log(unwrap_docker(object, line, sink));
    }
    let dialect = dialect_of(&object);
    if dialect.name == "clef" && object.contains_key("@st") {
        if let Some(span) = clef_span(object.clone(), line, sink) {
            return Decoded::Span(span);
        }
    }
    Decoded::Log(log_record(object, dialect, line, sink))
}

/// A normalized log record from one JSON object read as `dialect`.
fn log_record(
    mut object: Map<String, Value>,
    dialect: &Dialect,
    line: u64,
    sink: &mut dyn RecordSink,
) -> LogRecord {
    let (mut record, message) = take_known(&mut object, dialect, line, sink);
    record.body = match message {
        Some(text) => text,
        None if dialect.name == "clef" => render_template(&object),
        None => error_message(&object).unwrap_or_else(|| Value::Object(object.clone()).to_string()),
    };
    record.attributes = object;
    record
}

/// The record of a line's known fields (time, level, ids, flags, service), taken out
/// of `object`, and its message if it has one; body and attributes are the caller's.
fn take_known(
    object: &mut impl LineFields,
    dialect: &Dialect,
    line: u64,
    sink: &mut dyn RecordSink,
) -> (LogRecord, Option<String>) {
    let ts_ns = take_first(object, dialect.time, time_of);
    if ts_ns.is_none() {
        let unreadable = dialect.time.iter().find_map(|key| {
            object
                .find(key)
                .filter(|value| !value.is_null())
                .map(|value| (key, value))
        });
        if let Some((key, value)) = unreadable {
            sink.problem(Problem::at_line(
                line,
                format!(
                    "`{key}`: {} is not a time in range; kept as an attribute, the record takes the time of the one before",
                    shown(value)
                ),
            ));
        }
    }
    let (severity, severity_text) = take_first(object, dialect.level, |value| {
        level_of(value, dialect.level_numbers)
    })
    .unwrap_or_else(|| match dialect.name {
        // CLEF leaves out @l for Information.
        "clef" => (severity::INFO, String::new()),
        _ => (0, String::new()),
    });
    let mut id_forms = IdForms::default();
    let trace_id = take_id(
        object,
        dialect.trace_id,
        dialect.ids,
        line,
        sink,
        trace_id_of,
        (&mut id_forms, 16),
    );
    let span_id = take_id(
        object,
        dialect.span_id,
        dialect.ids,
        line,
        sink,
        span_id_of,
        (&mut id_forms, 8),
    );
    let flags = take_first(object, trace_flag_keys(), flags_of).unwrap_or(0);
    let service = take_first(object, dialect.service, |value| match value {
        Value::String(name) if !name.is_empty() => Some(name.clone()),
        _ => None,
    });
    let message = take_first(object, dialect.message, |value| match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    });
    let record = LogRecord {
        ts_ns,
        observed_ns: None,
        severity,
        severity_text,
        body: String::new(),
        trace_id,
        span_id,
        flags,
        attributes: Attributes::new(),
        attributes_json: None,
        service,
        resource: None,
        scope: None,
        line: Some(line),
        unparsed: false,
        ts_inferred: false,
        id_forms,
    };
    (record, message)
}

// ---- Docker json-file ----------------------------------------------------------------

fn is_docker_wrapper(object: &Map<String, Value>) -> bool {
    matches!(object.get("log"), Some(Value::String(_)))
        && object.contains_key("stream")
        && object.contains_key("time")
}

/// Docker's `{"log": line, "stream", "time"}`: the inner line is decoded as JSON or as text.
fn unwrap_docker(mut outer: Map<String, Value>, line: u64, sink: &mut dyn RecordSink) -> LogRecord {
    let Some(Value::String(inner)) = outer.shift_remove("log") else {
        unreachable!("checked by is_docker_wrapper")
    };
    let outer_time = outer.shift_remove("time").as_ref().and_then(time_of);
    let inner = inner.trim_end_matches(['\n', '\r']);
    let mut record = match serde_json::from_str::<Map<String, Value>>(inner) {
        Ok(object) if !is_docker_wrapper(&object) => {
            log_record(object.clone(), dialect_of(&object), line, sink)
        }
        _ => text_log::record_of_line(inner, line),
    };
    record.ts_ns = record.ts_ns.or(outer_time);
    for (key, value) in outer {
        record.attributes.entry(key).or_insert(value);
    }
    record
}

// ---- CLEF ----------------------------------------------------------------------------

/// A CLEF span record (`@st` start, `@t` end, `@tr`/`@sp`/`@ps`, `@ra`/`@sa`).
fn clef_span(mut object: Map<String, Value>, line: u64, sink: &mut dyn RecordSink) -> Option<Span> {
    let mut id_forms = IdForms::default();
    let trace_id = take_id(
        &mut object,
        &["@tr"],
        IdSpelling::Any,
        line,
        sink,
        trace_id_of,
        (&mut id_forms, 16),
    )?;
    let span_id = take_id(
        &mut object,
        &["@sp"],
        IdSpelling::Any,
        line,
        sink,
        span_id_of,
        (&mut id_forms, 8),
    )?;
    let parent_span_id = take_id(
        &mut object,
        &["@ps"],
        IdSpelling::Any,
        line,
        sink,
        span_id_of,
        (&mut id_forms, 8),
    );
    let start_ns = take_first(&mut object, &["@st"], time_of).unwrap_or(0);
    let end_ns = take_first(&mut object, &["@t"], time_of).unwrap_or(start_ns);
    let (severity, _) = take_first(&mut object, &["@l"], |v| level_of(v, LevelNumbers::Pino))
        .unwrap_or((severity::INFO, String::new()));
    let kind = match take_first(&mut object, &["@sk"], |v| {
        v.as_str().map(str::to_ascii_lowercase)
    })
    .as_deref()
    {
        Some("internal") => 1,
        Some("server") => 2,
        Some("client") => 3,
        Some("producer") => 4,
        Some("consumer") => 5,
        _ => 0,
    };
    let name = match object.shift_remove("@m") {
        Some(Value::String(text)) => text,
        _ => render_template(&object),
    };
    object.shift_remove("@mt");
    let status_message = match object.shift_remove("@x") {
        Some(Value::String(text)) => text,
        _ => String::new(),
    };
    let resource_attributes = match object.shift_remove("@ra") {
        Some(Value::Object(map)) => map,
        _ => Attributes::new(),
    };
    let scope_attributes = match object.shift_remove("@sa") {
        Some(Value::Object(map)) => map,
        _ => Attributes::new(),
    };
    Some(Span {
        trace_id,
        span_id,
        parent_span_id,
        trace_state: String::new(),
        flags: 0,
        name,
        kind,
        start_ns,
        end_ns,
        status_code: if severity >= severity::ERROR {
            StatusCode::Error
        } else {
            StatusCode::Unset
        },
        status_message,
        attributes: object,
        events: Vec::new(),
        links: Vec::new(),
        dropped_attributes_count: 0,
        dropped_events_count: 0,
        dropped_links_count: 0,
        resource: Arc::new(Resource::new(resource_attributes, String::new(), 0)),
        scope: Arc::new(Scope {
            attributes: scope_attributes,
            ..Scope::default()
        }),
        id_forms,
    })
}

/// Renders a CLEF/Serilog message template (`@mt`) with the record's properties:
/// `{Name}`, `{@Name}`, `{$Name}`, `{Name:format}`; `{{` and `}}` are braces.
fn render_template(object: &Map<String, Value>) -> String {
    let Some(Value::String(template)) = object.get("@mt") else {
        return String::new();
    };
    let mut out = String::with_capacity(template.len());
    let mut rest = template.as_str();
    while let Some(open) = rest.find(['{', '}']) {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        let Some(close) = tail.find('}').filter(|_| tail.starts_with('{')) else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
            continue;
        };
        let hole = &tail[1..close];
        let name = hole
            .trim_start_matches(['@', '$'])
            .split([':', ','])
            .next()
            .unwrap_or("");
        match object.get(name) {
            Some(Value::String(text)) => out.push_str(text),
            Some(value) => out.push_str(&value.to_string()),
            None => out.push_str(&tail[..=close]),
        }
        rest = &tail[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Collected;

    fn decode(text: &str) -> Collected {
        let mut sink = Collected::default();
        JsonLog.decode(&mut text.as_bytes(), &mut sink).unwrap();
        sink
    }

    /// Issue 23, point 10: the source of a JSON log file names its dialect.
    #[test]
    fn the_dialect_of_a_file_is_that_of_its_first_record() {
        for dialect in DIALECTS {
            for sample in dialect.samples {
                let head = format!("not json\n\n{sample}\n{{\"@t\": 1}}\n");
                assert_eq!(
                    JsonLog.dialect(head.as_bytes()),
                    Some(dialect.name),
                    "{sample}"
                );
            }
        }
        let docker =
            r#"{"log":"{\"level\":30}\n","stream":"stdout","time":"2024-01-01T00:00:00Z"}"#;
        assert_eq!(JsonLog.dialect(docker.as_bytes()), Some("docker"));
        assert_eq!(JsonLog.dialect(b"plain text\nmore text\n"), None);
    }

    #[test]
    fn every_dialect_sample_decodes_as_that_dialect() {
        for dialect in DIALECTS {
            assert!(
                !dialect.samples.is_empty(),
                "{} has no sample",
                dialect.name
            );
            for sample in dialect.samples {
                let object: Map<String, Value> = serde_json::from_str(sample).unwrap();
                assert_eq!(dialect_of(&object).name, dialect.name, "{sample}");
                assert_eq!(detect_dialect(&object).name, dialect.name, "{sample}");
                let records = decode(sample);
                assert!(
                    records.problems.is_empty(),
                    "{}: {:?}",
                    dialect.name,
                    records.problems
                );
                assert_eq!(records.logs.len(), 1, "{}", dialect.name);
                let log = &records.logs[0];
                assert!(!log.body.is_empty(), "{}: no body", dialect.name);
                if dialect.name != "json" {
                    assert!(log.ts_ns.is_some(), "{}: no time", dialect.name);
                    assert!(log.severity > 0, "{}: no severity", dialect.name);
                }
            }
        }
    }

    /// The dialect cache keys on nested keys too: same top-level keys, other dialects.
    #[test]
    fn dialects_are_told_apart_by_nested_keys() {
        let object = |text: &str| serde_json::from_str::<Map<String, Value>>(text).unwrap();
        let datadog = object(r#"{"dd":{"trace_id":"1"},"level":"info","message":"m"}"#);
        let other = object(r#"{"dd":{"env":"prod"},"level":"info","message":"m"}"#);
        for _ in 0..2 {
            assert_eq!(dialect_of(&datadog).name, "datadog");
            assert_eq!(dialect_of(&other).name, detect_dialect(&other).name);
            assert_ne!(dialect_of(&other).name, "datadog");
        }
    }

    #[test]
    fn bom_crlf_and_invalid_utf8_are_handled() {
        let mut text =
            b"\xEF\xBB\xBF{\"level\":30,\"time\":1,\"pid\":1,\"msg\":\"a\"}\r\n".to_vec();
        text.extend_from_slice(b"{\"msg\":\"caf\xE9\"}\r\n");
        let mut sink = Collected::default();
        JsonLog.decode(&mut text.as_slice(), &mut sink).unwrap();
        assert_eq!(sink.logs.len(), 2);
        assert_eq!(sink.logs[0].body, "a");
        assert!(sink.logs[1].unparsed);
        assert_eq!(sink.logs[1].body, "{\"msg\":\"caf\u{FFFD}\"}");
        assert_eq!(sink.problems[0].line, Some(2));
    }

    #[test]
    fn template_rendering() {
        let object: Map<String, Value> = serde_json::from_str(
            r#"{"@mt":"{{x}} {Count:000} rows by {@User} {Missing}","Count":4,"User":{"n":1}}"#,
        )
        .unwrap();
        assert_eq!(
            render_template(&object),
            r#"{x} 4 rows by {"n":1} {Missing}"#
        );
    }
}
