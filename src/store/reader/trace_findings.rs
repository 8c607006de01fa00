//! `Reader::trace_findings`: what `weft doctor` finds about ONE trace, by the same
//! rules (`analysis::quality::QualityTally`). The trace's spans are counted. For
//! `context-lost`, only the spans of other traces that can pair with it are read:
//! the calls running when one of its roots started, the roots of other traces that
//! started during one of its named calls, the calls running when those started
//! (a root pairs with the first call that fits, as in `doctor`), and the children
//! of those calls; then the hosts of the roots' services and whether a service
//! receives calls. Duplicates come from `span_duplicates` restricted to the trace.
//! Rules about the whole case (attribute cardinality, ids per source, logs and
//! sources) are left to `doctor`.
//!
//! Cost: the trace, one query per root start and per named call (through the
//! `traces` table's start index, then spans by primary key), and, only when a
//! pairing is possible, one aggregate over the spans for the services' hosts and
//! whether they receive calls (a scan of `spans`: there is no index by service).
//! Measured on the generator's medium set (200 000 spans, 6 841 traces; 20 random
//! traces; release build): `weft trace ID --json` takes 0.38 s median (0.56 s max)
//! against 0.013 s without the findings, nearly all of it that scan; `weft doctor`
//! takes 8.1 s. The app asks for the findings after the trace (`trace_findings`),
//! so the waterfall does not wait for them. A call of another trace that never
//! ended pairs here only when that trace has an end time after the instant looked
//! at (`traces.end_ns` is its latest end); `doctor` has no such limit.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use std::sync::Arc;

use serde_json::Value;
use sqlx::Row;

use super::quality::{quality_span, QUALITY_COLUMNS};
use super::rows::query_with;
use super::Reader;
use crate::analysis::quality::{
    call_names, doctor, duplicate_findings, Finding, QualitySpan, QualityTally,
};
use crate::analysis::{KIND_CONSUMER, KIND_PRODUCER};
use crate::ids::TraceId;
use crate::query::{Param, Query, Term, TermKind};
use crate::store::StoreError;

const KIND_INTERNAL: i64 = 1;
const KIND_SERVER: i64 = 2;
const KIND_CLIENT: i64 = 3;

impl Reader {
    /// The findings of `doctor` that concern trace `trace_id`, most severe first:
    /// missing parents, missing or several roots, unended and zero-length spans,
    /// spans without a service name, clock skew, duplicate span ids, and lost
    /// context where the trace holds the root that lost it or the call that did
    /// not pass it on. Counts and examples are this trace's (a lost context also
    /// names the other trace). Empty for a trace the case does not hold.
    pub async fn trace_findings(&self, trace_id: TraceId) -> Result<Vec<Finding>, StoreError> {
        let hex = trace_id.to_string();
        let resources = self.resource_attributes().await?;
        let spans = self.quality_trace(&trace_id.0, &resources).await?;
        if spans.is_empty() {
            return Ok(Vec::new());
        }
        let mut tally = QualityTally::default();
        tally.add_trace(&hex, &spans);

        let is_root = |span: &&QualitySpan| span.parent_span_id.is_none();
        let named_calls: Vec<&QualitySpan> = spans
            .iter()
            .filter(|span| {
                matches!(span.kind, KIND_CLIENT | KIND_PRODUCER) && !call_names(span).is_empty()
            })
            .collect();
        let roots: Vec<&QualitySpan> = spans.iter().filter(is_root).collect();
        let pairing = !named_calls.is_empty()
            || roots
                .iter()
                .any(|root| matches!(root.kind, KIND_SERVER | KIND_CONSUMER | KIND_INTERNAL));
        if pairing {
            let services = self.service_facts(&resources).await?;
            for (service, (server, hosts)) in &services {
                tally.add_service(service, *server, None);
                for host in hosts {
                    tally.add_service(service, false, Some(host));
                }
            }
            let mut others = OtherSpans::default();
            // Calls of other traces that may have lost the context of one of its roots …
            for root in roots
                .iter()
                .filter(|root| matches!(root.kind, KIND_SERVER | KIND_CONSUMER))
            {
                let wanted = names_of(&services, &root.service);
                self.calls_at(&trace_id.0, root.start_ns, &wanted, &resources, &mut others)
                    .await?;
            }
            // … and roots of other traces its named calls may have started, with the
            // calls that compete for them.
            for call in named_calls {
                let end = call.end_ns.max(call.start_ns);
                let names = call_names(call);
                let found = self
                    .roots_within(&trace_id.0, call.start_ns, end, &resources)
                    .await?;
                for (key, root) in found {
                    let wanted = names_of(&services, &root.service);
                    if !names.iter().any(|name| wanted.contains(*name)) {
                        continue;
                    }
                    let start = root.start_ns;
                    if others.insert(key.clone(), root) {
                        self.calls_at(&key, start, &wanted, &resources, &mut others)
                            .await?;
                    }
                }
            }
            // The trace's own calls are counted by `add_trace` already.
            others.spans.remove(trace_id.0.as_slice());
            for (key, subset) in others.spans {
                let other_hex: String = key.iter().map(|byte| format!("{byte:02x}")).collect();
                let subset: Vec<QualitySpan> = subset.into_values().collect();
                tally.add_other_trace(&other_hex, &subset);
            }
        }

        let mut findings = tally.finish_trace(&hex);
        let sources: HashMap<i64, String> = sqlx::query("SELECT id, path FROM sources")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| (row.get("id"), row.get("path")))
            .collect();
        let this_trace = Query {
            terms: vec![Term {
                negated: false,
                kind: TermKind::Trace(trace_id),
                column: 1,
            }],
        };
        findings.extend(duplicate_findings(
            &self.duplicates(&this_trace, &sources).await?,
        ));
        Ok(doctor(findings).findings)
    }

    /// The spans of one trace as the quality rules see them.
    async fn quality_trace(
        &self,
        trace_key: &[u8],
        resources: &HashMap<i64, Arc<Value>>,
    ) -> Result<Vec<QualitySpan>, StoreError> {
        let sql = format!(
            "SELECT {QUALITY_COLUMNS} FROM spans s WHERE s.trace_id = ? ORDER BY s.span_id"
        );
        Ok(query_with(sql, &[Param::Blob(trace_key.to_vec())])
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| quality_span(row, resources))
            .collect())
    }

    /// The CLIENT/PRODUCER spans of traces other than `trace_key` running at `at_ns`
    /// that name one of `wanted` (a service and its hosts), with their children,
    /// into `others`.
    async fn calls_at(
        &self,
        trace_key: &[u8],
        at_ns: i64,
        wanted: &BTreeSet<String>,
        resources: &HashMap<i64, Arc<Value>>,
        others: &mut OtherSpans,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "SELECT s.trace_id AS trace_key, {QUALITY_COLUMNS} FROM spans s \
             WHERE s.trace_id IN (SELECT t.trace_id FROM traces t \
               WHERE t.start_ns <= ? AND t.end_ns >= ? AND t.trace_id != ?) \
             AND s.kind IN (3, 4) AND s.start_ns <= ? AND MAX(s.end_ns, s.start_ns) >= ? \
             ORDER BY s.trace_id, s.span_id"
        );
        let params = [
            Param::Int(at_ns),
            Param::Int(at_ns),
            Param::Blob(trace_key.to_vec()),
            Param::Int(at_ns),
            Param::Int(at_ns),
        ];
        let calls = self.keyed_spans(sql, &params, resources).await?;
        let children_sql = format!(
            "SELECT s.trace_id AS trace_key, {QUALITY_COLUMNS} FROM spans s \
             WHERE s.trace_id = ? AND s.parent_span_id = ? ORDER BY s.span_id"
        );
        let named = |call: &QualitySpan| call_names(call).iter().any(|name| wanted.contains(*name));
        for (key, call) in calls.into_iter().filter(|(_, call)| named(call)) {
            let span_key = hex_to_bytes(&call.span_id);
            if !others.insert(key.clone(), call) {
                continue;
            }
            let params = [Param::Blob(key), Param::Blob(span_key)];
            for (key, child) in self
                .keyed_spans(children_sql.clone(), &params, resources)
                .await?
            {
                others.insert(key, child);
            }
        }
        Ok(())
    }

    /// The root SERVER/CONSUMER spans of traces other than `trace_key` that start
    /// within `[from_ns, to_ns]`, with their trace ids.
    async fn roots_within(
        &self,
        trace_key: &[u8],
        from_ns: i64,
        to_ns: i64,
        resources: &HashMap<i64, Arc<Value>>,
    ) -> Result<Vec<(Vec<u8>, QualitySpan)>, StoreError> {
        let sql = format!(
            "SELECT s.trace_id AS trace_key, {QUALITY_COLUMNS} FROM spans s \
             WHERE s.trace_id IN (SELECT t.trace_id FROM traces t \
               WHERE t.start_ns <= ? AND t.end_ns >= ? AND t.trace_id != ?) \
             AND s.kind IN (2, 5) AND s.parent_span_id IS NULL \
             AND s.start_ns >= ? AND s.start_ns <= ? ORDER BY s.trace_id, s.span_id"
        );
        let params = [
            Param::Int(to_ns),
            Param::Int(from_ns),
            Param::Blob(trace_key.to_vec()),
            Param::Int(from_ns),
            Param::Int(to_ns),
        ];
        self.keyed_spans(sql, &params, resources).await
    }

    /// Rows of `trace_key` and `QUALITY_COLUMNS` as (trace id bytes, span).
    async fn keyed_spans(
        &self,
        sql: String,
        params: &[Param],
        resources: &HashMap<i64, Arc<Value>>,
    ) -> Result<Vec<(Vec<u8>, QualitySpan)>, StoreError> {
        Ok(query_with(sql, params)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| (row.get("trace_key"), quality_span(row, resources)))
            .collect())
    }

    /// For every service with spans: whether it has SERVER spans, and the
    /// `host.name`s of its spans' resources (one scan of `spans`).
    async fn service_facts(
        &self,
        resources: &HashMap<i64, Arc<Value>>,
    ) -> Result<ServiceFacts, StoreError> {
        let sql = "SELECT s.service, s.resource_id, MAX(s.kind = 2) AS server FROM spans s \
                   GROUP BY s.service, s.resource_id";
        let mut facts = ServiceFacts::new();
        for row in sqlx::query(sql).fetch_all(&self.pool).await? {
            let (server, hosts) = facts.entry(row.get("service")).or_default();
            *server |= row.get::<i64, _>("server") != 0;
            let host = resources
                .get(&row.get::<i64, _>("resource_id"))
                .and_then(|resource| resource.get("host.name"))
                .and_then(Value::as_str);
            if let Some(host) = host {
                hosts.insert(host.to_string());
            }
        }
        Ok(facts)
    }
}

/// Per service: whether it receives calls (has SERVER spans), and its hosts.
type ServiceFacts = BTreeMap<String, (bool, BTreeSet<String>)>;

/// The names a call may give `service` by: its own, and its hosts' names.
fn names_of(services: &ServiceFacts, service: &str) -> BTreeSet<String> {
    let mut names = services
        .get(service)
        .map(|(_, hosts)| hosts.clone())
        .unwrap_or_default();
    names.insert(service.to_string());
    names
}

/// Spans of other traces read for `context-lost`, per trace id (bytes) and span id.
#[derive(Default)]
struct OtherSpans {
    spans: BTreeMap<Vec<u8>, BTreeMap<String, QualitySpan>>,
}

impl OtherSpans {
    /// Adds `span` of trace `key`; false when it was there already.
    fn insert(&mut self, key: Vec<u8>, span: QualitySpan) -> bool {
        let spans = self.spans.entry(key).or_default();
        if spans.contains_key(&span.span_id) {
            return false;
        }
        spans.insert(span.span_id.clone(), span);
        true
    }
}

/// Lowercase hex (as `hex_column` gives) back to bytes.
fn hex_to_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .filter_map(|at| u8::from_str_radix(&hex[at * 2..at * 2 + 2], 16).ok())
        .collect()
}
