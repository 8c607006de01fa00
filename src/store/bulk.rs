//! The bulk writer: the rows of one source, written by a thread of their own
//! through rusqlite (the same SQLite library sqlx links), with one prepared
//! statement per table, big transactions and `synchronous = OFF`.
//!
//! Why not sqlx: every sqlx statement is a round trip to its worker thread, so a
//! row costs ~30× a prepared rusqlite insert; multi-row INSERTs only get to ~1.5×.
//! sqlx stays the interface for migrations and reads; writes go through the
//! `Writer`'s one rusqlite connection, which it lends to this type for a source's
//! rows (`Writer::bulk`, `Writer::append_followed`) and takes back with `finish`.
//! This file only appends rows and builds their indexes.
//!
//! **Safety of `synchronous = OFF`:** the source row is committed as `loading`
//! (durably, by the `Writer`) before the first row is written here, and becomes
//! `complete` only in the `Writer`'s final transaction, whose sync also flushes
//! every WAL frame written here. A crash in between leaves a `loading` source of a
//! dead process, which `Writer::open` removes and marks `interrupted`.
//!
//! Phases, each reported with progress:
//! 1. **rows**: records are inserted and committed every `COMMIT_EVERY` (so the
//!    first rows are visible within a second). A log's link state is decided on
//!    insert from the span ids already in the case (`correlate::KnownSpans`, read
//!    once, kept in memory).
//!    When a table is empty at the start, its secondary indexes are dropped and
//!    their SQL kept in `deferred_indexes` (committed with the drop).
//! 2. **indexing**: the deferred indexes are created again (sorting once is much
//!    cheaper than keeping the logs' five B-trees up to date row by row; which query
//!    uses which index, and what its build costs: migrations 0021 and 0022 and
//!    `it::index_plans`).
//!
//! Log bodies go into `logs_fts` as their rows are written (measured on 1M lines:
//! 14.0 s in all against 17.4 s with a separate pass after the rows; it is still ~30 % of
//! this thread's CPU, the pipeline's critical path); every commit
//! records in `sources.fts_upto` how far, so removing a half-loaded source
//! deletes exactly what was indexed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection, OptionalExtension};

use super::correlate::KnownSpans;
use super::log_counts;
use super::rollups::OperationLogKey;
use super::words::NewWords;
use super::written_spans::WrittenSpans;
use super::StoreError;
use crate::id_forms::IdForm;
use crate::model::{Link, LogRecord, Resource, Scope, Span, StatusCode, UNKNOWN_SERVICE};
use crate::severity::ERROR;

/// Rows are committed (and so visible to readers) at least this often.
const COMMIT_EVERY: Duration = Duration::from_millis(500);

/// At most this many spans of a load into an empty table are kept for its finish
/// (`written_spans.rs`: ≈ 80 bytes each).
const KEPT_SPANS_MAX: usize = 500_000;

/// At most this many resources and scopes are remembered by their `Arc`
/// (`BulkWriter::resource_arcs`); past it the memory starts over.
const ARCS_KEPT: usize = 4096;

/// What a write of rows tells the transaction that finishes it
/// (`sources::finish_source`).
#[derive(Debug, Default)]
pub struct LoadSummary {
    /// Trace ids of the spans written: those traces need a full correlation.
    pub span_traces: HashSet<[u8; 16]>,
    /// Logs written per trace id (for the `traces.logs` counts).
    pub trace_logs: HashMap<[u8; 16], i64>,
    /// Logs per (second, severity), for the `log_seconds` rollup.
    pub seconds: HashMap<(i64, u8), i64>,
    /// The link of each log was decided on insert (bulk loads); otherwise the
    /// traces of the logs are recomputed too (follow appends).
    pub links_decided: bool,
    /// The largest span rowid before these rows: the spans written have larger
    /// ones (for the span full-text index).
    pub spans_after_rowid: i64,
    /// Records whose ids the decoder rewrote, per form (`source_id_forms`).
    pub id_forms: BTreeMap<IdForm, FormTally>,
    /// The largest log id before these rows: the logs written have larger ones
    /// (for the rollups of a follow append, `rollups::before_correlation`).
    pub logs_after_id: i64,
    /// Logs per service: (all, at error or above), for `service_logs`.
    pub service_logs: HashMap<String, (i64, i64)>,
    /// Logs joined to a span on insert per (log's service, span's service, name,
    /// kind): (all, at error or above), for `operation_logs` (bulk loads only).
    pub operation_logs: HashMap<OperationLogKey, (i64, i64)>,
    /// Spans stored before these rows whose status these rows turned into an error
    /// (the first record of a span wins, except that an error is never hidden): the
    /// rollups take their calls out as they were.
    pub errors_raised: HashSet<([u8; 16], [u8; 8])>,
    /// Logs per service, second, severity and link as decided on insert, for the
    /// kept log counts (`log_counts`).
    pub log_counts: log_counts::Tally,
    /// The spans written, kept when the `spans` table was empty at the start of a
    /// bulk load: the finish gets the touched traces' spans from here, not the table.
    pub written_spans: Option<WrittenSpans>,
}

/// The records of one id form in a write of rows, and the first of them.
#[derive(Debug)]
pub struct FormTally {
    pub spans: i64,
    pub logs: i64,
    example_trace: Option<Vec<u8>>,
    example_span: Option<Vec<u8>>,
    example_log: Option<i64>,
}

/// Adds a write's id forms to the source's (`source_id_forms`, migration 0015), in
/// the transaction that finishes the rows (`writer::finish_source`).
pub(super) fn add_id_forms(
    conn: &Connection,
    source_id: i64,
    forms: &BTreeMap<IdForm, FormTally>,
) -> Result<(), StoreError> {
    let mut add = conn.prepare_cached(
        "INSERT INTO source_id_forms (source_id, form, spans, logs, example_trace, \
         example_span, example_log) VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (source_id, form) DO UPDATE SET spans = spans + excluded.spans, \
         logs = logs + excluded.logs",
    )?;
    for (form, tally) in forms {
        add.execute(params![
            source_id,
            form.name(),
            tally.spans,
            tally.logs,
            tally.example_trace,
            tally.example_span,
            tally.example_log,
        ])?;
    }
    Ok(())
}

/// The attributes of a batch's spans and logs as the JSON text of their column,
/// in the batch's order: written by the decoder thread (`encode_attributes`), so
/// the rows thread, the pipeline's critical path, only binds them (measured with
/// callgrind: 3 % of its instructions on pino logs, 12 % on OTLP spans).
#[derive(Debug, Default)]
pub struct EncodedAttributes {
    pub spans: Vec<String>,
    pub logs: Vec<String>,
}

/// The `attributes` column of each span and log (see `EncodedAttributes`).
pub fn encode_attributes(spans: &[Span], logs: &[LogRecord]) -> EncodedAttributes {
    EncodedAttributes {
        spans: spans.iter().map(|span| json(&span.attributes)).collect(),
        logs: logs
            .iter()
            .map(|log| match &log.attributes_json {
                Some(text) => text.clone(),
                None => json(&log.attributes),
            })
            .collect(),
    }
}

/// What a log's row takes from the writer's state, decided before the batch's
/// inserts (`BulkWriter::write_logs`).
struct DecidedLog {
    resource_id: Option<i64>,
    scope_id: Option<i64>,
    link: Link,
    /// The record names its service (else the source's default service).
    has_own_service: bool,
}

impl DecidedLog {
    fn own_service<'log>(&self, log: &'log LogRecord) -> Option<&'log str> {
        log.service.as_deref().filter(|_| self.has_own_service)
    }
}

/// The connection a `BulkWriter` borrowed, given back with what it wrote.
pub struct Loaded {
    pub(super) conn: Connection,
    pub summary: LoadSummary,
}

/// Adds a log (`error`: 1 when at error or above) to `service`'s counts.
fn add_count(counts: &mut HashMap<String, (i64, i64)>, service: &str, error: i64) {
    let entry = match counts.get_mut(service) {
        Some(entry) => entry,
        None => counts.entry(service.to_string()).or_default(),
    };
    entry.0 += 1;
    entry.1 += error;
}

/// Progress of a phase: units done and the phase's total (0 = unknown).
pub type OnProgress<'a> = &'a mut dyn FnMut(u64, u64);

pub struct BulkWriter {
    conn: Connection,
    source_id: i64,
    default_service: String,
    /// The service the user named for the source (`--service`), which spans whose
    /// resource names none take as well (`Writer::set_source_service` does the same).
    given_service: Option<String>,
    resource_ids: HashMap<[u8; 32], i64>,
    scope_ids: HashMap<[u8; 32], i64>,
    /// Resource ids by the address of the decoder's `Arc` (the records of a resource
    /// block share one), so a record does not serialize and hash its resource again
    /// (with its scope: 25 % of the rows thread's instructions on OTLP spans, 3 %
    /// after, measured with callgrind). The `Arc` is kept with its id, so
    /// its address cannot be reused by another resource while it is a key.
    resource_arcs: HashMap<usize, (Arc<Resource>, i64)>,
    /// The same for scopes.
    scope_arcs: HashMap<usize, (Arc<Scope>, i64)>,
    /// (trace id, span id) of every span in the case, read when the first log with a
    /// trace id arrives; spans of this source are added as they are written.
    /// Never read by a durable writer: its links are left to correlation.
    known: Option<KnownSpans>,
    /// Logs joined to a span on insert, per log service and operation of `known`.
    operation_logs: HashMap<String, HashMap<u32, (i64, i64)>>,
    in_transaction: bool,
    last_commit: Instant,
    last_log_id: Option<i64>,
    summary: LoadSummary,
    /// Follow mode (`durable`): synced commits only when asked, indexes kept,
    /// links left to the caller's correlation in the same transaction.
    durable: bool,
    /// The body words this load adds to `log_words`.
    words: NewWords,
    /// The caller finds the words (`add_words`), off this thread.
    words_given: bool,
}

impl BulkWriter {
    /// Takes `conn` (the `Writer`'s) for the rows of source `source_id` (already
    /// `loading`) of a bulk load; records that name no service get `default_service`.
    pub(super) fn bulk(
        conn: Connection,
        source_id: i64,
        default_service: &str,
    ) -> Result<BulkWriter, StoreError> {
        let mut writer = BulkWriter::new(conn, source_id, default_service, false)?;
        // `threads`: CREATE INDEX sorts with helper threads (the other core is idle then).
        // A 32 MB page cache: the large bench set (traces then logs) loaded in the same
        // time as with 64 MB, and its rows phase held 195 MB instead of 290 MB.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        writer.conn.execute_batch(&format!(
            "PRAGMA synchronous = OFF; PRAGMA cache_size = -32768; PRAGMA threads = {threads};"
        ))?;
        writer.summary.links_decided = true;
        writer.begin()?;
        writer.defer_indexes_if_empty("logs")?;
        if writer.defer_indexes_if_empty("spans")? {
            writer.summary.written_spans = Some(WrittenSpans::new(source_id, KEPT_SPANS_MAX));
        }
        Ok(writer)
    }

    /// Takes `conn` for one append of followed source `source_id` (follow mode):
    /// `synchronous = FULL`, no deferred indexes, no timed commits (the append
    /// commits once, with its file offset: `Writer::append_followed`), no
    /// `fts_upto` (an append is all or nothing), and the link state of a log with
    /// a trace id left to the correlation of the touched traces.
    pub(super) fn durable(
        conn: Connection,
        source_id: i64,
        default_service: &str,
    ) -> Result<BulkWriter, StoreError> {
        let writer = BulkWriter::new(conn, source_id, default_service, true)?;
        writer.conn.execute_batch("PRAGMA synchronous = FULL;")?;
        Ok(writer)
    }

    fn new(
        conn: Connection,
        source_id: i64,
        default_service: &str,
        durable: bool,
    ) -> Result<BulkWriter, StoreError> {
        let spans_after_rowid =
            conn.query_row("SELECT IFNULL(MAX(rowid), 0) FROM spans", [], |row| {
                row.get(0)
            })?;
        let logs_after_id =
            conn.query_row("SELECT IFNULL(MAX(id), 0) FROM logs", [], |row| row.get(0))?;
        Ok(BulkWriter {
            conn,
            source_id,
            default_service: default_service.to_string(),
            given_service: None,
            resource_ids: HashMap::new(),
            scope_ids: HashMap::new(),
            resource_arcs: HashMap::new(),
            scope_arcs: HashMap::new(),
            known: None,
            operation_logs: HashMap::new(),
            in_transaction: false,
            last_commit: Instant::now(),
            last_log_id: None,
            summary: LoadSummary {
                spans_after_rowid,
                logs_after_id,
                ..LoadSummary::default()
            },
            durable,
            words: NewWords::default(),
            words_given: false,
        })
    }

    /// Spans whose resource names no service get `name` (the user's name for the
    /// source) instead of `unknown_service`.
    pub fn with_given_service(mut self, name: Option<&str>) -> Self {
        self.given_service = name.map(str::to_string);
        self
    }

    fn begin(&mut self) -> Result<(), StoreError> {
        if !self.in_transaction {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            self.in_transaction = true;
        }
        Ok(())
    }

    /// Commits what was written; readers see it from now on.
    pub fn commit(&mut self) -> Result<(), StoreError> {
        if self.in_transaction {
            self.words.flush(&self.conn)?;
            if let Some(last) = self.last_log_id.filter(|_| !self.durable) {
                self.conn.execute(
                    "UPDATE sources SET fts_upto = ? WHERE id = ?",
                    params![last, self.source_id],
                )?;
            }
            self.conn.execute_batch("COMMIT")?;
            self.in_transaction = false;
        }
        self.last_commit = Instant::now();
        Ok(())
    }

    /// Drops the secondary indexes of `table` when it holds no rows (measured on 1M pino
    /// lines: keeping only the time-ordered ones up to date during the load made it
    /// 1.3 s slower than building all five there were then after), keeping their
    /// SQL in `deferred_indexes` (in the same transaction) for `build_indexes`.
    /// Says whether the table was empty.
    fn defer_indexes_if_empty(&mut self, table: &str) -> Result<bool, StoreError> {
        let empty: bool = self.conn.query_row(
            &format!("SELECT NOT EXISTS (SELECT 1 FROM {table})"),
            [],
            |row| row.get(0),
        )?;
        if !empty {
            return Ok(false);
        }
        let indexes: Vec<(String, String)> = self
            .conn
            .prepare(
                "SELECT name, sql FROM sqlite_master \
                 WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            )?
            .query_map([table], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (name, sql) in indexes {
            self.conn.execute(
                "INSERT OR REPLACE INTO deferred_indexes (name, sql) VALUES (?, ?)",
                params![name, sql],
            )?;
            self.conn
                .execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        }
        // Committed now, so a reader never meets a half-dropped set of indexes.
        self.commit()?;
        self.begin()?;
        Ok(true)
    }

    /// Words of log bodies the caller found (`words::NewWords`) for the logs it
    /// writes; from the first call on, this writer leaves the finding to the caller.
    pub fn add_words(&mut self, words: Vec<Box<str>>) {
        self.words_given = true;
        self.words.extend(words);
    }

    /// Writes one batch of records; commits when `COMMIT_EVERY` has passed.
    pub fn write(&mut self, spans: &[Span], logs: &[LogRecord]) -> Result<(), StoreError> {
        self.write_encoded(spans, logs, &encode_attributes(spans, logs))
    }

    /// `write` with the attributes already encoded (`encode_attributes` of the same
    /// records, by the caller's thread).
    pub fn write_encoded(
        &mut self,
        spans: &[Span],
        logs: &[LogRecord],
        encoded: &EncodedAttributes,
    ) -> Result<(), StoreError> {
        assert!(
            encoded.spans.len() == spans.len() && encoded.logs.len() == logs.len(),
            "the attributes encoded are those of the records"
        );
        self.begin()?;
        for (span, attributes) in spans.iter().zip(&encoded.spans) {
            self.write_span(span, attributes)?;
        }
        self.write_logs(logs, &encoded.logs)?;
        if !self.durable && self.last_commit.elapsed() >= COMMIT_EVERY {
            self.commit()?;
        }
        Ok(())
    }

    fn write_span(&mut self, span: &Span, attributes: &str) -> Result<(), StoreError> {
        let resource_id = self.resource_id(&span.resource)?;
        let scope_id = self.scope_id(&span.scope)?;
        let trace_id = &span.trace_id.0[..];
        let span_id = &span.span_id.0[..];
        let service = match &self.given_service {
            Some(name) if span.resource.service == UNKNOWN_SERVICE => name.as_str(),
            _ => span.resource.service.as_str(),
        };
        // The first record of a span wins (a later copy is `span_conflict`'s business,
        // which also raises an error status: the rollups then take the stored call out
        // as it was, `LoadSummary::errors_raised`).
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT INTO spans (trace_id, span_id, parent_span_id, trace_state, flags, name, \
                 kind, start_ns, end_ns, status_code, status_message, service, attributes, \
                 resource_id, scope_id, dropped_attributes_count, dropped_events_count, \
                 dropped_links_count, source_id) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (trace_id, span_id) DO NOTHING",
            )?
            .execute(params![
                trace_id,
                span_id,
                span.parent_span_id.as_ref().map(|id| &id.0[..]),
                span.trace_state,
                span.flags,
                span.name,
                span.kind,
                span.start_ns,
                span.end_ns,
                span.status_code as i64,
                span.status_message,
                service,
                attributes,
                resource_id,
                scope_id,
                span.dropped_attributes_count,
                span.dropped_events_count,
                span.dropped_links_count,
                self.source_id,
            ])?;
        if inserted == 0 {
            self.span_conflict(span)?;
        } else if let Some(written) = &mut self.summary.written_spans {
            if !written.add(span, service, self.conn.last_insert_rowid()) {
                self.summary.written_spans = None;
            }
        }
        if !span.events.is_empty() {
            let mut insert = self.conn.prepare_cached(
                "INSERT OR IGNORE INTO span_events (trace_id, span_id, event_idx, time_ns, name, \
                 attributes, dropped_attributes_count) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )?;
            for (idx, event) in span.events.iter().enumerate() {
                insert.execute(params![
                    trace_id,
                    span_id,
                    idx as i64,
                    event.time_ns,
                    event.name,
                    json(&event.attributes),
                    event.dropped_attributes_count,
                ])?;
            }
        }
        if !span.links.is_empty() {
            let mut insert = self.conn.prepare_cached(
                "INSERT OR IGNORE INTO span_links (trace_id, span_id, link_idx, linked_trace_id, \
                 linked_span_id, trace_state, flags, attributes, dropped_attributes_count) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?;
            for (idx, link) in span.links.iter().enumerate() {
                insert.execute(params![
                    trace_id,
                    span_id,
                    idx as i64,
                    &link.trace_id.0[..],
                    &link.span_id.0[..],
                    link.trace_state,
                    link.flags,
                    json(&link.attributes),
                    link.dropped_attributes_count,
                ])?;
            }
        }
        self.summary.span_traces.insert(span.trace_id.0);
        for form in span.id_forms.iter() {
            self.summary
                .id_forms
                .entry(form)
                .or_insert_with(|| FormTally {
                    spans: 0,
                    logs: 0,
                    example_trace: Some(trace_id.to_vec()),
                    example_span: Some(span_id.to_vec()),
                    example_log: None,
                })
                .spans += 1;
        }
        if let Some(known) = &mut self.known {
            let service = match &self.given_service {
                Some(name) if span.resource.service == UNKNOWN_SERVICE => name.as_str(),
                _ => span.resource.service.as_str(),
            };
            known.add(
                &span.trace_id,
                &span.span_id,
                service,
                &span.name,
                i64::from(span.kind),
            );
        }
        Ok(())
    }

    /// A span whose (trace id, span id) is already stored: the stored copy stays,
    /// except that an error status is never hidden, and a copy from another source
    /// whose name, times or parent differ is recorded in `span_duplicates` (issue 17's
    /// `duplicate-span-id`). Only a conflict comes here, so the check costs nothing
    /// on the rows of a load without duplicates; it was a `BEFORE INSERT` trigger on
    /// `spans` (migration 0012, dropped by 0013) that looked up every span: ~10 % of span
    /// ingest.
    fn span_conflict(&mut self, span: &Span) -> Result<(), StoreError> {
        let trace_id = &span.trace_id.0[..];
        let span_id = &span.span_id.0[..];
        let parent = span.parent_span_id.as_ref().map(|id| &id.0[..]);
        let (first_source_id, differs, stored_error): (i64, bool, bool) = self
            .conn
            .prepare_cached(
                "SELECT source_id, name != ? OR start_ns != ? OR end_ns != ? \
                 OR parent_span_id IS NOT ?, status_code = 2 \
                 FROM spans WHERE trace_id = ? AND span_id = ?",
            )?
            .query_row(
                params![
                    span.name,
                    span.start_ns,
                    span.end_ns,
                    parent,
                    trace_id,
                    span_id
                ],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )?;
        if differs && first_source_id != self.source_id {
            self.conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO span_duplicates (trace_id, span_id, source_id, \
                     first_source_id, name, start_ns, end_ns, parent_span_id) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                )?
                .execute(params![
                    trace_id,
                    span_id,
                    self.source_id,
                    first_source_id,
                    span.name,
                    span.start_ns,
                    span.end_ns,
                    parent,
                ])?;
        }
        if span.status_code == StatusCode::Error && !stored_error {
            self.summary
                .errors_raised
                .insert((span.trace_id.0, span.span_id.0));
            self.conn
                .prepare_cached(
                    "UPDATE spans SET status_code = 2, status_message = ? \
                     WHERE trace_id = ? AND span_id = ?",
                )?
                .execute(params![span.status_message, trace_id, span_id])?;
        }
        Ok(())
    }

    /// Writes a batch's logs in three passes, so that the two statements of a log
    /// (its row and its body in `logs_fts`) are looked up in the statement cache once
    /// per batch, not once per log: a lookup hashes the statement's text and putting
    /// it back hashes it again (measured with callgrind on 100k pino lines: ~7 % of
    /// this thread's instructions). Pass 1 decides what needs this writer's state
    /// (resource, scope, link), pass 2 inserts, pass 3 counts.
    fn write_logs(&mut self, logs: &[LogRecord], attributes: &[String]) -> Result<(), StoreError> {
        let mut decided = Vec::with_capacity(logs.len());
        for log in logs {
            decided.push(self.decide_log(log)?);
        }
        let mut ids = Vec::with_capacity(logs.len());
        {
            let mut insert = self.conn.prepare_cached(
                "INSERT INTO logs (ts_ns, observed_ns, severity, severity_text, body, service, \
                 trace_id, span_id, flags, attributes, resource_id, scope_id, source_id, line, \
                 unparsed, ts_inferred, link, service_fallback) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?;
            // The full-text index takes each body as it comes (see the module comment).
            let mut index = self
                .conn
                .prepare_cached("INSERT INTO logs_fts (rowid, body) VALUES (?, ?)")?;
            for ((log, attributes), row) in logs.iter().zip(attributes).zip(&decided) {
                let service = row.own_service(log).unwrap_or(&self.default_service);
                insert.execute(params![
                    log.ts_ns,
                    log.observed_ns,
                    log.severity,
                    log.severity_text,
                    log.body,
                    service,
                    log.trace_id.as_ref().map(|id| &id.0[..]),
                    log.span_id.as_ref().map(|id| &id.0[..]),
                    log.flags,
                    attributes,
                    row.resource_id,
                    row.scope_id,
                    self.source_id,
                    log.line.map(|line| line as i64),
                    log.unparsed,
                    log.ts_inferred,
                    row.link as i64,
                    !row.has_own_service,
                ])?;
                let id = self.conn.last_insert_rowid();
                index.execute(params![id, log.body])?;
                ids.push(id);
            }
        }
        for ((log, row), id) in logs.iter().zip(&decided).zip(ids) {
            self.count_log(log, row, id);
        }
        Ok(())
    }

    /// What a log's row takes from this writer's state (pass 1 of `write_logs`).
    fn decide_log(&mut self, log: &LogRecord) -> Result<DecidedLog, StoreError> {
        let resource_id = match &log.resource {
            Some(resource) => Some(self.resource_id(resource)?),
            None => None,
        };
        let scope_id = match &log.scope {
            Some(scope) => Some(self.scope_id(scope)?),
            None => None,
        };
        let link = match &log.trace_id {
            None => Link::Unlinked,
            // Decided by the correlation of the touched traces before the append commits.
            Some(_) if self.durable => Link::Orphan,
            Some(trace_id) => self
                .known_spans()?
                .link(Some(trace_id), log.span_id.as_ref()),
        };
        Ok(DecidedLog {
            resource_id,
            scope_id,
            link,
            has_own_service: log.service.as_deref().is_some_and(|name| !name.is_empty()),
        })
    }

    /// The tallies of a written log (pass 3 of `write_logs`): words, id forms, the
    /// counts `finish_source` adds.
    fn count_log(&mut self, log: &LogRecord, row: &DecidedLog, id: i64) {
        let link = row.link;
        let service = match row.own_service(log) {
            Some(service) => service,
            None => self.default_service.as_str(),
        };
        if !self.words_given {
            self.words.add(&log.body);
        }
        self.last_log_id = Some(id);
        for form in log.id_forms.iter() {
            self.summary
                .id_forms
                .entry(form)
                .or_insert_with(|| FormTally {
                    spans: 0,
                    logs: 0,
                    example_trace: log.trace_id.map(|trace_id| trace_id.0.to_vec()),
                    example_span: None,
                    example_log: Some(id),
                })
                .logs += 1;
        }
        if let Some(trace_id) = &log.trace_id {
            *self.summary.trace_logs.entry(trace_id.0).or_default() += 1;
        }
        if let Some(ts_ns) = log.ts_ns {
            *self
                .summary
                .seconds
                .entry((ts_ns / 1_000_000_000, log.severity))
                .or_default() += 1;
        }
        let error = i64::from(log.severity >= ERROR);
        add_count(&mut self.summary.service_logs, service, error);
        log_counts::tally_log(
            &mut self.summary.log_counts,
            service,
            log.ts_ns,
            log.severity,
            link,
        );
        if link == Link::Span {
            let operation = match (&self.known, &log.trace_id, &log.span_id) {
                (Some(known), Some(trace_id), Some(span_id)) => {
                    known.operation_of(trace_id, span_id)
                }
                _ => None,
            };
            if let Some(operation) = operation {
                let per_service = match self.operation_logs.get_mut(service) {
                    Some(per_service) => per_service,
                    None => self.operation_logs.entry(service.to_string()).or_default(),
                };
                let counts = per_service.entry(operation).or_default();
                counts.0 += 1;
                counts.1 += error;
            }
        }
    }

    fn known_spans(&mut self) -> Result<&KnownSpans, StoreError> {
        if self.known.is_none() {
            self.known = Some(KnownSpans::read(&self.conn)?);
        }
        Ok(self.known.as_ref().expect("just filled"))
    }

    /// Phase 2: creates the indexes that `open` deferred, one by one.
    pub fn build_indexes(&mut self, progress: OnProgress) -> Result<(), StoreError> {
        self.commit()?;
        // SQLite's sorter keeps up to a page cache's worth of keys in memory per
        // sorting thread before it spills to a temporary file: with the 64 MB cache
        // of the rows phase, the 5M-line load peaked at 367 MB here; with 16 MB, 226 MB
        // in the same time (56 s).
        self.conn.execute_batch("PRAGMA cache_size = -16384;")?;
        let deferred: Vec<(String, String)> = self
            .conn
            .prepare("SELECT name, sql FROM deferred_indexes ORDER BY name")?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let total = deferred.len() as u64;
        for (done, (name, sql)) in deferred.into_iter().enumerate() {
            progress(done as u64, total);
            self.begin()?;
            create_deferred_index(&self.conn, &name, &sql)?;
            self.commit()?;
        }
        progress(total, total);
        Ok(())
    }

    /// Ends the rows phase and gives the connection back, with what the `Writer`
    /// needs to finish the source.
    pub fn finish(mut self) -> Result<Loaded, StoreError> {
        self.commit()?;
        if let Some(written) = &mut self.summary.written_spans {
            written.sort();
        }
        if let Some(known) = &self.known {
            for (log_service, per_operation) in self.operation_logs.drain() {
                for (operation, (logs, errors)) in per_operation {
                    let (service, name, kind) = known.operation(operation).clone();
                    let key = (log_service.clone(), service, name, kind);
                    let counts = self.summary.operation_logs.entry(key).or_default();
                    counts.0 += logs;
                    counts.1 += errors;
                }
            }
        }
        // Back to the `Writer`'s settings (`Writer::connect`).
        self.conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -2000; PRAGMA threads = 0;",
        )?;
        Ok(Loaded {
            conn: self.conn,
            summary: self.summary,
        })
    }

    /// The open transaction of a durable append and what it gathered, for the
    /// statements that finish the append in that same transaction.
    pub(super) fn durable_parts(&mut self) -> (&Connection, &LoadSummary) {
        (&self.conn, &self.summary)
    }

    /// The id of a record's resource: known by its `Arc`, else interned.
    fn resource_id(&mut self, resource: &Arc<Resource>) -> Result<i64, StoreError> {
        let address = Arc::as_ptr(resource) as usize;
        if let Some((_, id)) = self.resource_arcs.get(&address) {
            return Ok(*id);
        }
        let id = self.intern_resource(resource)?;
        if self.resource_arcs.len() >= ARCS_KEPT {
            self.resource_arcs.clear();
        }
        self.resource_arcs.insert(address, (resource.clone(), id));
        Ok(id)
    }

    /// The id of a record's scope: known by its `Arc`, else interned.
    fn scope_id(&mut self, scope: &Arc<Scope>) -> Result<i64, StoreError> {
        let address = Arc::as_ptr(scope) as usize;
        if let Some((_, id)) = self.scope_arcs.get(&address) {
            return Ok(*id);
        }
        let id = self.intern_scope(scope)?;
        if self.scope_arcs.len() >= ARCS_KEPT {
            self.scope_arcs.clear();
        }
        self.scope_arcs.insert(address, (scope.clone(), id));
        Ok(id)
    }

    fn intern_resource(&mut self, resource: &Resource) -> Result<i64, StoreError> {
        let attributes = json(&resource.attributes);
        let key = intern_key(&[
            &attributes,
            &resource.schema_url,
            &resource.dropped_attributes_count.to_string(),
        ]);
        if let Some(id) = self.resource_ids.get(&key) {
            return Ok(*id);
        }
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO resources (key, service, attributes, schema_url, \
                 dropped_attributes_count) VALUES (?, ?, ?, ?, ?)",
            )?
            .execute(params![
                &key[..],
                resource.service,
                attributes,
                resource.schema_url,
                resource.dropped_attributes_count,
            ])?;
        let id = self
            .conn
            .prepare_cached("SELECT id FROM resources WHERE key = ?")?
            .query_row([&key[..]], |row| row.get(0))?;
        self.resource_ids.insert(key, id);
        Ok(id)
    }

    fn intern_scope(&mut self, scope: &Scope) -> Result<i64, StoreError> {
        let attributes = json(&scope.attributes);
        let key = intern_key(&[
            &scope.name,
            &scope.version,
            &attributes,
            &scope.schema_url,
            &scope.dropped_attributes_count.to_string(),
        ]);
        if let Some(id) = self.scope_ids.get(&key) {
            return Ok(*id);
        }
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO scopes (key, name, version, attributes, schema_url, \
                 dropped_attributes_count) VALUES (?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![
                &key[..],
                scope.name,
                scope.version,
                attributes,
                scope.schema_url,
                scope.dropped_attributes_count,
            ])?;
        let id = self
            .conn
            .prepare_cached("SELECT id FROM scopes WHERE key = ?")?
            .query_row([&key[..]], |row| row.get(0))?;
        self.scope_ids.insert(key, id);
        Ok(id)
    }
}

/// Creates an index kept in `deferred_indexes` (unless it exists) and forgets it.
pub(super) fn create_deferred_index(
    conn: &Connection,
    name: &str,
    sql: &str,
) -> Result<(), StoreError> {
    let exists = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
            [name],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if !exists {
        conn.execute_batch(sql)?;
    }
    conn.execute("DELETE FROM deferred_indexes WHERE name = ?", [name])?;
    Ok(())
}

/// A content key for interning: the parts, length-prefixed so they cannot run together.
pub(super) fn intern_key(parts: &[&str]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    *hasher.finalize().as_bytes()
}

fn json(attributes: &crate::model::Attributes) -> String {
    serde_json::to_string(attributes).expect("JSON values serialize")
}
