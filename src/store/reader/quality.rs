//! `Reader::doctor`: what `analysis::quality` needs to say what is wrong with the
//! telemetry (`weft doctor`). Spans are read in pages by their primary key, one
//! trace at a time (memory: one page and one trace, plus what the cross-trace rules
//! keep); a trace counts when any of its spans matches the query. Logs and sources
//! are counted by SQL aggregates over the logs the query matches, with a few
//! example rows each.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::rows::{hex_column, json_column, query_with};
use super::Reader;
use crate::analysis::quality::Doctor;
use crate::analysis::quality::{
    doctor, duplicate_findings, log_findings, rewritten_id_findings, Duplicates, Example, LogFacts,
    QualitySpan, QualityTally, RewrittenIds, ServiceLogCount, SourceLogCount, SourceReport,
    MAX_EXAMPLES,
};
use crate::analysis::skew::host_of;
use crate::id_forms::IdForm;
use crate::model::Link;
use crate::query::{Condition, LogSql, Param, Query, SpanSql};
use crate::store::StoreError;

/// The columns of `spans s` that `quality_span` reads.
pub(super) const QUALITY_COLUMNS: &str = "s.span_id, s.parent_span_id, s.service, s.name, \
     s.kind, s.start_ns, s.end_ns, s.attributes, s.resource_id, s.source_id";

/// A row of `QUALITY_COLUMNS` as the rules see it, its resource's attributes from
/// `resources` (by id).
pub(super) fn quality_span(row: &SqliteRow, resources: &HashMap<i64, Arc<Value>>) -> QualitySpan {
    let service: String = row.get("service");
    let resource = resources.get(&row.get::<i64, _>("resource_id"));
    let resource = resource.map_or(&Value::Null, |resource| resource.as_ref());
    QualitySpan {
        span_id: hex_column(row, "span_id").unwrap_or_default(),
        parent_span_id: hex_column(row, "parent_span_id"),
        host: host_of(resource, &service),
        host_name: resource
            .get("host.name")
            .and_then(Value::as_str)
            .map(str::to_string),
        service,
        name: row.get("name"),
        kind: row.get("kind"),
        start_ns: row.get("start_ns"),
        end_ns: row.get("end_ns"),
        source_id: row.get("source_id"),
        attributes: json_column(row, "attributes"),
    }
}

impl Reader {
    /// Every finding of `analysis::quality` over the traces with a span matching
    /// `query` and the logs matching it (the whole case for the empty query).
    pub async fn doctor(&self, query: &Query) -> Result<Doctor, StoreError> {
        let sources: HashMap<i64, String> = sqlx::query("SELECT id, path FROM sources")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| (row.get("id"), row.get("path")))
            .collect();
        let (tally, span_services) = self.quality_spans(query).await?;
        let mut findings = tally.finish();
        findings.extend(rewritten_id_findings(&self.rewritten_ids().await?));
        let facts = self.log_facts(query, &span_services, &sources).await?;
        findings.extend(log_findings(&facts));
        findings.extend(duplicate_findings(&self.duplicates(query, &sources).await?));
        Ok(doctor(findings))
    }

    async fn quality_spans(
        &self,
        query: &Query,
    ) -> Result<(QualityTally, HashSet<String>), StoreError> {
        let resources = self.resource_attributes().await?;
        let every = query.terms.is_empty();
        let (matched_sql, matched_params) = match SpanSql::condition(query) {
            Some(condition) => (condition.sql, condition.params),
            None => ("0".to_string(), Vec::new()),
        };
        let mut tally = QualityTally::default();
        let mut services = HashSet::new();
        let mut trace = String::new();
        let mut spans: Vec<QualitySpan> = Vec::new();
        let mut matched = false;
        let columns = format!("s.trace_id, {QUALITY_COLUMNS}, ({matched_sql}) AS matched");
        self.each_span_page(&columns, &matched_params, |rows| {
            for row in rows {
                let trace_id = hex_column(row, "trace_id").unwrap_or_default();
                if trace_id != trace {
                    if every || matched {
                        tally.add_trace(&trace, &spans);
                    }
                    spans.clear();
                    matched = false;
                    trace = trace_id;
                }
                matched |= row.get::<i64, _>("matched") != 0;
                let span = quality_span(row, &resources);
                services.insert(span.service.clone());
                spans.push(span);
            }
        })
        .await?;
        if every || matched {
            tally.add_trace(&trace, &spans);
        }
        Ok((tally, services))
    }

    /// What the decoders rewrote of the ids, per source (in load order) and form, as
    /// counted at load (`source_id_forms`, migration 0015). Per source, whatever the
    /// query: the counts are of the whole file.
    async fn rewritten_ids(&self) -> Result<Vec<RewrittenIds>, StoreError> {
        let rows = sqlx::query(
            "SELECT f.source_id, s.path, f.form, f.spans, f.logs, f.example_trace, f.example_span, \
             f.example_log FROM source_id_forms f JOIN sources s ON s.id = f.source_id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut rewritten: Vec<(i64, RewrittenIds)> = rows
            .iter()
            .filter_map(|row| {
                let form = IdForm::from_name(row.get("form"))?;
                let trace = hex_column(row, "example_trace");
                let example = match (hex_column(row, "example_span"), row.get("example_log")) {
                    (Some(span), _) => trace.map(|trace| Example::span(&trace, &span)),
                    (None, Some(log_id)) => Some(Example::log(trace.as_deref(), log_id)),
                    (None, None) => None,
                };
                let ids = RewrittenIds {
                    source: row.get("path"),
                    form,
                    spans: row.get::<i64, _>("spans") as u64,
                    logs: row.get::<i64, _>("logs") as u64,
                    example,
                };
                Some((row.get("source_id"), ids))
            })
            .collect();
        rewritten.sort_by_key(|(source_id, ids)| (*source_id, ids.form));
        Ok(rewritten.into_iter().map(|(_, ids)| ids).collect())
    }

    /// The later copies recorded in `span_duplicates` whose stored copy is still the
    /// one from the source recorded (a removed or reloaded source leaves none).
    pub(super) async fn duplicates(
        &self,
        query: &Query,
        sources: &HashMap<i64, String>,
    ) -> Result<Duplicates, StoreError> {
        let (matched_sql, matched_params) = match SpanSql::condition(query) {
            Some(condition) => (condition.sql, condition.params),
            None => ("0".to_string(), Vec::new()),
        };
        let matched = if query.terms.is_empty() {
            "1".to_string()
        } else {
            matched_sql
        };
        let from = format!(
            "FROM span_duplicates d JOIN spans s \
             ON s.trace_id = d.trace_id AND s.span_id = d.span_id \
             AND s.source_id = d.first_source_id \
             WHERE d.source_id IN (SELECT id FROM sources) AND ({matched})"
        );
        let count = query_with(
            format!(
                "SELECT COUNT(DISTINCT d.trace_id || d.span_id) AS spans, \
                 COUNT(DISTINCT d.trace_id) AS traces {from}"
            ),
            &matched_params,
        )
        .fetch_one(&self.pool)
        .await?;
        let services = query_with(
            format!("SELECT DISTINCT s.service {from} ORDER BY s.service"),
            &matched_params,
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| row.get("service"))
        .collect();
        let mut params = matched_params.clone();
        params.push(Param::Int(MAX_EXAMPLES as i64));
        let examples = query_with(
            format!(
                "SELECT d.trace_id, d.span_id, d.first_source_id, d.source_id {from} \
                 ORDER BY d.trace_id, d.span_id, d.source_id LIMIT ?"
            ),
            &params,
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| {
            let source = |column: &str| {
                sources
                    .get(&row.get::<i64, _>(column))
                    .cloned()
                    .unwrap_or_default()
            };
            (
                hex_column(row, "trace_id").unwrap_or_default(),
                hex_column(row, "span_id").unwrap_or_default(),
                source("first_source_id"),
                source("source_id"),
            )
        })
        .collect();
        Ok(Duplicates {
            spans: count.get::<i64, _>("spans") as u64,
            traces: count.get::<i64, _>("traces") as u64,
            services,
            examples,
        })
    }

    async fn log_facts(
        &self,
        query: &Query,
        span_services: &HashSet<String>,
        sources: &HashMap<i64, String>,
    ) -> Result<LogFacts, StoreError> {
        let resolved = self.with_regex_words(query).await?;
        let logs = LogSql::condition(query, &resolved);
        let mut facts = LogFacts::default();

        let sql = format!(
            "SELECT l.service, COUNT(*) AS n, SUM(l.trace_id IS NULL) AS bare \
             FROM logs l WHERE {} GROUP BY l.service ORDER BY l.service",
            logs.sql
        );
        for row in query_with(sql, &logs.params).fetch_all(&self.pool).await? {
            let service: String = row.get("service");
            let (logs_n, bare): (i64, i64) = (row.get("n"), row.get("bare"));
            let has_spans = span_services.contains(&service);
            let examples = if has_spans && bare > 0 {
                self.example_logs(
                    &logs,
                    "l.trace_id IS NULL AND l.service = ?",
                    &[Param::Text(service.clone())],
                )
                .await?
                .into_iter()
                .map(|(id, _)| id)
                .collect()
            } else {
                Vec::new()
            };
            facts.per_service.push(ServiceLogCount {
                service,
                logs: logs_n as u64,
                without_trace_id: bare as u64,
                has_spans,
                examples,
            });
        }

        facts.orphans = self
            .per_source(&logs, &format!("l.link = {}", Link::Orphan as i64), sources)
            .await?;
        facts.unnamed = self
            .per_source(
                &logs,
                "l.service_fallback = 1 AND l.unparsed = 0 AND \
                 (SELECT src.service FROM sources src WHERE src.id = l.source_id) IS NULL",
                sources,
            )
            .await?;

        let rows = sqlx::query("SELECT id, path, logs, unparsed FROM sources ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        for row in rows {
            let unparsed: i64 = row.get("unparsed");
            let id: i64 = row.get("id");
            let examples = if unparsed > 0 {
                sqlx::query(
                    "SELECT id FROM logs WHERE source_id = ? AND unparsed = 1 ORDER BY line LIMIT ?",
                )
                .bind(id)
                .bind(MAX_EXAMPLES as i64)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| row.get("id"))
                .collect()
            } else {
                Vec::new()
            };
            facts.sources.push(SourceReport {
                path: row.get("path"),
                logs: row.get::<i64, _>("logs") as u64,
                unparsed: unparsed as u64,
                examples,
            });
        }
        Ok(facts)
    }

    /// The logs matching `logs` and `condition`, counted per service and source.
    async fn per_source(
        &self,
        logs: &Condition,
        condition: &str,
        sources: &HashMap<i64, String>,
    ) -> Result<Vec<SourceLogCount>, StoreError> {
        let sql = format!(
            "SELECT l.service, l.source_id, COUNT(*) AS n FROM logs l \
             WHERE {condition} AND ({}) GROUP BY l.service, l.source_id \
             ORDER BY l.source_id, l.service",
            logs.sql
        );
        let mut found = Vec::new();
        for row in query_with(sql, &logs.params).fetch_all(&self.pool).await? {
            let service: String = row.get("service");
            let source: i64 = row.get("source_id");
            let examples = self
                .example_logs(
                    logs,
                    &format!("{condition} AND l.service = ? AND l.source_id = ?"),
                    &[Param::Text(service.clone()), Param::Int(source)],
                )
                .await?;
            found.push(SourceLogCount {
                service,
                source: sources.get(&source).cloned().unwrap_or_default(),
                count: row.get::<i64, _>("n") as u64,
                examples,
            });
        }
        Ok(found)
    }

    /// At most `MAX_EXAMPLES` logs matching `logs` and `condition` (whose `?`s take
    /// `params`), in id order: (id, trace id in hex).
    async fn example_logs(
        &self,
        logs: &Condition,
        condition: &str,
        params: &[Param],
    ) -> Result<Vec<(i64, Option<String>)>, StoreError> {
        let sql = format!(
            "SELECT l.id, l.trace_id FROM logs l WHERE {condition} AND ({}) ORDER BY l.id LIMIT ?",
            logs.sql
        );
        let mut all = params.to_vec();
        all.extend(logs.params.iter().cloned());
        all.push(Param::Int(MAX_EXAMPLES as i64));
        Ok(query_with(sql, &all)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| (row.get("id"), hex_column(row, "trace_id")))
            .collect())
    }
}
