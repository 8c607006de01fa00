//! The spans a bulk load wrote into an empty `spans` table, kept by the rows
//! thread as it writes them (`BulkWriter::write_span`), so that the transaction
//! that finishes the load gets each touched trace's spans from memory instead of
//! reading them back (`rollups::read_touched`: one index seek and one table seek a
//! span, its text columns copied out and the attributes of its client spans parsed).
//! Does no SQL: it holds what the rows say and gives it in the order the read gives.
//!
//! Only a load into an empty table keeps them: then the spans of every trace it
//! touches are exactly its own. A later copy of a span changes nothing stored but
//! the error status, which `LoadSummary::errors_raised` records; `rows_of` applies it.
//!
//! At most `bulk::KEPT_SPANS_MAX` spans are kept (≈ 40 MB), so a load of more
//! reads them back as before: on the large set (1M spans) keeping all of them
//! raised the peak RSS from 256 to 300 MB (one run each).
//!
//! Measured with callgrind on the medium set's traces (200k spans; with the peer
//! attributes kept as a JSON map, before the peer became an interned string): the thread that
//! finishes the source 7 047M -> 5 278M instructions (`read_touched` 3 277M ->
//! 1 397M), the rows thread 5 682M -> 6 275M (keeping the spans 396M, sorting them
//! 197M): 1 177M fewer on the writer's chain, and the finish runs alone on one core
//! while the rows thread runs beside the decoder (6 636M). Memory: ≈ 80 bytes a
//! span, freed when the source is finished.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::rollups::SpanRow;
use crate::analysis::services::{peer_of, ServiceSpan, KIND_CLIENT, PEER_KEYS};
use crate::analysis::KIND_PRODUCER;
use crate::model::{Attributes, Span, StatusCode};

/// The spans of one bulk load, as `read_touched` would read them from the table.
#[derive(Debug, Default)]
pub struct WrittenSpans {
    /// The source the load writes (the `source_id` of every span here).
    source_id: i64,
    /// At most this many spans are kept (`add`).
    max_spans: usize,
    spans: Vec<WrittenSpan>,
    /// Services and names, each once (`WrittenSpan::service`, `::name`).
    texts: Vec<String>,
    text_ids: HashMap<String, u32>,
    /// The service last looked up (`service_id`).
    last_service: Option<u32>,
    /// `spans` is in (trace id, span id) order (`sort`).
    sorted: bool,
}

#[derive(Debug)]
struct WrittenSpan {
    trace_id: [u8; 16],
    span_id: [u8; 8],
    parent_span_id: Option<[u8; 8]>,
    service: u32,
    name: u32,
    kind: i32,
    error: bool,
    start_ns: i64,
    end_ns: i64,
    rowid: i64,
    /// For a CLIENT or PRODUCER span, what `peer_of` makes of its attributes (an
    /// id in `texts`; `NO_PEER` for other kinds): all the rollups read of them.
    peer: u32,
}

impl WrittenSpans {
    /// Nothing kept yet, for a load of source `source_id` of which at most
    /// `max_spans` spans are kept.
    pub(super) fn new(source_id: i64, max_spans: usize) -> WrittenSpans {
        WrittenSpans {
            source_id,
            max_spans,
            ..WrittenSpans::default()
        }
    }

    /// Keeps a span the rows thread just inserted as row `rowid`, with `service`
    /// as stored. Its stored attributes are the JSON text of `span.attributes`
    /// (`bulk::encode_attributes`), so the peer keys are taken from the map, not
    /// parsed from the text (parsing them here cost the rows thread 869M
    /// instructions on the medium set's 200k spans, callgrind).
    /// Says `false`, keeping nothing, when `max_spans` are kept already: then the
    /// caller drops these and the finish reads the spans from the table.
    #[must_use]
    pub(super) fn add(&mut self, span: &Span, service: &str, rowid: i64) -> bool {
        if self.spans.len() >= self.max_spans {
            return false;
        }
        let service = self.service_id(service);
        let name = self.text_id(&span.name);
        let kind = i64::from(span.kind);
        let peer = if kind == KIND_CLIENT || kind == KIND_PRODUCER {
            let peer = peer_of(Some(&Value::Object(peer_part(&span.attributes))));
            self.text_id(&peer)
        } else {
            NO_PEER
        };
        self.spans.push(WrittenSpan {
            trace_id: span.trace_id.0,
            span_id: span.span_id.0,
            parent_span_id: span.parent_span_id.as_ref().map(|id| id.0),
            service,
            name,
            kind: span.kind,
            error: span.status_code == StatusCode::Error,
            start_ns: span.start_ns,
            end_ns: span.end_ns,
            rowid,
            peer,
        });
        self.sorted = false;
        true
    }

    /// The id of a service: spans of a resource come together, so the last one
    /// is often the next.
    fn service_id(&mut self, service: &str) -> u32 {
        if let Some(last) = self
            .last_service
            .filter(|last| self.texts[*last as usize] == service)
        {
            return last;
        }
        let id = self.text_id(service);
        self.last_service = Some(id);
        id
    }

    fn text_id(&mut self, text: &str) -> u32 {
        if let Some(id) = self.text_ids.get(text) {
            return *id;
        }
        let id = self.texts.len() as u32;
        self.texts.push(text.to_string());
        self.text_ids.insert(text.to_string(), id);
        id
    }

    /// Puts the spans in the order `rows_of` walks them: by trace id, and within
    /// a trace by span id (the order of the `spans` primary key the read used).
    pub(super) fn sort(&mut self) {
        if !self.sorted {
            // As integers, big-endian: the order of the bytes. The sort is ≈ 197M
            // instructions of the rows thread on the medium set's 200k spans.
            self.spans.sort_unstable_by_key(|span| {
                (
                    u128::from_be_bytes(span.trace_id),
                    u64::from_be_bytes(span.span_id),
                )
            });
            self.sorted = true;
        }
    }

    /// The rows of trace `trace_id` as `read_touched` makes them from the table
    /// (`with_attributes`: the attributes of client and producer spans), with the
    /// error status a later copy raised (`errors_raised`). Needs `sort` first.
    pub(super) fn rows_of(
        &self,
        trace_id: &[u8],
        with_attributes: bool,
        errors_raised: &HashSet<([u8; 16], [u8; 8])>,
        rows: &mut Vec<SpanRow>,
    ) {
        assert!(self.sorted, "rows_of needs the spans sorted");
        let first = self
            .spans
            .partition_point(|span| span.trace_id.as_slice() < trace_id);
        let of_trace = self.spans[first..]
            .iter()
            .take_while(|span| span.trace_id.as_slice() == trace_id);
        rows.extend(of_trace.map(|span| {
            SpanRow {
                span: ServiceSpan {
                    span_id: span.span_id.to_vec(),
                    parent_span_id: span.parent_span_id.map(|id| id.to_vec()),
                    service: self.texts[span.service as usize].clone(),
                    name: self.texts[span.name as usize].clone(),
                    kind: i64::from(span.kind),
                    error: span.error || errors_raised.contains(&(span.trace_id, span.span_id)),
                    start_ns: span.start_ns,
                    duration_ns: span.end_ns.wrapping_sub(span.start_ns),
                    matched: true,
                    attributes: (with_attributes && span.peer != NO_PEER)
                        .then(|| peer_attributes(&self.texts[span.peer as usize])),
                },
                source_id: self.source_id,
                rowid: span.rowid,
            }
        }));
    }
}

/// `WrittenSpan::peer` of a span that is neither CLIENT nor PRODUCER.
const NO_PEER: u32 = u32::MAX;

/// The part of a span's attributes that `peer_of` reads: the peer keys it has.
fn peer_part(attributes: &Attributes) -> Map<String, Value> {
    let mut kept = Map::new();
    for key in PEER_KEYS {
        if let Some(value) = attributes.get(key) {
            kept.insert(key.to_string(), value.clone());
        }
    }
    kept
}

/// Attributes of which `peer_of` makes `peer` (`peer_of` of the span's own: never
/// empty, so the first peer key holding it gives it back).
fn peer_attributes(peer: &str) -> Value {
    let mut attributes = Map::new();
    attributes.insert(PEER_KEYS[0].to_string(), Value::String(peer.to_string()));
    Value::Object(attributes)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::id_forms::IdForms;
    use crate::ids::{SpanId, TraceId};
    use crate::model::{Resource, Scope};

    fn span(trace: u8, id: u8, kind: i32, attributes: &str) -> Span {
        let span = Span {
            trace_id: TraceId([trace; 16]),
            span_id: SpanId([id; 8]),
            parent_span_id: None,
            trace_state: String::new(),
            flags: 0,
            name: format!("op {id}"),
            kind,
            start_ns: 10,
            end_ns: 25,
            status_code: StatusCode::Unset,
            status_message: String::new(),
            attributes: serde_json::from_str(attributes).unwrap(),
            events: Vec::new(),
            links: Vec::new(),
            dropped_attributes_count: 0,
            dropped_events_count: 0,
            dropped_links_count: 0,
            resource: Arc::new(Resource::new(Attributes::new(), String::new(), 0)),
            scope: Arc::new(Scope::default()),
            id_forms: IdForms::default(),
        };
        span
    }

    #[test]
    fn a_trace_s_rows_come_in_span_id_order_with_raised_errors_and_peer_attributes() {
        let mut written = WrittenSpans::new(7, 4);
        let peer = r#"{"http.method":"GET","server.address":"db-1","peer.service":""}"#;
        for (rowid, span) in [
            span(2, 9, 1, "{}"),
            span(1, 5, 3, peer),
            span(2, 3, 3, peer),
            span(3, 1, 1, "{}"),
        ]
        .iter()
        .enumerate()
        {
            assert!(written.add(span, "checkout", rowid as i64 + 1));
        }
        assert!(
            !written.add(&span(4, 1, 1, "{}"), "checkout", 5),
            "4 spans at most"
        );
        written.sort();
        let raised = HashSet::from([([2; 16], [9; 8])]);
        let mut rows = Vec::new();
        written.rows_of(&[2; 16], true, &raised, &mut rows);
        let got: Vec<_> = rows
            .iter()
            .map(|row| {
                let span = &row.span;
                (
                    span.span_id[0],
                    span.error,
                    span.duration_ns,
                    row.rowid,
                    row.source_id,
                )
            })
            .collect();
        assert_eq!(got, [(3, false, 15, 3, 7), (9, true, 15, 1, 7)]);
        let peer = rows[0].span.attributes.as_ref();
        assert_eq!(crate::analysis::services::peer_of(peer), "db-1");
        assert_eq!(rows[1].span.attributes, None);
        rows.clear();
        written.rows_of(&[2; 16], false, &raised, &mut rows);
        assert_eq!(rows[0].span.attributes, None);
        rows.clear();
        written.rows_of(&[4; 16], true, &raised, &mut rows);
        assert!(rows.is_empty());
    }
}
