//! The query language of the search box and the CLI (DESIGN.md "Query language"):
//! `lex` splits the text into terms with their columns, `parse` gives them meaning
//! (`Query`), and `sql` compiles a `Query` into parameterized SQL for logs and
//! for traces. Nothing a user types reaches SQLite as SQL or as FTS5 syntax.
//! A `Query` is what the parser returns and nothing writes to it afterwards: what
//! the store looks up for it (the `log_words` of its regexes) travels beside it to
//! the SQL builders as a `Resolved`. This module runs no SQL.

mod condition;
mod counts_sql;
mod lex;
pub mod literals;
mod parse;
mod sql;

pub use condition::{Condition, Param};
pub use counts_sql::LogCountsSql;
pub use parse::{parse, KnownField, FIELDS};
pub use sql::{LogSql, SpanSql, TraceSql, MARKED_LOG_ID};

use crate::ids::{SpanId, TraceId};
use crate::model::Link;

/// A parsed query: every term must hold (AND).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub terms: Vec<Term>,
}

/// What the store looked up for a `Query` before compiling it
/// (`store::Reader::with_regex_words`), passed to the builders beside the query.
/// `Resolved::default()`: nothing looked up, so a `/regex/` runs on every row the
/// other terms leave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolved {
    /// For each positive `/regex/` term with required pieces
    /// (`literals::required_pieces`), in query order: the `log_words`, one of which
    /// the body of a log matching that regex has. An empty list: no log can match.
    pub regex_words: Vec<Vec<String>>,
}

impl Resolved {
    /// Whether a regex was found in no word, so no log can match.
    fn matches_nothing(&self) -> bool {
        self.regex_words.iter().any(Vec::is_empty)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// `-term`: the term must not hold.
    pub negated: bool,
    pub kind: TermKind,
    /// 1-based column where the term starts in the query text.
    pub column: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Cmp {
    pub fn sql(self) -> &'static str {
        match self {
            Cmp::Eq => "=",
            Cmp::Ne => "!=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
        }
    }
}

/// A value compared with an attribute: numbers compare as numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Number(f64),
    Text(String),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TermKind {
    /// A word: full-text match.
    Word(String),
    /// `"a phrase"`: the words in this order.
    Phrase(String),
    /// `/regex/`, matched with the regex crate.
    Regex(String),
    Service(String),
    /// `level:warn` (that level's range) or `level>=warn`.
    Level(Cmp, u8),
    /// Span name (for logs: the name of the log's span).
    Name(String),
    Trace(TraceId),
    Span(SpanId),
    /// `trace:62a29941`: the trace ids that start with these hex digits (at least 8;
    /// the store refuses a prefix that more than one trace of the case has).
    TracePrefix(IdPrefix),
    /// `span:` with a prefix of at least 8 hex digits, as `TracePrefix`.
    SpanPrefix(IdPrefix),
    /// A source: part of its path, or its id.
    Source(String),
    /// `status:error`.
    StatusError,
    /// `link:span|trace|orphan|unlinked`: a log's correlation state (no span has one).
    Link(Link),
    /// `unparsed:true`: a log that is a raw line no decoder could read (`unparsed:false`
    /// is the negated term). No span is unparsed.
    Unparsed,
    /// `marked:` (or `marked:true`; `marked:false` is the negated term): a span with
    /// a mark of its own or of its trace, a log line with a mark (notebook marks,
    /// issue 18); a trace with such a span or log.
    Marked,
    /// `tag:NAME`: as `Marked`, by a mark with this tag.
    Tag(String),
    /// `attr.KEY op VALUE`.
    Attr {
        key: String,
        cmp: Cmp,
        value: Literal,
    },
    /// `duration op 500ms`, in ns.
    Duration(Cmp, i64),
    /// `after:TIME`, ns.
    After(i64),
    /// `before:TIME`, ns.
    Before(i64),
    /// `kind:client`: a span of this OTLP kind number (for logs: the log's span).
    Kind(i64),
    /// `parent.service:A`: a span whose parent span (same trace) is of service A —
    /// with `service:B`, the spans an edge A → B of the service map counts.
    ParentService(String),
    /// `parent.kind:producer`: a span whose parent span is of this kind.
    ParentKind(i64),
    /// `messaging:true`: a CONSUMER span whose parent span is a PRODUCER span — what
    /// makes an edge of the service map a messaging edge (`messaging:false` is the
    /// negated term).
    Messaging,
    /// `peer:X`: a CLIENT or PRODUCER span with no child span in another service whose
    /// virtual peer (`analysis::services::peer_of`) is X — the spans an edge to the
    /// virtual node X counts.
    Peer(String),
    /// `sampled:kept` (true) / `sampled:dropped` (false): the traces the sampling
    /// simulation applied last (`store/sampled.rs`) kept or dropped. A trace it did
    /// not simulate is neither.
    Sampled(bool),
}

/// The leading hex digits of an id (`trace:`/`span:` with fewer digits than an id
/// has): every id of `len` bytes in `[low, high)` starts with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdPrefix {
    /// The digits, lowercase.
    pub hex: String,
    /// The smallest id with the prefix.
    pub low: Vec<u8>,
    /// The smallest id after those with the prefix; `None`: no id comes after.
    pub high: Option<Vec<u8>>,
}

/// Ids need this many hex digits at least to be looked up by prefix.
pub const MIN_PREFIX_DIGITS: usize = 8;

impl IdPrefix {
    /// The prefix `text` of an id of `len` bytes: `MIN_PREFIX_DIGITS` or more hex
    /// digits, fewer than the id has.
    pub fn new(text: &str, len: usize) -> Option<IdPrefix> {
        let hex = text.to_ascii_lowercase();
        let fits = (MIN_PREFIX_DIGITS..2 * len).contains(&hex.len());
        if !fits || !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return None;
        }
        let bytes_of = |digits: &[u8]| -> Vec<u8> {
            let mut padded = digits.to_vec();
            padded.resize(2 * len, 0);
            padded
                .chunks(2)
                .map(|pair| (pair[0] << 4) | pair[1])
                .collect()
        };
        let mut digits: Vec<u8> = hex
            .bytes()
            .map(|byte| (byte as char).to_digit(16).expect("checked above") as u8)
            .collect();
        let low = bytes_of(&digits);
        // The prefix plus one, at its last digit, carrying; all `f`: nothing after.
        let mut high = None;
        while let Some(last) = digits.pop() {
            if last < 15 {
                digits.push(last + 1);
                high = Some(bytes_of(&digits));
                break;
            }
        }
        Some(IdPrefix { hex, low, high })
    }
}

/// What is wrong with a query, and where (1-based column).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("column {column}: unterminated phrase: a `\"` is missing")]
    UnterminatedPhrase { column: usize },
    #[error("column {column}: unterminated regular expression: a closing `/` is missing")]
    UnterminatedRegex { column: usize },
    #[error("column {column}: invalid regular expression: {message}")]
    InvalidRegex { column: usize, message: String },
    #[error("column {column}: unknown field `{field}` (fields: service, level, name, trace, span, source, status, link, unparsed, marked, tag, attr.KEY, duration, after, before, sampled, kind, parent.service, parent.kind, messaging, peer)")]
    UnknownField { column: usize, field: String },
    #[error("column {column}: `{field}` needs a value")]
    MissingValue { column: usize, field: String },
    #[error("column {column}: `{value}` is not a level (trace, debug, info, warn, error, fatal)")]
    InvalidLevel { column: usize, value: String },
    #[error("column {column}: `{value}` is not a duration (like 500us, 250ms, 2s, 1m)")]
    InvalidDuration { column: usize, value: String },
    #[error("column {column}: `{value}` is not a time (RFC 3339 like 2026-11-03T10:00Z, or relative like -15m)")]
    InvalidTime { column: usize, value: String },
    #[error("column {column}: `{value}` is not a {kind} id")]
    InvalidId {
        column: usize,
        kind: &'static str,
        value: String,
    },
    #[error("column {column}: `{field}` does not take `{op}`")]
    InvalidOperator {
        column: usize,
        field: String,
        op: String,
    },
    #[error("column {column}: only status:error is supported")]
    InvalidStatus { column: usize },
    #[error("column {column}: `{value}` is not a link state (span, trace, orphan or unlinked)")]
    InvalidLink { column: usize, value: String },
    #[error("column {column}: `{value}` is not a span kind (unspecified, internal, server, client, producer, consumer)")]
    InvalidKind { column: usize, value: String },
    #[error("column {column}: `{value}` is not true or false")]
    InvalidFlag { column: usize, value: String },
    #[error("column {column}: more than one {kind} id starts with `{prefix}`: {candidates}")]
    AmbiguousId {
        column: usize,
        kind: &'static str,
        prefix: String,
        /// The first few such ids, comma-separated.
        candidates: String,
    },
    #[error("column {column}: `-` must be followed by a term")]
    DanglingNot { column: usize },
    #[error("column {column}: `{value}` is not a sampling decision (kept or dropped)")]
    InvalidSampled { column: usize, value: String },
}

impl QueryError {
    /// The 1-based column the error points at.
    pub fn column(&self) -> usize {
        match self {
            QueryError::UnterminatedPhrase { column }
            | QueryError::UnterminatedRegex { column }
            | QueryError::InvalidRegex { column, .. }
            | QueryError::UnknownField { column, .. }
            | QueryError::MissingValue { column, .. }
            | QueryError::InvalidLevel { column, .. }
            | QueryError::InvalidDuration { column, .. }
            | QueryError::InvalidTime { column, .. }
            | QueryError::InvalidId { column, .. }
            | QueryError::InvalidOperator { column, .. }
            | QueryError::InvalidStatus { column }
            | QueryError::InvalidLink { column, .. }
            | QueryError::InvalidFlag { column, .. }
            | QueryError::InvalidKind { column, .. }
            | QueryError::AmbiguousId { column, .. }
            | QueryError::DanglingNot { column }
            | QueryError::InvalidSampled { column, .. } => *column,
        }
    }
}
