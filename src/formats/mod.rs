//! The table of formats Weft reads, and the contract between decoders and the
//! ingest pipeline: a decoder reads a `BufRead` of decompressed bytes, pushes
//! normalized records into a `RecordSink`, and reports bad input as `Problem`s.
//! Formats are chosen by content (`sniff` on the first bytes), never by name.
//! Opening files, decompression and SQLite are left to `ingest` and `store`.

pub mod dialects;
mod jaeger;
mod json_log;
mod json_stream;
mod loki;
pub(crate) mod otlp_json;
pub(crate) mod otlp_proto;
mod text_log;
mod zipkin;

use std::io::BufRead;

use serde::{Deserialize, Serialize};

use crate::model::{LogRecord, Span};

pub use jaeger::JaegerJson;
pub use json_log::JsonLog;
pub use loki::LokiJson;
pub use otlp_json::OtlpJson;
pub use otlp_proto::OtlpProto;
pub use text_log::TextLog;
pub use zipkin::ZipkinJson;

/// Every format we read, in the order sniffing tries them: the most specific
/// first, plain text (which takes any text) last.
pub const FORMATS: &[&dyn Format] = &[
    &OtlpProto,
    &OtlpJson,
    &JaegerJson,
    &ZipkinJson,
    &LokiJson,
    &JsonLog,
    &TextLog,
];

/// How many bytes of decompressed content `sniff` gets to look at.
pub const SNIFF_LEN: usize = 64 * 1024;

pub trait Format: Sync {
    /// Stable name, stored in `sources.format` and printed by the CLI.
    fn name(&self) -> &'static str;
    /// Whether the content starting with `head` is of this format (first bytes only).
    fn sniff(&self, head: &[u8]) -> bool;
    /// Decodes the whole input. Bad records become problems or unparsed records and
    /// decoding goes on; `Err` means the rest of the input cannot be read at all.
    fn decode(&self, input: &mut dyn BufRead, sink: &mut dyn RecordSink)
        -> Result<(), DecodeError>;
    /// For content (starting with `head`) whose records never span lines: the function
    /// that decodes one line, so that the ingest pipeline may decode many lines at once
    /// on several threads. `decode` must give the same records as this, line by line.
    fn line_decoder(&self, _head: &[u8]) -> Option<LineDecoder> {
        None
    }
    /// For a format that reads many dialects of one syntax (JSON logs: pino, CLEF, …):
    /// the dialect of the content starting with `head`, as its first record reads it,
    /// stored in `sources.dialect` and shown beside the format. `None`: no dialects,
    /// or none found in `head`.
    fn dialect(&self, _head: &[u8]) -> Option<&'static str> {
        None
    }
}

/// Decodes one non-empty line (1-based number, bytes without line end or surrounding
/// whitespace) into `sink`, as `for_each_line` hands them out.
pub type LineDecoder = fn(&mut dyn RecordSink, u64, &[u8]);

/// The format of content that starts with `head`, if any.
pub fn sniff(head: &[u8]) -> Option<&'static dyn Format> {
    FORMATS.iter().copied().find(|format| format.sniff(head))
}

/// Where decoded records go. The ingest pipeline batches them for the writer;
/// tests collect them.
pub trait RecordSink {
    fn span(&mut self, span: Span);
    fn log(&mut self, log: LogRecord);
    fn problem(&mut self, problem: Problem);
    /// True when the user cancelled: decoders stop at the next record.
    fn cancelled(&self) -> bool {
        false
    }
}

/// Something wrong in the input that did not stop decoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Problem {
    /// 1-based line, for line-oriented input.
    pub line: Option<u64>,
    /// Byte offset in the decompressed content, where a line means nothing.
    pub offset: Option<u64>,
    pub message: String,
}

impl Problem {
    pub fn at_line(line: u64, message: impl Into<String>) -> Self {
        Problem {
            line: Some(line),
            offset: None,
            message: message.into(),
        }
    }

    pub fn at_offset(offset: u64, message: impl Into<String>) -> Self {
        Problem {
            line: None,
            offset: Some(offset),
            message: message.into(),
        }
    }

    pub fn unplaced(message: impl Into<String>) -> Self {
        Problem {
            line: None,
            offset: None,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.offset) {
            (Some(line), _) => write!(f, "line {line}: {}", self.message),
            (None, Some(offset)) => write!(f, "byte {offset}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// Why decoding stopped before the end of the input.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("read error: {0}")]
    Io(#[from] std::io::Error),
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: u64,
        column: u64,
        message: String,
    },
    #[error("byte {offset}: {message}")]
    Corrupt { offset: u64, message: String },
    #[error("cancelled")]
    Cancelled,
}

impl DecodeError {
    /// A serde_json error as a positioned syntax error (or the I/O error it wraps).
    pub fn from_json(error: serde_json::Error) -> Self {
        if error.is_io() {
            return DecodeError::Io(error.into());
        }
        let message = strip_position(&error.to_string());
        DecodeError::Syntax {
            line: error.line() as u64,
            column: error.column() as u64,
            message,
        }
    }
}

/// serde_json appends " at line L column C" to messages; we print the position ourselves.
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_string(),
        None => message.to_string(),
    }
}

/// A sink that keeps everything, for tests and tools.
#[derive(Debug, Default)]
pub struct Collected {
    pub spans: Vec<Span>,
    pub logs: Vec<LogRecord>,
    pub problems: Vec<Problem>,
}

impl RecordSink for Collected {
    fn span(&mut self, span: Span) {
        self.spans.push(span);
    }
    /// Attributes a decoder wrote as JSON text (`LogRecord::attributes_json`) are read
    /// back into `attributes`, so the records collected have one form.
    fn log(&mut self, mut log: LogRecord) {
        if let Some(json) = log.attributes_json.take() {
            log.attributes =
                serde_json::from_str(&json).expect("a decoder's attributes are a JSON object");
        }
        self.logs.push(log);
    }
    fn problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }
}

/// Calls `each` with every non-empty line of `input`: its 1-based number and its bytes
/// without the line end, surrounding whitespace, or (on line 1) a byte order mark.
/// Stops with `Cancelled` when the sink says so.
pub(crate) fn for_each_line(
    input: &mut dyn BufRead,
    sink: &mut dyn RecordSink,
    mut each: impl FnMut(&mut dyn RecordSink, u64, &[u8]),
) -> Result<(), DecodeError> {
    let mut line = Vec::new();
    let mut line_no = 0u64;
    loop {
        let Some(length) = read_line_capped(input, &mut line)? else {
            return Ok(());
        };
        line_no += 1;
        if sink.cancelled() {
            return Err(DecodeError::Cancelled);
        }
        if length > line.len() as u64 {
            sink.problem(overlong_line(line_no, length));
        }
        let mut text = line.as_slice();
        if line_no == 1 {
            text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        }
        let text = text.trim_ascii();
        if !text.is_empty() {
            each(sink, line_no, text);
        }
    }
}

/// The longest line a line-oriented decoder holds in memory. A longer line keeps its
/// first `MAX_LINE_BYTES` (decoded or stored unparsed as usual) and the rest is skipped
/// with a problem, so one endless line cannot exhaust memory.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// Reads the next line (with its `\n`, if any) into `line`, keeping at most
/// `MAX_LINE_BYTES` of it and skipping the rest of the line. Returns the line's whole
/// length in bytes, or `None` at the end of the input.
pub(crate) fn read_line_capped(
    input: &mut dyn BufRead,
    line: &mut Vec<u8>,
) -> std::io::Result<Option<u64>> {
    line.clear();
    let mut length = 0u64;
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            return Ok((length > 0).then_some(length));
        }
        let (taken, done) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (at + 1, true),
            None => (available.len(), false),
        };
        let room = MAX_LINE_BYTES.saturating_sub(line.len());
        line.extend_from_slice(&available[..taken.min(room)]);
        input.consume(taken);
        length += taken as u64;
        if done {
            return Ok(Some(length));
        }
    }
}

/// The problem of a line longer than `MAX_LINE_BYTES`.
pub(crate) fn overlong_line(line_no: u64, length: u64) -> Problem {
    Problem::at_line(
        line_no,
        format!(
            "line of {length} bytes is longer than the {} MiB limit: only its first {} MiB were read",
            MAX_LINE_BYTES >> 20,
            MAX_LINE_BYTES >> 20
        ),
    )
}

/// Skips a UTF-8 byte order mark and leading whitespace.
pub(crate) fn trim_start(head: &[u8]) -> &[u8] {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    &head[start..]
}
