//! The JSON shapes of Jaeger spans, as serde structs: the query API / UI model
//! (`traceID`, tags with `type`/`value`) and the api_v2 model (`traceId`, tags with
//! `vType`/`vStr`/…) in one set of structs, `null` read as absent. Also how their
//! loosely typed values read: tags by their declared type, times as µs since the
//! epoch or RFC 3339, durations as µs or with units. Streaming the document and
//! turning spans into records are left to `jaeger.rs`.

use serde::Deserialize;
use serde_json::Value;

use crate::formats::json_stream::nullable;
use crate::time;

#[derive(Deserialize, Default)]
pub(super) struct SpanJson {
    #[serde(default, alias = "traceId", deserialize_with = "nullable")]
    #[serde(rename = "traceID")]
    pub(super) trace_id: String,
    #[serde(default, alias = "spanId", deserialize_with = "nullable")]
    #[serde(rename = "spanID")]
    pub(super) span_id: String,
    #[serde(default, alias = "parentSpanId", deserialize_with = "nullable")]
    #[serde(rename = "parentSpanID")]
    pub(super) parent_span_id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) flags: Value,
    #[serde(default, rename = "operationName", deserialize_with = "nullable")]
    pub(super) operation_name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) references: Vec<ReferenceJson>,
    #[serde(default, rename = "startTime")]
    pub(super) start_time: Value,
    #[serde(default)]
    pub(super) duration: Value,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) tags: Vec<KeyValueJson>,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) logs: Vec<LogJson>,
    #[serde(default, rename = "processID", alias = "processId")]
    pub(super) process_id: Option<String>,
    #[serde(default)]
    pub(super) process: Option<ProcessJson>,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) warnings: Vec<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct ReferenceJson {
    #[serde(default, rename = "refType", deserialize_with = "nullable")]
    pub(super) ref_type: String,
    #[serde(
        default,
        rename = "traceID",
        alias = "traceId",
        deserialize_with = "nullable"
    )]
    pub(super) trace_id: String,
    #[serde(
        default,
        rename = "spanID",
        alias = "spanId",
        deserialize_with = "nullable"
    )]
    pub(super) span_id: String,
}

#[derive(Deserialize, Default)]
pub(super) struct ProcessJson {
    #[serde(default, rename = "serviceName", deserialize_with = "nullable")]
    pub(super) service_name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) tags: Vec<KeyValueJson>,
}

#[derive(Deserialize)]
pub(super) struct ProcessMapEntry {
    #[serde(rename = "processID", alias = "processId")]
    pub(super) process_id: String,
    pub(super) process: ProcessJson,
}

#[derive(Deserialize, Default)]
pub(super) struct LogJson {
    #[serde(default)]
    pub(super) timestamp: Value,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) fields: Vec<KeyValueJson>,
}

/// A tag in the UI model (`type`, `value`) or api_v2 (`vType`, `vStr`, `vInt64`, …).
#[derive(Deserialize, Default, Clone)]
pub(super) struct KeyValueJson {
    #[serde(default, deserialize_with = "nullable")]
    pub(super) key: String,
    #[serde(
        default,
        rename = "type",
        alias = "vType",
        deserialize_with = "nullable"
    )]
    pub(super) value_type: String,
    #[serde(default)]
    pub(super) value: Value,
    #[serde(default, rename = "vStr")]
    pub(super) v_str: Value,
    #[serde(default, rename = "vBool")]
    pub(super) v_bool: Value,
    #[serde(default, rename = "vInt64")]
    pub(super) v_int64: Value,
    #[serde(default, rename = "vFloat64")]
    pub(super) v_float64: Value,
    #[serde(default, rename = "vBinary")]
    pub(super) v_binary: Value,
}

impl KeyValueJson {
    /// The value typed by its declared type; strings of numbers and booleans are read.
    pub(super) fn typed_value(self) -> Value {
        let raw = [
            self.value,
            self.v_str,
            self.v_bool,
            self.v_int64,
            self.v_float64,
            self.v_binary,
        ]
        .into_iter()
        .find(|value| !value.is_null())
        .unwrap_or(Value::Null);
        match (self.value_type.to_ascii_lowercase().as_str(), &raw) {
            ("bool", Value::String(text)) => match text.trim() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => raw,
            },
            ("int64", Value::String(text)) => text.trim().parse::<i64>().map_or(raw, Value::from),
            ("float64", Value::String(text)) => text
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or(raw, Value::Number),
            _ => raw,
        }
    }
}

/// A Jaeger time: µs since the epoch as a number or numeric string, or RFC 3339.
pub(super) fn time_ns(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => micros_ns(number),
        Value::String(text) => match text.trim().parse::<i64>() {
            Ok(micros) => micros.checked_mul(1_000),
            Err(_) => time::parse_rfc3339(text.trim()),
        },
        _ => None,
    }
}

/// A duration: µs as a number or a string of digits, or a string with units
/// (`"0.5s"` protobuf JSON, `"5000ns"`/`"1m2.5s"` Go).
pub(super) fn duration_ns(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => micros_ns(number),
        Value::String(text) => match text.trim().parse::<i64>() {
            Ok(micros) => micros.checked_mul(1_000),
            Err(_) => time::parse_duration(text),
        },
        _ => None,
    }
}

fn micros_ns(number: &serde_json::Number) -> Option<i64> {
    match number.as_i64() {
        Some(micros) => micros.checked_mul(1_000),
        None => number.as_f64().map(|micros| (micros * 1_000.0) as i64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let duration = |text: &str| duration_ns(&Value::from(text));
        assert_eq!(duration("5000ns"), Some(5_000));
        assert_eq!(duration("0.123s"), Some(123_000_000));
        assert_eq!(duration("1m2.5s"), Some(62_500_000_000));
        assert_eq!(duration("12"), Some(12_000));
        assert_eq!(duration("5μs"), Some(5_000));
        assert_eq!(duration_ns(&Value::from(12)), Some(12_000));
        assert_eq!(duration_ns(&Value::from(1.5)), Some(1_500));
    }
}
