//! The normalized records every decoder produces and the store writes:
//! `Span` (with its events and links), `LogRecord`, and the interned `Resource`
//! and `Scope` they point to. Ids are newtypes over bytes; times are Unix
//! nanoseconds. Nothing here knows about files, formats or SQLite.

use std::sync::Arc;

use serde::Serialize;

use crate::id_forms::IdForms;

pub use crate::ids::{SpanId, TraceId};

/// A JSON object of attributes, keys sorted (serde_json's default map).
pub type Attributes = serde_json::Map<String, serde_json::Value>;

/// The entity that produced telemetry (a service instance). Shared by many records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resource {
    /// `service.name`, or `unknown_service` when the resource has none.
    pub service: String,
    pub attributes: Attributes,
    pub schema_url: String,
    pub dropped_attributes_count: u32,
}

/// The instrumentation library (scope) that produced records.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scope {
    pub name: String,
    pub version: String,
    pub attributes: Attributes,
    pub schema_url: String,
    pub dropped_attributes_count: u32,
}

/// The service name OpenTelemetry uses when a resource names none.
pub const UNKNOWN_SERVICE: &str = "unknown_service";

/// The service of a file's log records that name none when the user gave the
/// source no name: the file name without extensions (`/logs/checkout.log.gz` →
/// `checkout`; a name that is all extension, such as `.hidden`, stays whole).
/// Loads, follow mode and renames of a source all use this one rule.
pub fn service_from_file_name(path: &std::path::Path) -> String {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    match name.split('.').next() {
        Some(stem) if !stem.is_empty() => stem.to_string(),
        _ => name,
    }
}

impl Resource {
    /// A resource from its attributes; the service comes from `service.name`.
    pub fn new(attributes: Attributes, schema_url: String, dropped_attributes_count: u32) -> Self {
        let service = match attributes.get("service.name") {
            Some(serde_json::Value::String(name)) if !name.is_empty() => name.clone(),
            _ => UNKNOWN_SERVICE.to_string(),
        };
        Resource {
            service,
            attributes,
            schema_url,
            dropped_attributes_count,
        }
    }
}

/// OTLP span status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum StatusCode {
    Unset = 0,
    Ok = 1,
    Error = 2,
}

impl StatusCode {
    pub fn from_i64(code: i64) -> Self {
        match code {
            1 => StatusCode::Ok,
            2 => StatusCode::Error,
            _ => StatusCode::Unset,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StatusCode::Unset => "unset",
            StatusCode::Ok => "ok",
            StatusCode::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub parent_span_id: Option<SpanId>,
    pub trace_state: String,
    pub flags: u32,
    pub name: String,
    /// OTLP `SpanKind` number: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
    pub kind: i32,
    pub start_ns: i64,
    pub end_ns: i64,
    pub status_code: StatusCode,
    pub status_message: String,
    pub attributes: Attributes,
    pub events: Vec<SpanEvent>,
    pub links: Vec<SpanLink>,
    pub dropped_attributes_count: u32,
    pub dropped_events_count: u32,
    pub dropped_links_count: u32,
    pub resource: Arc<Resource>,
    pub scope: Arc<Scope>,
    /// The forms the decoder rewrote this span's ids from (`ids-rewritten`).
    #[serde(skip)]
    pub id_forms: IdForms,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpanEvent {
    pub time_ns: i64,
    pub name: String,
    pub attributes: Attributes,
    pub dropped_attributes_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpanLink {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub trace_state: String,
    pub flags: u32,
    pub attributes: Attributes,
    pub dropped_attributes_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogRecord {
    pub ts_ns: Option<i64>,
    pub observed_ns: Option<i64>,
    /// OTel severity number 1–24, 0 when unspecified.
    pub severity: u8,
    /// The severity as the source wrote it.
    pub severity_text: String,
    /// A string body as is; a structured body as compact JSON.
    pub body: String,
    pub trace_id: Option<TraceId>,
    pub span_id: Option<SpanId>,
    pub flags: u32,
    pub attributes: Attributes,
    /// The attributes as the compact JSON of their column, when the decoder wrote them
    /// straight from the line's text (`json_log::fast`); `attributes` is then empty.
    /// The writer stores it as is (`encode_attributes`); `Collected` reads it back
    /// into `attributes` for callers that look at them.
    #[serde(skip)]
    pub attributes_json: Option<String>,
    /// The service that wrote the record, when the record itself says.
    pub service: Option<String>,
    pub resource: Option<Arc<Resource>>,
    pub scope: Option<Arc<Scope>>,
    /// 1-based line number in the source, for line-oriented formats.
    pub line: Option<u64>,
    /// True when `body` is a raw line that no decoder understood.
    pub unparsed: bool,
    /// True when `ts_ns` was not in the record but taken from its neighbours in the file
    /// (set by the ingest pipeline, never by decoders).
    #[serde(skip_serializing)]
    pub ts_inferred: bool,
    /// The forms the decoder rewrote this record's ids from (`ids-rewritten`).
    #[serde(skip)]
    pub id_forms: IdForms,
}

impl LogRecord {
    /// The record for a line that could not be decoded: kept as raw text.
    pub fn unparsed(line: u64, raw: &[u8]) -> Self {
        LogRecord {
            ts_ns: None,
            observed_ns: None,
            severity: 0,
            severity_text: String::new(),
            body: String::from_utf8_lossy(raw).into_owned(),
            trace_id: None,
            span_id: None,
            flags: 0,
            attributes: Attributes::new(),
            attributes_json: None,
            service: None,
            resource: None,
            scope: None,
            line: Some(line),
            unparsed: true,
            ts_inferred: false,
            id_forms: IdForms::default(),
        }
    }
}

/// How a log record joins the traces of the case. See DESIGN.md "Correlation".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Link {
    Unlinked = 0,
    Span = 1,
    Trace = 2,
    Orphan = 3,
}

impl Link {
    pub fn from_i64(value: i64) -> Self {
        match value {
            1 => Link::Span,
            2 => Link::Trace,
            3 => Link::Orphan,
            _ => Link::Unlinked,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Link::Unlinked => "unlinked",
            Link::Span => "span",
            Link::Trace => "trace",
            Link::Orphan => "orphan",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "unlinked" => Some(Link::Unlinked),
            "span" => Some(Link::Span),
            "trace" => Some(Link::Trace),
            "orphan" => Some(Link::Orphan),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::service_from_file_name;
    use std::path::Path;

    #[test]
    fn the_file_service_is_the_name_without_extensions() {
        assert_eq!(
            service_from_file_name(Path::new("/logs/checkout.log.gz")),
            "checkout"
        );
        assert_eq!(
            service_from_file_name(Path::new("/logs/.hidden")),
            ".hidden"
        );
        assert_eq!(service_from_file_name(Path::new("payments")), "payments");
    }
}
