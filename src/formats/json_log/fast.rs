//! The cheap way through a JSON log line: its top-level object read as it streams
//! into a list of borrowed fields, where the keys a dialect may name (a `match` on
//! the key, no hashing) are parsed as `Value`s and every other value is kept as its
//! raw slice of the line; the record's fields are taken from that list, and the
//! fields left are written as the attributes' JSON text straight from their slices
//! when these already are serde_json's compact form (else parsed and written again).
//!
//! It gives exactly what `json_log::decode_line_map` gives (the tests compare both on
//! the corpus and on tricky lines), or `None` when a line needs that path: not one
//! valid JSON object, a key twice, an object under a key that is the start of a
//! dialect's dotted path (`trace` for `trace.id`), Docker's wrapper, CLEF, no
//! message. Problems are only handed back with a record, so a line that takes the
//! other path has reported nothing yet.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::sync::OnceLock;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

use super::fields::LineFields;
use super::{detect_dialect, take_known, Dialect, Problem, DIALECTS};
use crate::formats::dialects::trace_flag_keys;
use crate::formats::Collected;
use crate::model::LogRecord;

/// The record of a JSON object line and the problems of its fields, or `None` when
/// the line must take the map path (see the module doc).
pub(super) fn decode(text: &[u8], line: u64) -> Option<(LogRecord, Vec<Problem>)> {
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    let fields = deserializer.deserialize_map(LineVisitor).ok()?;
    deserializer.end().ok()?;
    let mut fields = FieldList {
        fields,
        unread: Cell::new(false),
    };
    if fields.needs_map() {
        return None;
    }
    let dialect = dialect_of(&fields);
    if dialect.name == "clef" {
        return None;
    }
    let mut problems = Collected::default();
    let (mut record, message) = take_known(&mut fields, dialect, line, &mut problems);
    if fields.unread.get() {
        return None;
    }
    record.body = message?;
    record.attributes_json = Some(fields.encode()?);
    Some((record, problems.problems))
}

/// One top-level field of a line: its key (owned only when it had escapes) and value.
struct Field<'a> {
    key: Cow<'a, str>,
    value: FieldValue<'a>,
}

enum FieldValue<'a> {
    /// The value of a key some dialect reads (`is_named`).
    Parsed(Value),
    /// Any other value, as it is in the line.
    Raw(&'a RawValue),
}

/// A line's fields in their order, which `take_known` takes from like from a map.
struct FieldList<'a> {
    fields: Vec<Field<'a>>,
    /// Set when a dialect's key held a raw value (a key `is_named` missed): the
    /// record is then left to the map path rather than read wrong.
    unread: Cell<bool>,
}

impl FieldList<'_> {
    fn position(&self, key: &str) -> Option<usize> {
        self.fields.iter().position(|field| field.key == key)
    }

    /// Docker's wrapper, or an object where a dotted path of some dialect could
    /// reach into it (`find` would look inside; here lookups are of whole keys).
    fn needs_map(&self) -> bool {
        let has = |key: &str| self.position(key).is_some();
        if has("log") && has("stream") && has("time") {
            return true;
        }
        self.fields.iter().any(|field| {
            let object = match &field.value {
                FieldValue::Parsed(value) => value.is_object(),
                FieldValue::Raw(raw) => raw.get().starts_with('{'),
            };
            object && path_heads().contains(&&*field.key)
        })
    }

    /// The fields left, as the compact JSON object serde_json writes for them.
    fn encode(&self) -> Option<String> {
        let mut out = String::with_capacity(2 + self.fields.len() * 24);
        out.push('{');
        for (n_field, field) in self.fields.iter().enumerate() {
            if n_field > 0 {
                out.push(',');
            }
            match &field.key {
                // Borrowed keys had no escapes, and a JSON string holds no control
                // characters: serde_json writes them back as they are.
                Cow::Borrowed(key) => {
                    out.push('"');
                    out.push_str(key);
                    out.push('"');
                }
                Cow::Owned(key) => out.push_str(&serde_json::to_string(key).ok()?),
            }
            out.push(':');
            match &field.value {
                FieldValue::Parsed(value) => out.push_str(&serde_json::to_string(value).ok()?),
                FieldValue::Raw(raw) if is_compact(raw.get()) => out.push_str(raw.get()),
                FieldValue::Raw(raw) => {
                    let value: Value = serde_json::from_str(raw.get()).ok()?;
                    out.push_str(&serde_json::to_string(&value).ok()?);
                }
            }
        }
        out.push('}');
        Some(out)
    }
}

impl LineFields for FieldList<'_> {
    fn find(&self, path: &str) -> Option<&Value> {
        match &self.fields[self.position(path)?].value {
            FieldValue::Parsed(value) => Some(value),
            FieldValue::Raw(_) => {
                self.unread.set(true);
                None
            }
        }
    }

    fn has(&self, path: &str) -> bool {
        self.position(path).is_some()
    }

    fn take(&mut self, path: &str) -> Option<Value> {
        let position = self.position(path)?;
        match self.fields.remove(position).value {
            FieldValue::Parsed(value) => Some(value),
            FieldValue::Raw(_) => {
                self.unread.set(true);
                None
            }
        }
    }
}

/// Whether serde_json writes this raw value (valid JSON) back byte for byte: a
/// string without escapes, `true`, `false`, `null`, an integer of at most 18 digits
/// other than `-0`. Other values are parsed and written again (this is a cheap,
/// safe "no" for the rare ones: floats, escapes, objects, arrays).
fn is_compact(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    match bytes.first() {
        Some(b'"') => !bytes.contains(&b'\\'),
        Some(b't' | b'f' | b'n') => true,
        Some(b'-' | b'0'..=b'9') => {
            let digits = bytes.strip_prefix(b"-").unwrap_or(bytes);
            !digits.is_empty()
                && digits.len() <= 18
                && digits.iter().all(u8::is_ascii_digit)
                && (digits[0] != b'0' || (digits.len() == 1 && digits.len() == bytes.len()))
        }
        _ => false,
    }
}

/// Whether some dialect reads the value under this top-level key: the keys of their
/// time, level, message, id, service and flag lists (a test holds this to the table).
/// Only these values are parsed as the line streams.
fn is_named(key: &str) -> bool {
    matches!(
        key,
        "@t" | "@timestamp"
            | "timestamp"
            | "time"
            | "date"
            | "asctime"
            | "created"
            | "ts"
            | "t"
            | "datetime"
            | "Timestamp"
            | "eventTime"
            | "__REALTIME_TIMESTAMP"
            | "@l"
            | "log.level"
            | "severity"
            | "level"
            | "status"
            | "levelname"
            | "lvl"
            | "loglevel"
            | "Level"
            | "PRIORITY"
            | "@m"
            | "message"
            | "textPayload"
            | "msg"
            | "event"
            | "fields.message"
            | "MESSAGE"
            | "text"
            | "Message"
            | "log"
            | "@tr"
            | "trace.id"
            | "logging.googleapis.com/trace"
            | "dd.trace_id"
            | "otelTraceID"
            | "trace_id"
            | "traceId"
            | "traceID"
            | "traceid"
            | "span.trace_id"
            | "fields.trace_id"
            | "TRACE_ID"
            | "@sp"
            | "span.id"
            | "logging.googleapis.com/spanId"
            | "dd.span_id"
            | "otelSpanID"
            | "span_id"
            | "spanId"
            | "spanID"
            | "spanid"
            | "span.span_id"
            | "fields.span_id"
            | "SPAN_ID"
            | "@ra.service.name"
            | "Application"
            | "service.name"
            | "serviceContext.service"
            | "service"
            | "dd.service"
            | "otelServiceName"
            | "name"
            | "logger"
            | "SYSLOG_IDENTIFIER"
            | "_SYSTEMD_UNIT"
            | "_COMM"
            | "serviceName"
            | "service_name"
            | "kubernetes.labels.app"
            | "kubernetes.container_name"
            | "app"
            | "application"
            | "trace_flags"
            | "traceFlags"
            | "trace.flags"
            | "flags"
    )
}

/// Every key path of the dialect table: detect keys and the keys values are read from.
fn table_paths() -> impl Iterator<Item = &'static str> {
    DIALECTS
        .iter()
        .flat_map(|dialect| dialect.detect.iter().copied())
        .chain(read_paths())
}

/// The key paths the dialect table reads values from (times, levels, messages, ids,
/// services, trace flags).
fn read_paths() -> impl Iterator<Item = &'static str> {
    DIALECTS
        .iter()
        .flat_map(|dialect| {
            [
                dialect.time,
                dialect.level,
                dialect.message,
                dialect.trace_id,
                dialect.span_id,
                dialect.service,
            ]
        })
        .chain([trace_flag_keys()])
        .flatten()
        .copied()
}

/// The heads of the table's dotted paths (`trace` and `a.b` of `a.b.c`): an object
/// under one of these keys may hold a field a dialect names.
fn path_heads() -> &'static [&'static str] {
    static HEADS: OnceLock<Vec<&'static str>> = OnceLock::new();
    HEADS.get_or_init(|| {
        let mut heads: Vec<&'static str> = table_paths()
            .flat_map(|path| path.match_indices('.').map(|(dot, _)| &path[..dot]))
            .collect();
        heads.sort_unstable();
        heads.dedup();
        heads
    })
}

/// The dialect of a line's fields (see `json_log::dialect_of`), kept per sequence of
/// top-level keys: no object here reaches a dialect's dotted path (`needs_map`), so
/// nested keys cannot change it.
fn dialect_of(fields: &FieldList) -> &'static Dialect {
    thread_local! {
        static LAST: Cell<Option<(u64, &'static Dialect)>> = const { Cell::new(None) };
        static BY_KEYS: RefCell<Vec<(u64, &'static Dialect)>> = const { RefCell::new(Vec::new()) };
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for field in &fields.fields {
        for byte in field.key.bytes().chain([0]) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    if let Some((last, dialect)) = LAST.with(Cell::get) {
        if last == hash {
            return dialect;
        }
    }
    let known = BY_KEYS.with(|cache| {
        cache
            .borrow()
            .iter()
            .find(|(keys, _)| *keys == hash)
            .map(|(_, dialect)| *dialect)
    });
    let dialect = known.unwrap_or_else(|| {
        let dialect = detect_dialect(fields);
        BY_KEYS.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cache.len() >= 256 {
                cache.clear();
            }
            cache.push((hash, dialect));
        });
        dialect
    });
    LAST.with(|last| last.set(Some((hash, dialect))));
    dialect
}

/// A key as the line spells it: borrowed from the line unless it had escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_string())))
            }
            fn visit_string<E>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads a line's object into its fields; a key seen twice is an error (serde_json's
/// map keeps the first place and the last value: the map path does that).
struct LineVisitor;

impl<'de> Visitor<'de> for LineVisitor {
    type Value = Vec<Field<'de>>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields: Vec<Field<'de>> = Vec::with_capacity(16);
        while let Some(Key(key)) = map.next_key()? {
            if fields.iter().any(|field| field.key == key) {
                return Err(serde::de::Error::custom("a key twice"));
            }
            let value = if is_named(&key) {
                FieldValue::Parsed(map.next_value()?)
            } else {
                FieldValue::Raw(map.next_value()?)
            };
            fields.push(Field { key, value });
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_the_table_reads_is_parsed_as_it_streams() {
        for key in read_paths() {
            assert!(is_named(key), "{key} is not in is_named");
        }
    }

    #[test]
    fn compact_values_are_those_serde_json_writes_back_the_same() {
        for raw in [
            r#""plain""#,
            r#""café ☕""#,
            "true",
            "false",
            "null",
            "0",
            "-1",
            "123456789012345678",
            "-123456789012345678",
        ] {
            assert!(is_compact(raw), "{raw}");
            let value: Value = serde_json::from_str(raw).unwrap();
            assert_eq!(value.to_string(), raw);
        }
        for raw in [
            r#""a\"b""#,
            r#""\u00e9""#,
            r#""\/""#,
            "-0",
            "1e3",
            "1.50",
            "12345678901234567890123",
            "{}",
            "[1]",
        ] {
            assert!(!is_compact(raw), "{raw}");
        }
    }
}
