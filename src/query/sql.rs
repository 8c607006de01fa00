//! Compiles a `Query` into SQL conditions with bound parameters, for logs
//! (alias `l`) and for the trace list (alias `t`). The SQL text is made only of
//! the constant fragments below; every user value is a parameter, and full-text
//! words reach FTS5 only as quoted strings, so FTS5 operators typed by a user
//! are plain text. A trace matches when one of its spans or one of its logs
//! matches all the record terms; trace-level terms (duration, status, time,
//! trace id) filter the trace summary itself.
//!
//! The builders read a `Query` and the `Resolved` the store looked up for it; they
//! write to neither and run no SQL.

use super::{Cmp, Condition, IdPrefix, Literal, Param, Query, Resolved, Term, TermKind};
use crate::analysis::services::{KIND_CLIENT, PEER_KEYS};
use crate::analysis::{KIND_CONSUMER, KIND_PRODUCER};

/// The WHERE condition over `logs l` for a query.
pub struct LogSql;
/// The WHERE condition over `traces t` for a query.
pub struct TraceSql;
/// The condition of a query over single spans (`spans s`): what the services
/// analysis counts.
pub struct SpanSql;

impl LogSql {
    /// The condition of `query`; a `/regex/` with words in `resolved` asks the
    /// full-text index for any of them first.
    pub fn condition(query: &Query, resolved: &Resolved) -> Condition {
        let mut parts = Vec::new();
        if let Some(matched) = full_text(query, &resolved.regex_words, "l.id", "logs_fts") {
            parts.push(matched);
        }
        if resolved.matches_nothing() {
            parts.push(Condition::new("0", Vec::new()));
        }
        for term in &query.terms {
            if let Some(condition) = log_term(term) {
                parts.push(condition.negate(term.negated));
            }
        }
        Condition::all(parts)
    }

    /// The condition of every term but the positive full-text words and phrases, which
    /// the caller checks its own way (`fts_match`).
    pub fn condition_without_words(query: &Query, resolved: &Resolved) -> Condition {
        if resolved.matches_nothing() {
            return Condition::new("0", Vec::new());
        }
        let others = Query {
            terms: query
                .terms
                .iter()
                .filter(|term| {
                    term.negated
                        || !matches!(&term.kind, TermKind::Word(t) | TermKind::Phrase(t) if has_tokens(t))
                })
                .cloned()
                .collect(),
        };
        Self::condition(&others, &Resolved::default())
    }

    /// The FTS5 expression of the query's positive words and phrases and of the words
    /// looked up for its regexes (any one of each regex's), if any.
    pub fn fts_match(query: &Query, resolved: &Resolved) -> Option<String> {
        let positive: Vec<String> = query
            .terms
            .iter()
            .filter(|term| !term.negated)
            .filter_map(|term| match &term.kind {
                TermKind::Word(text) | TermKind::Phrase(text) if has_tokens(text) => {
                    Some(fts_quote(text))
                }
                _ => None,
            })
            .chain(
                resolved
                    .regex_words
                    .iter()
                    .filter_map(|words| any_word(words)),
            )
            .collect();
        (!positive.is_empty()).then(|| positive.join(" AND "))
    }

    /// True when the query is only positive words and phrases (all FTS-indexed).
    pub fn is_pure_full_text(query: &Query, resolved: &Resolved) -> bool {
        !query.terms.is_empty()
            && resolved.regex_words.is_empty()
            && query.terms.iter().all(|term| {
                !term.negated
                    && matches!(&term.kind, TermKind::Word(text) | TermKind::Phrase(text) if has_tokens(text))
            })
    }
}

impl TraceSql {
    /// The condition of `query` over the trace list (`resolved` as for `LogSql`).
    pub fn condition(query: &Query, resolved: &Resolved) -> Condition {
        let mut parts = Vec::new();
        let mut record_terms = Vec::new();
        for term in &query.terms {
            let trace_level = match &term.kind {
                TermKind::Trace(id) => Some(Condition::new("t.trace_id = ?", vec![blob(&id.0)])),
                TermKind::TracePrefix(prefix) => Some(prefix_condition("t.trace_id", prefix)),
                TermKind::Duration(cmp, ns) => Some(Condition::new(
                    &format!("t.duration_ns {} ?", cmp.sql()),
                    vec![Param::Int(*ns)],
                )),
                TermKind::StatusError => Some(Condition::new("t.errors > 0", Vec::new())),
                TermKind::After(ns) => {
                    Some(Condition::new("t.start_ns >= ?", vec![Param::Int(*ns)]))
                }
                TermKind::Before(ns) => {
                    Some(Condition::new("t.start_ns < ?", vec![Param::Int(*ns)]))
                }
                TermKind::Sampled(kept) => Some(sampled_condition("t.trace_id", *kept)),
                _ => None,
            };
            match trace_level {
                Some(condition) => parts.push(condition.negate(term.negated)),
                None => record_terms.push(term.clone()),
            }
        }
        // The other terms, negated ones included, must all hold for one record of the
        // trace: `level>=error -service:frontend` finds traces with an error log that
        // is not frontend's.
        if !record_terms.is_empty() {
            parts.push(some_record_matches(
                &Query {
                    terms: record_terms,
                },
                resolved,
            ));
        }
        Condition::all(parts)
    }
}

impl SpanSql {
    /// The condition of `query` over one span `s`; `None` when no span can match (a
    /// term only logs have, such as `level:`).
    pub fn condition(query: &Query) -> Option<Condition> {
        span_condition(query)
    }
}

/// A span or a log of trace `t` satisfies every term of `query`. Set-based: the
/// trace ids of the matching spans and of the matching logs, each selected once
/// (uncorrelated subqueries SQLite runs once into a temporary index), not a
/// search of the trace's records per trace — which, with a full-text term, SQLite
/// planned as a walk over every full-text match per trace (issue 19: over 20
/// minutes of CPU for `timeout` on the 5M-line case).
fn some_record_matches(query: &Query, resolved: &Resolved) -> Condition {
    let mut branches = Vec::new();
    if let Some(spans) = span_condition(query) {
        branches.push(Condition {
            sql: format!(
                "t.trace_id IN (SELECT s.trace_id FROM spans s WHERE {})",
                spans.sql
            ),
            params: spans.params,
        });
    }
    let logs = LogSql::condition(query, resolved);
    // The guard is implied by the query's level term, so it changes no result; it is
    // there in the words of the partial index's WHERE, which SQLite needs to use it.
    let severe = if severe_levels_only(query) {
        format!(" AND l.severity >= {SEVERE_FROM}")
    } else {
        String::new()
    };
    branches.push(Condition {
        sql: format!(
            "t.trace_id IN (SELECT l.trace_id FROM logs l WHERE l.trace_id IS NOT NULL{severe} AND ({}))",
            logs.sql
        ),
        params: logs.params,
    });
    let sql = branches
        .iter()
        .map(|branch| branch.sql.as_str())
        .collect::<Vec<_>>()
        .join(" OR ");
    Condition {
        sql,
        params: branches
            .into_iter()
            .flat_map(|branch| branch.params)
            .collect(),
    }
}

/// The lowest severity of the partial index `logs_severe_trace` (migration 0022): WARN.
const SEVERE_FROM: u8 = 13;

/// Whether a level term of `query` (not negated) lets only WARN or worse match: then
/// the traced logs it matches are all in `logs_severe_trace`.
fn severe_levels_only(query: &Query) -> bool {
    query.terms.iter().any(|term| match term.kind {
        TermKind::Level(cmp, number) if !term.negated => {
            let (low, high) = level_range(number);
            match cmp {
                Cmp::Eq | Cmp::Ge => low >= i64::from(SEVERE_FROM),
                Cmp::Gt => high + 1 >= i64::from(SEVERE_FROM),
                Cmp::Ne | Cmp::Le | Cmp::Lt => false,
            }
        }
        _ => false,
    })
}

/// The condition over `spans s`, or `None` when a term cannot hold for a span (`level:`).
fn span_condition(query: &Query) -> Option<Condition> {
    let mut parts = Vec::new();
    if let Some(matched) = full_text(query, &[], "s.rowid", "spans_fts") {
        parts.push(matched);
    }
    for term in &query.terms {
        let condition = match &term.kind {
            TermKind::Word(_) | TermKind::Phrase(_) => text_fallback(term, "s.name"),
            TermKind::Regex(pattern) => Some(Condition::new(
                "(s.name REGEXP ? OR s.attributes REGEXP ?)",
                vec![Param::Text(pattern.clone()), Param::Text(pattern.clone())],
            )),
            TermKind::Service(name) => Some(Condition::new("s.service = ?", vec![text(name)])),
            // No span is unparsed: `-unparsed:true` holds for every span.
            TermKind::Unparsed if term.negated => None,
            TermKind::Level(..) | TermKind::Link(_) | TermKind::Unparsed => return None,
            TermKind::Name(name) => Some(Condition::new("s.name = ?", vec![text(name)])),
            TermKind::Trace(id) => Some(Condition::new("s.trace_id = ?", vec![blob(&id.0)])),
            TermKind::Span(id) => Some(Condition::new("s.span_id = ?", vec![blob(&id.0)])),
            TermKind::TracePrefix(prefix) => Some(prefix_condition("s.trace_id", prefix)),
            TermKind::SpanPrefix(prefix) => Some(prefix_condition("s.span_id", prefix)),
            TermKind::Source(source) => Some(source_condition("s.source_id", source)),
            TermKind::StatusError => Some(Condition::new("s.status_code = 2", Vec::new())),
            TermKind::Attr { key, cmp, value } => {
                Some(attr_condition("s.attributes", key, *cmp, value))
            }
            TermKind::Duration(cmp, ns) => Some(Condition::new(
                &format!("(s.end_ns - s.start_ns) {} ?", cmp.sql()),
                vec![Param::Int(*ns)],
            )),
            TermKind::After(ns) => Some(Condition::new("s.start_ns >= ?", vec![Param::Int(*ns)])),
            TermKind::Before(ns) => Some(Condition::new("s.start_ns < ?", vec![Param::Int(*ns)])),
            TermKind::Kind(_)
            | TermKind::ParentService(_)
            | TermKind::ParentKind(_)
            | TermKind::Messaging
            | TermKind::Peer(_) => span_relation(&term.kind),
            TermKind::Sampled(kept) => Some(sampled_condition("s.trace_id", *kept)),
            TermKind::Marked => Some(span_marked(None)),
            TermKind::Tag(tag) => Some(span_marked(Some(tag))),
        };
        if let Some(condition) = condition {
            parts.push(condition.negate(term.negated));
        }
    }
    Some(Condition::all(parts))
}

fn log_term(term: &Term) -> Option<Condition> {
    let own_span =
        "EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = l.trace_id AND s.span_id = l.span_id AND";
    Some(match &term.kind {
        TermKind::Word(_) | TermKind::Phrase(_) => return text_fallback(term, "l.body"),
        TermKind::Regex(pattern) => Condition::new("l.body REGEXP ?", vec![text(pattern)]),
        TermKind::Service(name) => Condition::new("l.service = ?", vec![text(name)]),
        TermKind::Link(link) => Condition::new("l.link = ?", vec![Param::Int(*link as i64)]),
        TermKind::Unparsed => Condition::new("l.unparsed = 1", Vec::new()),
        TermKind::Level(cmp, number) => level_condition(*cmp, *number),
        TermKind::Name(name) => {
            Condition::new(&format!("{own_span} s.name = ?)"), vec![text(name)])
        }
        TermKind::Trace(id) => Condition::new("l.trace_id = ?", vec![blob(&id.0)]),
        TermKind::Span(id) => Condition::new("l.span_id = ?", vec![blob(&id.0)]),
        TermKind::TracePrefix(prefix) => prefix_condition("l.trace_id", prefix),
        TermKind::SpanPrefix(prefix) => prefix_condition("l.span_id", prefix),
        TermKind::Source(source) => source_condition("l.source_id", source),
        TermKind::StatusError => {
            Condition::new(&format!("{own_span} s.status_code = 2)"), Vec::new())
        }
        TermKind::Attr { key, cmp, value } => attr_condition("l.attributes", key, *cmp, value),
        TermKind::Duration(cmp, ns) => Condition::new(
            &format!("{own_span} (s.end_ns - s.start_ns) {} ?)", cmp.sql()),
            vec![Param::Int(*ns)],
        ),
        TermKind::After(ns) => Condition::new("l.ts_ns >= ?", vec![Param::Int(*ns)]),
        TermKind::Before(ns) => Condition::new("l.ts_ns < ?", vec![Param::Int(*ns)]),
        TermKind::Sampled(kept) => sampled_condition("l.trace_id", *kept),
        TermKind::Kind(_)
        | TermKind::ParentService(_)
        | TermKind::ParentKind(_)
        | TermKind::Messaging
        | TermKind::Peer(_) => {
            let span = span_relation(&term.kind)?;
            Condition {
                sql: format!("{own_span} {})", span.sql),
                params: span.params,
            }
        }
        TermKind::Marked => log_marked(None),
        TermKind::Tag(tag) => log_marked(Some(tag)),
    })
}

/// `sampled:kept|dropped`: `column` holds a trace id the applied sampling simulation
/// (`sampled_traces`, migration 0014) kept, or dropped.
fn sampled_condition(column: &str, kept: bool) -> Condition {
    Condition::new(
        &format!("{column} IN (SELECT trace_id FROM sampled_traces WHERE kept = ?)"),
        vec![Param::Int(i64::from(kept))],
    )
}

/// The terms about a span's kind and its place in the call graph, over `spans s`
/// (`None` for other terms). `service:B parent.service:A` with `messaging:true` or
/// `messaging:false` holds for exactly the spans the messaging or the other edge
/// A → B of the service map counts; `service:A peer:X` for those an edge to the
/// virtual node X counts (`analysis::services`, which this mirrors).
fn span_relation(kind: &TermKind) -> Option<Condition> {
    let parent = |condition: &str, param: Param| {
        Condition::new(
            &format!(
                "EXISTS (SELECT 1 FROM spans p WHERE p.trace_id = s.trace_id \
                 AND p.span_id = s.parent_span_id AND {condition})"
            ),
            vec![param],
        )
    };
    Some(match kind {
        TermKind::Kind(number) => Condition::new("s.kind = ?", vec![Param::Int(*number)]),
        TermKind::ParentService(name) => parent("p.service = ?", text(name)),
        TermKind::ParentKind(number) => parent("p.kind = ?", Param::Int(*number)),
        TermKind::Messaging => {
            let mut condition = parent("p.kind = ?", Param::Int(KIND_PRODUCER));
            condition.sql = format!("s.kind = {KIND_CONSUMER} AND {}", condition.sql);
            condition
        }
        TermKind::Peer(peer) => peer_condition(peer),
        _ => return None,
    })
}

/// `peer:X`: a CLIENT or PRODUCER span without a child span in another service (such a
/// child makes a real edge instead), whose first present attribute of `PEER_KEYS` —
/// an empty or null one skipped, a string as itself, any other value as its JSON
/// text — is X, or X is `unknown` and it has none. As `analysis::services::peer_of`.
fn peer_condition(peer: &str) -> Condition {
    let mut params = Vec::new();
    let mut values = Vec::new();
    for key in PEER_KEYS {
        values.push(
            "CASE json_type(s.attributes, ?) WHEN 'text' THEN NULLIF(json_extract(s.attributes, ?), '') \
             WHEN 'null' THEN NULL ELSE s.attributes -> ? END",
        );
        let path = format!("$.\"{key}\"");
        params.extend([
            Param::Text(path.clone()),
            Param::Text(path.clone()),
            Param::Text(path),
        ]);
    }
    params.push(text(peer));
    Condition {
        sql: format!(
            "s.kind IN ({KIND_CLIENT}, {KIND_PRODUCER}) \
             AND NOT EXISTS (SELECT 1 FROM spans c WHERE c.trace_id = s.trace_id \
               AND c.parent_span_id = s.span_id AND c.service != s.service) \
             AND COALESCE({}, 'unknown') = ?",
            values.join(", ")
        ),
        params,
    }
}

/// Span `s` has a mark (of its own, or of its trace), with tag `tag` if given.
fn span_marked(tag: Option<&str>) -> Condition {
    let (tagged, params) = mark_tag(tag);
    Condition::new(
        &format!(
            "EXISTS (SELECT 1 FROM marks m WHERE m.trace_id = s.trace_id \
             AND (m.kind = 'trace' OR (m.kind = 'span' AND m.span_id = s.span_id)){tagged})"
        ),
        params,
    )
}

/// The id a log mark `m`'s anchor names in the case now: the `log_index`-th log
/// (in id order) of its line in the newest complete source with its content hash.
/// Read for `Reader::marks` too, so the query and the notebook agree.
pub const MARKED_LOG_ID: &str = "(SELECT n.id FROM (SELECT ml.id, \
       row_number() OVER (ORDER BY ml.id) - 1 AS place FROM logs ml WHERE ml.source_id = \
         (SELECT ms.id FROM sources ms WHERE ms.hash = m.log_source_hash \
          AND ms.status = 'complete' ORDER BY ms.id DESC LIMIT 1) \
       AND ml.line IS m.log_line) n WHERE n.place = m.log_index)";

/// Log `l` has a mark, with tag `tag` if given: a log mark's anchor (source content
/// hash, line, place among the source's logs of that line; `store/marks.rs`) names
/// it. The marked ids are found once per statement (the subquery does not depend on
/// `l`), each by the logs of its source and line only.
fn log_marked(tag: Option<&str>) -> Condition {
    let (tagged, params) = mark_tag(tag);
    Condition::new(
        &format!("l.id IN (SELECT {MARKED_LOG_ID} FROM marks m WHERE m.kind = 'log'{tagged})"),
        params,
    )
}

/// The condition that mark `m` has tag `tag` (nothing without a tag).
fn mark_tag(tag: Option<&str>) -> (&'static str, Vec<Param>) {
    match tag {
        Some(tag) => (
            " AND m.id IN (SELECT mark_id FROM mark_tags WHERE tag = ?)",
            vec![text(tag)],
        ),
        None => ("", Vec::new()),
    }
}

/// Whether text has anything the FTS5 tokenizer indexes (letters or digits).
fn has_tokens(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// A word or phrase as an FTS5 string: quoted, so FTS5 operators are plain text.
fn fts_quote(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The words of a looked-up regex as one FTS5 expression: any of them (each a quoted
/// string, which for a word with non-ASCII punctuation inside is a phrase).
fn any_word(words: &[String]) -> Option<String> {
    (!words.is_empty()).then(|| {
        let quoted: Vec<String> = words.iter().map(|word| fts_quote(word)).collect();
        format!("({})", quoted.join(" OR "))
    })
}

/// The full-text part of a query: positive words and phrases, and any word of each
/// looked-up regex, in one FTS5 MATCH (negated ones each in their own), every one a
/// quoted FTS5 string.
fn full_text(
    query: &Query,
    regex_words: &[Vec<String>],
    rowid: &str,
    table: &str,
) -> Option<Condition> {
    let quote = fts_quote;
    let mut positive: Vec<String> = regex_words.iter().filter_map(|w| any_word(w)).collect();
    let mut parts = Vec::new();
    for term in &query.terms {
        let (TermKind::Word(text) | TermKind::Phrase(text)) = &term.kind else {
            continue;
        };
        if !has_tokens(text) {
            continue;
        }
        if term.negated {
            parts.push(Condition::new(
                &format!("{rowid} NOT IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)"),
                vec![Param::Text(quote(text))],
            ));
        } else {
            positive.push(quote(text));
        }
    }
    if !positive.is_empty() {
        parts.insert(
            0,
            Condition::new(
                &format!("{rowid} IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)"),
                vec![Param::Text(positive.join(" AND "))],
            ),
        );
    }
    (!parts.is_empty()).then(|| Condition::all(parts))
}

/// Words of only punctuation (`;`, `*`) have no FTS tokens: they match as substrings.
fn text_fallback(term: &Term, column: &str) -> Option<Condition> {
    let (TermKind::Word(text) | TermKind::Phrase(text)) = &term.kind else {
        return None;
    };
    if has_tokens(text) {
        return None;
    }
    let condition = Condition::new(
        &format!("instr({column}, ?) > 0"),
        vec![Param::Text(text.clone())],
    );
    Some(condition.negate(term.negated))
}

/// `level:warn` is the warn range (13–16); `level>=warn` from 13; `level>warn` from 17.
/// The severity numbers of the level of severity `number` (1–4 TRACE, 5–8 DEBUG, …).
fn level_range(number: u8) -> (i64, i64) {
    let low = i64::from((number - 1) / 4 * 4 + 1);
    (low, low + 3)
}

pub(super) fn level_condition(cmp: Cmp, number: u8) -> Condition {
    let (low, high) = level_range(number);
    let (sql, params) = match cmp {
        Cmp::Eq => ("l.severity BETWEEN ? AND ?", vec![low, high]),
        Cmp::Ne => ("l.severity NOT BETWEEN ? AND ?", vec![low, high]),
        Cmp::Ge => ("l.severity >= ?", vec![low]),
        Cmp::Gt => ("l.severity > ?", vec![high]),
        Cmp::Le => ("l.severity BETWEEN 1 AND ?", vec![high]),
        Cmp::Lt => ("l.severity BETWEEN 1 AND ?", vec![low - 1]),
    };
    Condition::new(sql, params.into_iter().map(Param::Int).collect())
}

pub(super) fn source_condition(column: &str, source: &str) -> Condition {
    Condition::new(
        &format!(
            "{column} IN (SELECT id FROM sources WHERE CAST(id AS TEXT) = ? OR instr(path, ?) > 0)"
        ),
        vec![text(source), text(source)],
    )
}

/// `attr.KEY op VALUE`: the key as a flat key (`http.status_code`) or a nested path
/// (`req.method`); numbers compare as numbers, text as text; `!=` also holds when
/// the attribute is missing.
fn attr_condition(column: &str, key: &str, cmp: Cmp, value: &Literal) -> Condition {
    let flat = format!("$.\"{}\"", key.replace('"', "\\\""));
    let nested = format!(
        "$.{}",
        key.split('.')
            .map(|part| format!("\"{}\"", part.replace('"', "\\\"")))
            .collect::<Vec<_>>()
            .join(".")
    );
    let extracted = format!("COALESCE(json_extract({column}, ?), json_extract({column}, ?))");
    let path_params = || vec![Param::Text(flat.clone()), Param::Text(nested.clone())];
    let (operand, value_param) = match value {
        Literal::Number(number) => (format!("CAST({extracted} AS REAL)"), Param::Real(*number)),
        Literal::Bool(flag) => (extracted.clone(), Param::Int(i64::from(*flag))),
        Literal::Text(text) => (
            format!("CAST({extracted} AS TEXT)"),
            Param::Text(text.clone()),
        ),
    };
    // Text that is not a number never compares with a number (CAST would make it 0).
    let numeric_guard = match value {
        Literal::Number(_) => format!(
            " AND (typeof({extracted}) IN ('integer', 'real') OR NOT {extracted} GLOB '*[^0-9.eE+-]*')"
        ),
        _ => String::new(),
    };
    let mut params = path_params();
    params.push(value_param);
    if !numeric_guard.is_empty() {
        params.extend(path_params());
        params.extend(path_params());
    }
    let compared = format!("({operand} {} ?{numeric_guard})", cmp.sql());
    if cmp == Cmp::Ne {
        let mut all = path_params();
        all.extend(params);
        Condition {
            sql: format!("({extracted} IS NULL OR {compared})"),
            params: all,
        }
    } else {
        Condition {
            sql: compared,
            params,
        }
    }
}

pub(super) fn text(value: &str) -> Param {
    Param::Text(value.to_string())
}

/// `column` holds an id that starts with `prefix` (a range of the index on it).
fn prefix_condition(column: &'static str, prefix: &IdPrefix) -> Condition {
    match &prefix.high {
        Some(high) => Condition::new(
            &format!("({column} >= ? AND {column} < ?)"),
            vec![blob(&prefix.low), blob(high)],
        ),
        None => Condition::new(&format!("{column} >= ?"), vec![blob(&prefix.low)]),
    }
}

fn blob(bytes: &[u8]) -> Param {
    Param::Blob(bytes.to_vec())
}
