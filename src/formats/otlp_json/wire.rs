//! The OTLP/JSON messages as lenient serde structs (`ExportTraceServiceRequest`,
//! `ExportLogsServiceRequest` and what they hold): lowerCamelCase and snake_case
//! keys, legacy `instrumentationLibrary*`, `null` as absent, unknown fields
//! ignored; int64 and doubles as numbers or strings, enums as numbers or names;
//! `AnyValue`s as JSON values. Spans and log records are read one at a time
//! (`Each`), so one bad record costs only itself. Which framing carries the
//! messages and how they become records are left to `otlp_json.rs`.

use std::fmt;

use serde::de::{self, DeserializeSeed, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::formats::json_stream::{nullable, EachElement, Elements};
use crate::ids::{decode_base64, encode_base64};
use crate::model::{Attributes, StatusCode};
use crate::severity;

/// Spans or log records read one at a time, each first as raw JSON text and then
/// as its type: a record with a value of the wrong type (`"startTimeUnixNano": "abc"`,
/// `"intValue": "many"`) is kept as its error and reported, so it costs only
/// itself, not the line or the document around it. `null` reads as no records.
pub(super) struct Each<T>(pub(super) Vec<Result<T, Skipped>>);

/// A record that did not read as its type: what it was, why, and its text.
pub(super) struct Skipped {
    pub(super) what: String,
    pub(super) error: String,
    pub(super) raw: Box<RawValue>,
}

impl<T> Default for Each<T> {
    fn default() -> Self {
        Each(Vec::new())
    }
}

impl<'de, T: de::DeserializeOwned> Deserialize<'de> for Each<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut each = Each::default();
        Elements(&mut each).deserialize(deserializer)?;
        Ok(each)
    }
}

/// Not cancellable: the records of one block are read whole, and cancelling stops
/// between blocks.
impl<T: de::DeserializeOwned> EachElement for Each<T> {
    const EXPECTING: &'static str = "an array of records";

    fn element<'de, D: Deserializer<'de>>(&mut self, element: D) -> Result<(), D::Error> {
        let raw = Box::<RawValue>::deserialize(element)?;
        self.0.push(match serde_json::from_str(raw.get()) {
            Ok(record) => Ok(record),
            Err(error) => Err(Skipped {
                what: describe(raw.get()),
                error: crate::formats::strip_position(&error.to_string()),
                raw,
            }),
        });
        Ok(())
    }

    fn cancelled(&self) -> bool {
        false
    }
}

/// A record for a problem: ` `name` (span id)`, as far as they read.
fn describe(raw: &str) -> String {
    #[derive(Deserialize)]
    struct Named {
        #[serde(default)]
        name: Option<Value>,
        #[serde(default, alias = "span_id", rename = "spanId")]
        span_id: Option<Value>,
    }
    let named = serde_json::from_str::<Named>(raw).ok();
    let text = |value: Option<&Value>| {
        value
            .and_then(Value::as_str)
            .map(|text| text.chars().take(80).collect::<String>())
    };
    let name = text(named.as_ref().and_then(|named| named.name.as_ref()));
    let id = text(named.as_ref().and_then(|named| named.span_id.as_ref()));
    match (name, id) {
        (Some(name), Some(id)) => format!(" `{name}` ({id})"),
        (Some(name), None) => format!(" `{name}`"),
        (None, Some(id)) => format!(" ({id})"),
        (None, None) => String::new(),
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct ExportRequest {
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "resource_spans",
        alias = "batches"
    )]
    pub(super) resource_spans: Vec<Option<ResourceSpans>>,
    #[serde(default, deserialize_with = "nullable", alias = "resource_logs")]
    pub(super) resource_logs: Vec<Option<ResourceLogs>>,
    #[serde(default)]
    pub(super) result: Option<Box<ExportRequest>>,
}

impl ExportRequest {
    pub(super) fn is_request(&self) -> bool {
        !self.resource_spans.is_empty()
            || !self.resource_logs.is_empty()
            || self.result.as_ref().is_some_and(|inner| inner.is_request())
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct ResourceJson {
    #[serde(default, deserialize_with = "nullable")]
    pub(super) attributes: Vec<KeyValue>,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "dropped_attributes_count"
    )]
    pub(super) dropped_attributes_count: U32,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct ScopeJson {
    #[serde(default, deserialize_with = "nullable")]
    pub(super) name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) version: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) attributes: Vec<KeyValue>,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "dropped_attributes_count"
    )]
    pub(super) dropped_attributes_count: U32,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct ResourceSpans {
    #[serde(default, deserialize_with = "nullable")]
    pub(super) resource: ResourceJson,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "scope_spans",
        alias = "instrumentationLibrarySpans",
        alias = "instrumentation_library_spans"
    )]
    pub(super) scope_spans: Vec<ScopeSpans>,
    #[serde(default, deserialize_with = "nullable", alias = "schema_url")]
    pub(super) schema_url: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct ScopeSpans {
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "instrumentationLibrary",
        alias = "instrumentation_library"
    )]
    pub(super) scope: ScopeJson,
    #[serde(default)]
    pub(super) spans: Each<SpanJson>,
    #[serde(default, deserialize_with = "nullable", alias = "schema_url")]
    pub(super) schema_url: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct SpanJson {
    #[serde(default, deserialize_with = "nullable", alias = "trace_id")]
    pub(super) trace_id: String,
    #[serde(default, deserialize_with = "nullable", alias = "span_id")]
    pub(super) span_id: String,
    #[serde(default, deserialize_with = "nullable", alias = "parent_span_id")]
    pub(super) parent_span_id: String,
    #[serde(default, deserialize_with = "nullable", alias = "trace_state")]
    pub(super) trace_state: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) flags: U32,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) kind: Enum,
    #[serde(default, deserialize_with = "nullable", alias = "start_time_unix_nano")]
    pub(super) start_time_unix_nano: Int64,
    #[serde(default, deserialize_with = "nullable", alias = "end_time_unix_nano")]
    pub(super) end_time_unix_nano: Int64,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) attributes: Vec<KeyValue>,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "dropped_attributes_count"
    )]
    pub(super) dropped_attributes_count: U32,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) events: Vec<EventJson>,
    #[serde(default, deserialize_with = "nullable", alias = "dropped_events_count")]
    pub(super) dropped_events_count: U32,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) links: Vec<LinkJson>,
    #[serde(default, deserialize_with = "nullable", alias = "dropped_links_count")]
    pub(super) dropped_links_count: U32,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) status: StatusJson,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct EventJson {
    #[serde(default, deserialize_with = "nullable", alias = "time_unix_nano")]
    pub(super) time_unix_nano: Int64,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) attributes: Vec<KeyValue>,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "dropped_attributes_count"
    )]
    pub(super) dropped_attributes_count: U32,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct LinkJson {
    #[serde(default, deserialize_with = "nullable", alias = "trace_id")]
    pub(super) trace_id: String,
    #[serde(default, deserialize_with = "nullable", alias = "span_id")]
    pub(super) span_id: String,
    #[serde(default, deserialize_with = "nullable", alias = "trace_state")]
    pub(super) trace_state: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) flags: U32,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) attributes: Vec<KeyValue>,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "dropped_attributes_count"
    )]
    pub(super) dropped_attributes_count: U32,
}

#[derive(Deserialize, Default)]
pub(super) struct StatusJson {
    #[serde(default, deserialize_with = "nullable")]
    pub(super) code: Enum,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) message: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct ResourceLogs {
    #[serde(default, deserialize_with = "nullable")]
    pub(super) resource: ResourceJson,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "scope_logs",
        alias = "instrumentationLibraryLogs",
        alias = "instrumentation_library_logs"
    )]
    pub(super) scope_logs: Vec<ScopeLogs>,
    #[serde(default, deserialize_with = "nullable", alias = "schema_url")]
    pub(super) schema_url: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct ScopeLogs {
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "instrumentationLibrary",
        alias = "instrumentation_library"
    )]
    pub(super) scope: ScopeJson,
    #[serde(default, alias = "log_records")]
    pub(super) log_records: Each<LogRecordJson>,
    #[serde(default, deserialize_with = "nullable", alias = "schema_url")]
    pub(super) schema_url: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct LogRecordJson {
    #[serde(default, deserialize_with = "nullable", alias = "time_unix_nano")]
    pub(super) time_unix_nano: Int64,
    #[serde(
        default,
        deserialize_with = "nullable",
        alias = "observed_time_unix_nano"
    )]
    pub(super) observed_time_unix_nano: Int64,
    #[serde(default, deserialize_with = "nullable", alias = "severity_number")]
    pub(super) severity_number: Enum,
    #[serde(default, deserialize_with = "nullable", alias = "severity_text")]
    pub(super) severity_text: String,
    #[serde(default)]
    pub(super) body: Option<AnyValue>,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) attributes: Vec<KeyValue>,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) flags: U32,
    #[serde(default, deserialize_with = "nullable", alias = "trace_id")]
    pub(super) trace_id: String,
    #[serde(default, deserialize_with = "nullable", alias = "span_id")]
    pub(super) span_id: String,
    #[serde(default, deserialize_with = "nullable", alias = "event_name")]
    pub(super) event_name: String,
}

#[derive(Deserialize)]
pub(super) struct KeyValue {
    #[serde(default, deserialize_with = "nullable")]
    pub(super) key: String,
    #[serde(default)]
    pub(super) value: Option<AnyValue>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct AnyValue {
    #[serde(default, alias = "string_value")]
    pub(super) string_value: Option<String>,
    #[serde(default, alias = "bool_value")]
    pub(super) bool_value: Option<bool>,
    #[serde(default, alias = "int_value")]
    pub(super) int_value: Option<Int64>,
    #[serde(default, alias = "double_value")]
    pub(super) double_value: Option<Double>,
    #[serde(default, alias = "array_value")]
    pub(super) array_value: Option<ArrayValue>,
    #[serde(default, alias = "kvlist_value")]
    pub(super) kvlist_value: Option<KeyValueList>,
    #[serde(default, alias = "bytes_value")]
    pub(super) bytes_value: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct ArrayValue {
    #[serde(default, deserialize_with = "nullable")]
    pub(super) values: Vec<AnyValue>,
}

#[derive(Deserialize, Default)]
pub(super) struct KeyValueList {
    #[serde(default, deserialize_with = "nullable")]
    pub(super) values: Vec<KeyValue>,
}

impl AnyValue {
    pub(super) fn into_json(self) -> Value {
        if let Some(text) = self.string_value {
            Value::String(text)
        } else if let Some(flag) = self.bool_value {
            Value::Bool(flag)
        } else if let Some(Int64(number)) = self.int_value {
            Value::from(number)
        } else if let Some(Double(number)) = self.double_value {
            serde_json::Number::from_f64(number).map_or(Value::Null, Value::Number)
        } else if let Some(array) = self.array_value {
            Value::Array(array.values.into_iter().map(AnyValue::into_json).collect())
        } else if let Some(list) = self.kvlist_value {
            Value::Object(attributes(list.values))
        } else if let Some(bytes) = self.bytes_value {
            // Normalized to standard base64 so JSON and protobuf inputs agree.
            match decode_base64(&bytes) {
                Some(raw) => Value::String(encode_base64(&raw)),
                None => Value::String(bytes),
            }
        } else {
            Value::Null
        }
    }
}

pub(super) fn attributes(list: Vec<KeyValue>) -> Attributes {
    list.into_iter()
        .map(|kv| (kv.key, kv.value.map_or(Value::Null, AnyValue::into_json)))
        .collect()
}

// ---- scalar leniency -------------------------------------------------------------------

/// An int64 written as a number or as a string (the protobuf JSON mapping uses strings).
#[derive(Default, Clone, Copy)]
pub(super) struct Int64(pub(super) i64);

impl<'de> Deserialize<'de> for Int64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Int64Visitor;
        impl Visitor<'_> for Int64Visitor {
            type Value = Int64;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer or a string of one")
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Int64, E> {
                Ok(Int64(value))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Int64, E> {
                Ok(Int64(i64::try_from(value).unwrap_or(i64::MAX)))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Int64, E> {
                Ok(Int64(value as i64))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Int64, E> {
                let text = text.trim();
                if text.is_empty() {
                    return Ok(Int64(0));
                }
                if let Ok(value) = text.parse::<i64>() {
                    return Ok(Int64(value));
                }
                if let Ok(value) = text.parse::<u64>() {
                    return Ok(Int64(i64::try_from(value).unwrap_or(i64::MAX)));
                }
                Err(E::invalid_value(de::Unexpected::Str(text), &self))
            }
        }
        deserializer.deserialize_any(Int64Visitor)
    }
}

/// A uint32 as a number or a string.
#[derive(Default, Clone, Copy)]
pub(super) struct U32(pub(super) u32);

impl<'de> Deserialize<'de> for U32 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Int64(value) = Int64::deserialize(deserializer)?;
        Ok(U32(value.clamp(0, u32::MAX as i64) as u32))
    }
}

/// A double as a number or a string (`"NaN"`, `"Infinity"`, `"1.5"`).
#[derive(Default, Clone, Copy)]
pub(super) struct Double(pub(super) f64);

impl<'de> Deserialize<'de> for Double {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DoubleVisitor;
        impl Visitor<'_> for DoubleVisitor {
            type Value = Double;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a string of one")
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Double, E> {
                Ok(Double(value as f64))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Double, E> {
                Ok(Double(value as f64))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Double, E> {
                Ok(Double(value))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Double, E> {
                text.trim()
                    .parse::<f64>()
                    .map(Double)
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(text), &self))
            }
        }
        deserializer.deserialize_any(DoubleVisitor)
    }
}

/// A protobuf enum written as its number or its name (`"SPAN_KIND_SERVER"`).
#[derive(Clone)]
pub(super) enum Enum {
    Number(i64),
    Name(String),
}

impl Default for Enum {
    fn default() -> Self {
        Enum::Number(0)
    }
}

impl<'de> Deserialize<'de> for Enum {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EnumVisitor;
        impl Visitor<'_> for EnumVisitor {
            type Value = Enum;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an enum number or name")
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Enum, E> {
                Ok(Enum::Number(value))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Enum, E> {
                Ok(Enum::Number(i64::try_from(value).unwrap_or(0)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Enum, E> {
                Ok(match text.trim().parse::<i64>() {
                    Ok(number) => Enum::Number(number),
                    Err(_) => Enum::Name(text.trim().to_ascii_uppercase()),
                })
            }
        }
        deserializer.deserialize_any(EnumVisitor)
    }
}

impl Enum {
    /// The number, looking names up (without `prefix`, or with it) through `by_name`.
    fn number(&self, prefix: &str, by_name: impl Fn(&str) -> Option<i64>) -> i64 {
        match self {
            Enum::Number(number) => *number,
            Enum::Name(name) => by_name(name.strip_prefix(prefix).unwrap_or(name)).unwrap_or(0),
        }
    }

    pub(super) fn span_kind(&self) -> i32 {
        let by_name = |name: &str| {
            [
                "UNSPECIFIED",
                "INTERNAL",
                "SERVER",
                "CLIENT",
                "PRODUCER",
                "CONSUMER",
            ]
            .iter()
            .position(|known| *known == name)
            .map(|index| index as i64)
        };
        self.number("SPAN_KIND_", by_name) as i32
    }

    pub(super) fn status_code(&self) -> StatusCode {
        let by_name = |name: &str| match name {
            "OK" => Some(1),
            "ERROR" => Some(2),
            _ => None,
        };
        StatusCode::from_i64(self.number("STATUS_CODE_", by_name))
    }

    pub(super) fn severity(&self) -> u8 {
        let number = self.number("SEVERITY_NUMBER_", |name| {
            severity_number_by_name(name).map(i64::from)
        });
        if (1..=24).contains(&number) {
            number as u8
        } else {
            0
        }
    }
}

/// `TRACE`, `DEBUG2`, `INFO4`, `ERROR`, … as OTel severity numbers.
pub(super) fn severity_number_by_name(name: &str) -> Option<u8> {
    let split = name
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(name.len());
    let base = severity::from_text(&name[..split])?;
    let step: u8 = if split == name.len() {
        1
    } else {
        name[split..].parse().ok()?
    };
    (1..=4).contains(&step).then_some(base + step - 1)
}
