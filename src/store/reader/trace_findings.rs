//! `Reader::trace_findings`: what `weft doctor` finds about ONE trace, by the same
//! rules (`analysis::quality::QualityTally`): the trace's spans are counted; the
//! traces that could hold the other end of a lost context (a call of another trace
//! running when a root of this one starts, or a root of another trace starting
//! during a call of this one) are read only for that rule; the services those
//! roots belong to are looked up for their hosts and whether they receive calls;
//! duplicates come from `span_duplicates` restricted to the trace. Rules about the
//! whole case (attribute cardinality, ids per source, logs and sources) are left
//! to `doctor`.
//!
//! Cost: the trace, the spans of traces whose time overlaps it (through the
//! `traces` table's start index, then their spans by primary key), and one
//! aggregate over the spans of a few services. A trace whose spans lie apart from
//! every other trace's reads little more than itself. A call of another trace
//! that never ended pairs here only when that trace has an end time after this
//! trace's start (`traces.end_ns` is its latest end); `doctor` has no such limit.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;
use sqlx::Row;

use super::quality::{quality_span, QUALITY_COLUMNS};
use super::rows::query_with;
use super::Reader;
use crate::analysis::quality::{doctor, duplicate_findings, Finding, QualitySpan, QualityTally};
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
        let served = spans
            .iter()
            .filter(is_root)
            .any(|span| matches!(span.kind, KIND_SERVER | KIND_CONSUMER | KIND_INTERNAL));
        let calls = spans
            .iter()
            .any(|span| matches!(span.kind, KIND_CLIENT | KIND_PRODUCER));
        if served || calls {
            let from = spans.iter().map(|span| span.start_ns).min().unwrap_or(0);
            let to = spans
                .iter()
                .map(|span| span.end_ns.max(span.start_ns))
                .max()
                .unwrap_or(0);
            let mut services: BTreeSet<String> = spans
                .iter()
                .filter(is_root)
                .map(|span| span.service.clone())
                .collect();
            for other in self.overlapping_traces(&trace_id.0, from, to).await? {
                let other_spans = self.quality_trace(&other, &resources).await?;
                let other_hex = other
                    .iter()
                    .map(|byte| format!("{byte:02x}"))
                    .collect::<String>();
                services.extend(
                    other_spans
                        .iter()
                        .filter(is_root)
                        .map(|span| span.service.clone()),
                );
                tally.add_other_trace(&other_hex, &other_spans);
            }
            self.add_services(&mut tally, &services, &resources).await?;
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
        resources: &HashMap<i64, std::sync::Arc<Value>>,
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

    /// Other traces holding a CLIENT/PRODUCER span whose time meets `[from, to]` or
    /// a root SERVER/CONSUMER span starting in it: the only ones a lost context of
    /// the trace can pair with.
    async fn overlapping_traces(
        &self,
        trace_key: &[u8],
        from: i64,
        to: i64,
    ) -> Result<Vec<Vec<u8>>, StoreError> {
        let sql =
            "SELECT DISTINCT s.trace_id FROM traces t JOIN spans s ON s.trace_id = t.trace_id \
             WHERE t.start_ns <= ? AND t.end_ns >= ? AND t.trace_id != ? AND ( \
               (s.kind IN (3, 4) AND s.start_ns <= ? AND MAX(s.end_ns, s.start_ns) >= ?) \
               OR (s.kind IN (2, 5) AND s.parent_span_id IS NULL \
                   AND s.start_ns >= ? AND s.start_ns <= ?)) \
             ORDER BY s.trace_id";
        let params = [
            Param::Int(to),
            Param::Int(from),
            Param::Blob(trace_key.to_vec()),
            Param::Int(to),
            Param::Int(from),
            Param::Int(from),
            Param::Int(to),
        ];
        Ok(query_with(sql.to_string(), &params)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| row.get("trace_id"))
            .collect())
    }

    /// Tells `tally` whether each of `services` has SERVER spans in the case and
    /// which `host.name`s its spans run on.
    async fn add_services(
        &self,
        tally: &mut QualityTally,
        services: &BTreeSet<String>,
        resources: &HashMap<i64, std::sync::Arc<Value>>,
    ) -> Result<(), StoreError> {
        if services.is_empty() {
            return Ok(());
        }
        let marks = vec!["?"; services.len()].join(", ");
        let sql = format!(
            "SELECT s.service, s.resource_id, MAX(s.kind = 2) AS server FROM spans s \
             WHERE s.service IN ({marks}) GROUP BY s.service, s.resource_id"
        );
        let params: Vec<Param> = services.iter().cloned().map(Param::Text).collect();
        for row in query_with(sql, &params).fetch_all(&self.pool).await? {
            let service: String = row.get("service");
            let host = resources
                .get(&row.get::<i64, _>("resource_id"))
                .and_then(|resource| resource.get("host.name"))
                .and_then(Value::as_str);
            tally.add_service(&service, row.get::<i64, _>("server") != 0, host);
        }
        Ok(())
    }
}
