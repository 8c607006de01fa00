//! Where a JSON log line keeps a field and how its value reads: dotted paths
//! into nested objects (`find`, `take`), taking the first of a dialect's keys
//! that parses, ids (GCP's `projects/…/traces/ID`, decimal for Datadog), times
//! (numbers by magnitude, strings, GCP's `{seconds, nanos}`), levels (names,
//! pino and syslog numbers) and trace flags. Which keys a dialect names is
//! `dialects.rs`; building the record is `json_log.rs`.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::formats::dialects::{IdSpelling, LevelNumbers};
use crate::formats::{Problem, RecordSink};
use crate::id_forms::{form_of, IdForm, IdForms, Reading};
use crate::ids::{SpanId, TraceId};
use crate::{severity, time};

/// The fields of one line that the record is taken from: the line's parsed object
/// (`Map`), or its borrowed fields as they streamed (`fast::FieldList`).
pub(super) trait LineFields {
    /// The value at `path` (see `find`).
    fn find(&self, path: &str) -> Option<&Value>;
    /// Whether there is a value at `path`, whatever it is (dialect detection).
    fn has(&self, path: &str) -> bool;
    /// Removes the value at `path` (see `take`).
    fn take(&mut self, path: &str) -> Option<Value>;
}

impl LineFields for Map<String, Value> {
    fn find(&self, path: &str) -> Option<&Value> {
        find(self, path)
    }
    fn has(&self, path: &str) -> bool {
        find(self, path).is_some()
    }
    fn take(&mut self, path: &str) -> Option<Value> {
        take(self, path)
    }
}

/// The value at `path`: a literal key, or nested objects along its dots
/// (`trace.id` finds `{"trace.id":…}`, `{"trace":{"id":…}}`).
pub(super) fn find<'a>(object: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    if let Some(value) = object.get(path) {
        return Some(value);
    }
    for (dot, _) in path.match_indices('.') {
        if let Some(Value::Object(inner)) = object.get(&path[..dot]) {
            if let Some(value) = find(inner, &path[dot + 1..]) {
                return Some(value);
            }
        }
    }
    None
}

/// Removes the value at `path` (see `find`), and objects it leaves empty.
pub(super) fn take(object: &mut Map<String, Value>, path: &str) -> Option<Value> {
    if let Some(value) = object.shift_remove(path) {
        return Some(value);
    }
    for (dot, _) in path.match_indices('.') {
        let head = &path[..dot];
        if let Some(Value::Object(inner)) = object.get_mut(head) {
            if let Some(value) = take(inner, &path[dot + 1..]) {
                if inner.is_empty() {
                    object.shift_remove(head);
                }
                return Some(value);
            }
        }
    }
    None
}

/// The first of `keys` whose value `parse` accepts, removed from the object. Values
/// that do not parse stay where they are, as attributes.
pub(super) fn take_first<T>(
    object: &mut impl LineFields,
    keys: &[&str],
    parse: impl Fn(&Value) -> Option<T>,
) -> Option<T> {
    for key in keys {
        if let Some(parsed) = object.find(key).and_then(&parse) {
            object.take(key);
            return Some(parsed);
        }
    }
    None
}

/// Like `take_first` for ids; a present but malformed id is a problem and stays an attribute.
/// The id under the first of `keys` that is there, read by `parse`; the form it was
/// written in (an id of `bytes` bytes) goes into `forms`.
#[allow(clippy::too_many_arguments)]
pub(super) fn take_id<T>(
    object: &mut impl LineFields,
    keys: &[&str],
    spelling: IdSpelling,
    line: u64,
    sink: &mut dyn RecordSink,
    parse: fn(&Value, IdSpelling) -> Result<Option<T>, ()>,
    (forms, bytes): (&mut IdForms, usize),
) -> Option<T> {
    for key in keys {
        let Some(value) = object.find(key) else {
            continue;
        };
        match parse(value, spelling) {
            Ok(id) => {
                if id.is_some() {
                    let text = id_text(value).unwrap_or_default();
                    forms.add(match spelling {
                        IdSpelling::Decimal if text.bytes().all(|b| b.is_ascii_digit()) => {
                            Some(IdForm::Decimal)
                        }
                        _ => form_of(&text, bytes, Reading::Any),
                    });
                }
                object.take(key);
                return id;
            }
            Err(()) => {
                sink.problem(Problem::at_line(
                    line,
                    format!("`{key}`: {} is not a valid id", shown(value)),
                ));
                return None;
            }
        }
    }
    None
}

/// A value for a problem message, cut so that one huge value cannot bloat the report.
pub(super) fn shown(value: &Value) -> String {
    const SHOWN: usize = 100;
    let text = value.to_string();
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The text of an id value, borrowed from a string (the common case, no copy).
fn id_text(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::String(text) => {
            // GCP writes `projects/PROJECT/traces/TRACE_ID`.
            // (A slash first: a substring search per id costs more than the id.)
            let id = if text.contains('/') {
                text.rsplit_once("/traces/")
                    .map_or(text.as_str(), |(_, id)| id)
            } else {
                text
            };
            Some(Cow::Borrowed(id))
        }
        Value::Number(number) => Some(Cow::Owned(number.to_string())),
        _ => None,
    }
}

pub(super) fn trace_id_of(value: &Value, spelling: IdSpelling) -> Result<Option<TraceId>, ()> {
    let text = id_text(value).ok_or(())?;
    match spelling {
        IdSpelling::Decimal if text.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(TraceId::from_decimal(&text))
        }
        _ => TraceId::parse(&text).map_err(|_| ()),
    }
}

pub(super) fn span_id_of(value: &Value, spelling: IdSpelling) -> Result<Option<SpanId>, ()> {
    let text = id_text(value).ok_or(())?;
    match spelling {
        IdSpelling::Decimal if text.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(SpanId::from_decimal(&text))
        }
        _ => SpanId::parse(&text).map_err(|_| ()),
    }
}

/// A time from a number (unit by magnitude), a string, or GCP's `{seconds, nanos}`.
pub(super) fn time_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => match number.as_i64() {
            Some(integer) => time::ns_from_integer(integer),
            None => number.as_f64().and_then(time::ns_from_number),
        },
        Value::String(text) => time::ns_from_str(text),
        Value::Object(parts) => {
            let seconds = parts
                .get("seconds")
                .and_then(|s| s.as_i64().or_else(|| s.as_str()?.parse().ok()))?;
            let nanos = parts.get("nanos").and_then(Value::as_i64).unwrap_or(0);
            seconds.checked_mul(1_000_000_000)?.checked_add(nanos)
        }
        _ => None,
    }
}

/// (severity number, original text) of a level value.
pub(super) fn level_of(value: &Value, numbers: LevelNumbers) -> Option<(u8, String)> {
    let from_number = |number: i64| match numbers {
        LevelNumbers::Syslog => syslog(number),
        LevelNumbers::Pino if number >= 10 => severity::from_pino(number),
        LevelNumbers::Pino => syslog(number),
    };
    match value {
        Value::Number(number) => {
            let integer = number.as_i64()?;
            Some((from_number(integer), integer.to_string()))
        }
        Value::String(text) => {
            let severity = match text.trim().parse::<i64>() {
                Ok(integer) => from_number(integer),
                Err(_) => severity::from_text(text)?,
            };
            Some((severity, text.clone()))
        }
        _ => None,
    }
}

/// Syslog priorities (0 emergency … 7 debug) as OTel severities.
fn syslog(priority: i64) -> u8 {
    match priority {
        0..=2 => severity::FATAL,
        3 => severity::ERROR,
        4 => severity::WARN,
        5 | 6 => severity::INFO,
        7 => severity::DEBUG,
        _ => 0,
    }
}

pub(super) fn flags_of(value: &Value) -> Option<u32> {
    match value {
        Value::Number(number) => number.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(text) => u32::from_str_radix(text.trim(), 16).ok(),
        _ => None,
    }
}

/// pino/bunyan error serializers: `err.message` says what happened when `msg` is absent.
pub(super) fn error_message(object: &Map<String, Value>) -> Option<String> {
    ["err", "error"]
        .iter()
        .find_map(|key| match object.get(*key)? {
            Value::Object(error) => error.get("message")?.as_str().map(str::to_string),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_and_dotted_keys_are_found_and_taken() {
        let mut object: Map<String, Value> =
            serde_json::from_str(r#"{"trace":{"id":"a","x":1},"span.id":"b"}"#).unwrap();
        assert_eq!(find(&object, "trace.id"), Some(&Value::from("a")));
        assert_eq!(take(&mut object, "trace.id"), Some(Value::from("a")));
        assert_eq!(take(&mut object, "span.id"), Some(Value::from("b")));
        assert_eq!(Value::Object(object).to_string(), r#"{"trace":{"x":1}}"#);
    }
}
