//! Decodes plain-text logs line by line: a timestamp at the start (RFC 3339/ISO,
//! `2026-11-03 10:00:00,123`, `[…]`-bracketed, syslog, common/combined access
//! log), a level word, logfmt `key=value` pairs, and trace/span ids found by
//! pattern anywhere in the line (`trace_id=`, `traceId:`, `trace.id`,
//! `traceparent: 00-…`, `dd.trace_id=`). In a file whose first line starts with
//! a timestamp, lines that do not (stack traces) join the record above them.
//! ANSI colour codes are removed; invalid UTF-8 is replaced, not dropped.

use std::io::BufRead;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::{overlong_line, read_line_capped, DecodeError, Format, RecordSink};
use crate::id_forms::{form_of, IdForm, Reading};
use crate::ids::{parse_traceparent, SpanId, TraceId};
use crate::model::{Attributes, LogRecord};
use crate::{severity, time};

pub struct TextLog;

/// How many leading lines sniffing looks at.
const SNIFF_LINES: usize = 20;
/// A record stops taking continuation lines past this many, so memory stays bounded.
const MAX_CONTINUATION_LINES: usize = 10_000;

impl Format for TextLog {
    fn name(&self) -> &'static str {
        "text-log"
    }

    /// Text (no NUL bytes, almost no other control characters) in which one of the
    /// first lines looks like a log line: a leading timestamp, a level word, logfmt
    /// pairs, a compose prefix or an id. Other text (source code, a textproto) is
    /// not taken for a log.
    fn sniff(&self, head: &[u8]) -> bool {
        if head.is_empty() || head.contains(&0) {
            return false;
        }
        let control = head
            .iter()
            .filter(|&&b| {
                (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x1B | 0x0C)) || b == 0x7F
            })
            .count();
        if control * 100 >= head.len() {
            return false;
        }
        let text = String::from_utf8_lossy(head);
        text.lines()
            .map(|line| strip_ansi(line).into_owned())
            .filter(|line| !line.trim().is_empty())
            .take(SNIFF_LINES)
            .any(|line| looks_like_a_log_line(&line))
    }

    fn decode(
        &self,
        input: &mut dyn BufRead,
        sink: &mut dyn RecordSink,
    ) -> Result<(), DecodeError> {
        let mut raw = Vec::new();
        let mut line_no = 0u64;
        let mut timestamped_file: Option<bool> = None;
        let mut pending: Option<(LogRecord, usize)> = None;
        while let Some(length) = read_line_capped(input, &mut raw)? {
            line_no += 1;
            if sink.cancelled() {
                return Err(DecodeError::Cancelled);
            }
            if length > raw.len() as u64 {
                sink.problem(overlong_line(line_no, length));
            }
            let mut bytes = raw.as_slice();
            if line_no == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            let lossy = String::from_utf8_lossy(bytes);
            let stripped = strip_ansi(&lossy);
            let text = stripped.trim_end_matches(['\n', '\r']);
            if text.trim().is_empty() {
                continue;
            }
            let starts_with_time = leading_time(text).is_some();
            let timestamped = *timestamped_file.get_or_insert(starts_with_time);
            if timestamped && !starts_with_time {
                if let Some((record, joined)) = &mut pending {
                    if *joined < MAX_CONTINUATION_LINES {
                        record.body.push('\n');
                        record.body.push_str(text);
                        *joined += 1;
                        continue;
                    }
                }
            }
            if let Some((record, _)) = pending.take() {
                sink.log(record);
            }
            pending = Some((record_of_line(text, line_no), 0));
        }
        if let Some((record, _)) = pending {
            sink.log(record);
        }
        Ok(())
    }
}

static ISO_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|z|[+-]\d{2}:?\d{2})?)\]?",
    )
    .unwrap()
});
static SYSLOG_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?").unwrap()
});
static ACCESS_LOG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^\S+ \S+ \S+ \[(\d{2})/([A-Z][a-z]{2})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{2})(\d{2})\] "[^"]*" (\d{3}) "#,
    )
    .unwrap()
});
static COMPOSE_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-Za-z0-9][\w.-]*?)\s+\| ?").unwrap());
static LEVEL_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s:|\-\]]*\[?(?:[\w-]+\.)?([A-Za-z]{3,11})\]?(?:[:\s]|$)").unwrap()
});
static LOGFMT_PAIR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?:^|\s)([\w.@/-]+)=("(?:[^"\\]|\\.)*"|\S*)"#).unwrap());
static TRACE_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(?:trace[_.-]?id|dd\.trace_id)["']?\s*[=:]\s*["']?([0-9a-fA-F-]{16,36}|\d{1,20})\b"#)
        .unwrap()
});
static SPAN_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b(?:span[_.-]?id|dd\.span_id)["']?\s*[=:]\s*["']?([0-9a-fA-F]{16}|\d{1,20})\b"#,
    )
    .unwrap()
});
static TRACEPARENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2})\b").unwrap()
});
static ANSI: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07").unwrap());

fn strip_ansi(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\x1b') {
        ANSI.replace_all(text, "")
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

fn looks_like_a_log_line(line: &str) -> bool {
    if leading_time(line).is_some() || ACCESS_LOG.is_match(line) || logfmt(line).is_some() {
        return true;
    }
    let rest = COMPOSE_PREFIX
        .find(line)
        .map_or(line, |prefix| &line[prefix.end()..]);
    if rest.len() < line.len() {
        return true;
    }
    let level = LEVEL_WORD
        .captures(rest)
        .is_some_and(|found| severity::from_text(&found[1]).is_some());
    level || TRACE_ID.is_match(line) || TRACEPARENT.is_match(line)
}

/// The time at the start of a line and where the rest begins.
fn leading_time(text: &str) -> Option<(i64, usize)> {
    if let Some(found) = ISO_TIME.captures(text) {
        let ns = time::parse_rfc3339(&found[1])?;
        return Some((ns, found[0].len()));
    }
    if let Some(found) = SYSLOG_TIME.captures(text) {
        let month = month_number(&found[1])?;
        let year = reference_year();
        let number = |at: usize| found[at].parse::<i64>().ok();
        let nanos = found.get(6).map_or(0, |fraction| {
            let digits = fraction.as_str();
            digits.parse::<i64>().unwrap_or(0) * 10i64.pow(9 - digits.len() as u32)
        });
        let days = time::days_from_civil(year, month, number(2)?);
        let seconds = days * 86_400 + number(3)? * 3600 + number(4)? * 60 + number(5)?;
        return Some((seconds * 1_000_000_000 + nanos, found[0].len()));
    }
    None
}

/// Syslog lines carry no year: the current one, by the clock at load time.
fn reference_year() -> i64 {
    let now_s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64);
    time::civil_from_days(now_s / 86_400).0
}

fn month_number(name: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS
        .iter()
        .position(|month| *month == name)
        .map(|index| index as i64 + 1)
}

/// One line of text as a log record (also used for Docker's inner text lines).
pub fn record_of_line(line: &str, line_no: u64) -> LogRecord {
    let text = strip_ansi(line);
    let mut rest: &str = &text;
    let mut attributes = Attributes::new();
    let mut service = None;
    if let Some(prefix) = COMPOSE_PREFIX.captures(rest) {
        service = Some(prefix[1].to_string());
        rest = &rest[prefix[0].len()..];
    }
    let mut record = LogRecord::unparsed(line_no, rest.as_bytes());
    record.unparsed = false;
    record.service = service;

    if let Some(access) = ACCESS_LOG.captures(rest) {
        record.ts_ns = access_log_time(&access);
        let status: u16 = access[9].parse().unwrap_or(0);
        record.severity = match status {
            500.. => severity::ERROR,
            400..=499 => severity::WARN,
            _ => severity::INFO,
        };
        attributes.insert("http.status_code".into(), Value::from(status));
    } else if let Some(pairs) = logfmt(rest) {
        apply_logfmt(&mut record, pairs, &mut attributes);
    } else {
        if let Some((ns, end)) = leading_time(rest) {
            record.ts_ns = Some(ns);
            rest = &rest[end..];
        }
        if let Some(level) = LEVEL_WORD.captures(rest) {
            if let Some(number) = severity::from_text(&level[1]) {
                record.severity = number;
                record.severity_text = level[1].to_string();
                rest = &rest[level[0].len()..];
            }
        }
        record.body = rest
            .trim_start_matches([' ', '\t', ':', '|', '-'])
            .to_string();
        if record.body.is_empty() {
            record.body = text.to_string();
        }
    }
    find_ids(&text, &mut record);
    record.attributes = attributes;
    record
}

fn access_log_time(found: &regex::Captures) -> Option<i64> {
    let number = |at: usize| found[at].parse::<i64>().ok();
    let days = time::days_from_civil(number(3)?, month_number(&found[2])?, number(1)?);
    let offset = number(7)? * 3600 + number(7)?.signum() * number(8)? * 60;
    let seconds = days * 86_400 + number(4)? * 3600 + number(5)? * 60 + number(6)? - offset;
    // A year outside 1678..=2262 does not fit in i64 nanoseconds: no time (found by fuzzing).
    seconds.checked_mul(1_000_000_000)
}

/// The `key=value` pairs of a logfmt line, when the line is one (starts with a pair,
/// holds at least two).
fn logfmt(text: &str) -> Option<Vec<(String, String)>> {
    let first = LOGFMT_PAIR.find(text)?;
    if first.start() != 0 {
        return None;
    }
    let pairs: Vec<(String, String)> = LOGFMT_PAIR
        .captures_iter(text)
        .map(|pair| {
            let value = &pair[2];
            let unquoted = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .map(|v| v.replace("\\\"", "\"").replace("\\\\", "\\"))
                .unwrap_or_else(|| value.to_string());
            (pair[1].to_string(), unquoted)
        })
        .collect();
    (pairs.len() >= 2).then_some(pairs)
}

fn apply_logfmt(record: &mut LogRecord, pairs: Vec<(String, String)>, attributes: &mut Attributes) {
    let mut message = None;
    for (key, value) in pairs {
        match key.as_str() {
            "time" | "ts" | "t" | "timestamp" if record.ts_ns.is_none() => {
                record.ts_ns = time::ns_from_str(&value);
                if record.ts_ns.is_none() {
                    attributes.insert(key, Value::String(value));
                }
            }
            "level" | "lvl" | "severity" if record.severity == 0 => {
                record.severity = severity::from_text(&value).unwrap_or(0);
                record.severity_text = value;
            }
            "msg" | "message" if message.is_none() => message = Some(value),
            "service" | "service.name" | "app" if record.service.is_none() => {
                record.service = Some(value)
            }
            _ => {
                attributes.insert(key, Value::String(value));
            }
        }
    }
    if let Some(message) = message {
        record.body = message;
    }
}

/// Trace and span ids anywhere in the line.
fn find_ids(text: &str, record: &mut LogRecord) {
    if let Some(found) = TRACEPARENT.captures(text) {
        if let Some((trace, span)) = parse_traceparent(&found[1]) {
            record.trace_id = trace;
            record.span_id = span;
            return;
        }
    }
    if let Some(found) = TRACE_ID.captures(text) {
        let id = &found[1];
        let decimal =
            id.bytes().all(|b| b.is_ascii_digit()) && found[0].to_ascii_lowercase().contains("dd.");
        record.trace_id = if decimal {
            TraceId::from_decimal(id)
        } else {
            TraceId::parse(id).ok().flatten()
        };
        if record.trace_id.is_some() {
            record.id_forms.add(match decimal {
                true => Some(IdForm::Decimal),
                false => form_of(id, 16, Reading::Any),
            });
        }
    }
    if let Some(found) = SPAN_ID.captures(text) {
        let id = &found[1];
        let decimal = id.len() != 16 || found[0].to_ascii_lowercase().contains("dd.");
        record.span_id = if decimal {
            SpanId::from_decimal(id)
        } else {
            SpanId::parse(id).ok().flatten()
        };
        if record.span_id.is_some() {
            record.id_forms.add(match decimal {
                true => Some(IdForm::Decimal),
                false => form_of(id, 8, Reading::Any),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Collected;

    fn decode(text: &str) -> Collected {
        let mut sink = Collected::default();
        TextLog.decode(&mut text.as_bytes(), &mut sink).unwrap();
        sink
    }

    #[test]
    fn timestamp_level_and_continuations() {
        let records = decode(
            "2026-11-03 10:00:00,123 ERROR boom trace_id=c759f29f5f1e2162be56f32dd1e77fce span_id=17c4a60ca4297cf1\n\
             java.lang.IllegalStateException: x\n\tat A.b(A.java:1)\r\n\
             2026-11-03T10:00:01Z [WARN] second\n",
        );
        assert_eq!(records.logs.len(), 2);
        let first = &records.logs[0];
        assert_eq!(first.severity, severity::ERROR);
        assert_eq!(first.ts_ns, time::ns_from_str("2026-11-03T10:00:00.123Z"));
        assert!(first.body.ends_with("\tat A.b(A.java:1)"), "{}", first.body);
        assert_eq!(
            first.trace_id.unwrap().to_hex(),
            "c759f29f5f1e2162be56f32dd1e77fce"
        );
        assert_eq!(first.span_id.unwrap().to_hex(), "17c4a60ca4297cf1");
        assert_eq!(records.logs[1].severity, severity::WARN);
        assert_eq!(records.logs[1].body, "second");
        assert_eq!(records.logs[1].line, Some(4));
    }

    #[test]
    fn logfmt_traceparent_access_log_and_syslog() {
        let logfmt = record_of_line(
            r#"time="2021-09-15T21:17:10.220731Z" level=error msg="pod \"x\" gone" ns=a"#,
            1,
        );
        assert_eq!(logfmt.body, r#"pod "x" gone"#);
        assert_eq!(logfmt.severity, severity::ERROR);
        assert_eq!(logfmt.attributes["ns"], "a");
        let parent = record_of_line(
            "GET / traceparent: 00-c759f29f5f1e2162be56f32dd1e77fce-17c4a60ca4297cf1-01",
            1,
        );
        assert_eq!(parent.span_id.unwrap().to_hex(), "17c4a60ca4297cf1");
        let access = record_of_line(
            r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 503 2326"#,
            1,
        );
        assert_eq!(access.ts_ns, time::ns_from_str("2000-10-10T20:55:36Z"));
        assert_eq!(access.severity, severity::ERROR);
        let syslog = record_of_line("Nov  3 10:00:00 host sshd[1]: Accepted", 1);
        assert!(syslog.ts_ns.is_some());
        let dd = record_of_line(
            "charge failed dd.trace_id=1234567890123456789 dd.span_id=42",
            1,
        );
        assert_eq!(
            dd.trace_id.unwrap().to_hex(),
            "0000000000000000112210f47de98115"
        );
        assert_eq!(dd.span_id.unwrap().to_hex(), "000000000000002a");
    }

    #[test]
    fn binary_is_not_text() {
        assert!(!TextLog.sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(TextLog.sniff("2026-11-03 10:00:00 caf\u{e9} ok\n".as_bytes()));
        assert!(!TextLog.sniff(b"resource_spans: [\n  {\n    resource: {\n"));
    }
}
