//! `Reader::each_sample_trace`: every trace of the case with what a tail sampling
//! policy reads of its spans (times, status, trace state, span and resource
//! attributes), one trace at a time in trace id order, for `analysis::sampling`.
//! Spans are read in pages by their primary key, so memory holds one page, one
//! trace and the resources, whatever the case's size. `Reader::logs_per_trace`
//! counts the logs that carry each trace id.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::Value;
use sqlx::Row;

use super::rows::json_column;
use super::trace_list::TraceFilter;
use super::Reader;
use crate::analysis::sampling::{
    simulate, SampleSpan, SampleTrace, SamplingConfig, Simulation, TraceOutcome,
};
use crate::ids::TraceId;
use crate::model::StatusCode;
use crate::query::Query;
use crate::store::StoreError;

impl Reader {
    /// What `config` would have kept of the case's traces (of those matching
    /// `query`, when given): `weft sample` and the app's sampling panel.
    pub async fn simulate_sampling(
        &self,
        config: &SamplingConfig,
        query: Option<&Query>,
    ) -> Result<Simulation, StoreError> {
        let scope = match query {
            Some(query) => Some(self.sample_scope(query).await?),
            None => None,
        };
        let mut outcomes = Vec::new();
        self.each_sample_trace(|trace| {
            if scope
                .as_ref()
                .is_none_or(|ids| ids.contains(&trace.trace_id))
            {
                outcomes.push(TraceOutcome::of(config, &trace));
            }
        })
        .await?;
        let logs = self.logs_per_trace().await?;
        Ok(simulate(config, outcomes, &logs))
    }

    /// Calls `each` with every trace that has spans (all of them: the Collector
    /// decides on whole traces).
    pub async fn each_sample_trace(
        &self,
        mut each: impl FnMut(SampleTrace),
    ) -> Result<(), StoreError> {
        let resources = self.resource_attributes().await?;
        let empty = Arc::new(Value::Null);
        let mut current: Option<(Vec<u8>, Vec<SampleSpan>)> = None;
        let columns = "s.trace_id, s.start_ns, s.end_ns, s.status_code, s.trace_state, \
                       s.attributes, s.resource_id";
        self.each_span_page(columns, &[], |rows| {
            for row in rows {
                let trace: Vec<u8> = row.get("trace_id");
                if current.as_ref().is_some_and(|(id, _)| *id != trace) {
                    let (id, spans) = current.take().expect("checked");
                    emit(&mut each, &id, spans);
                }
                let (_, spans) = current.get_or_insert_with(|| (trace, Vec::new()));
                let resource = resources
                    .get(&row.get::<i64, _>("resource_id"))
                    .unwrap_or(&empty);
                spans.push(SampleSpan {
                    start_ns: row.get("start_ns"),
                    end_ns: row.get("end_ns"),
                    status: StatusCode::from_i64(row.get("status_code")),
                    trace_state: row.get("trace_state"),
                    attributes: json_column(row, "attributes"),
                    resource: Arc::clone(resource),
                });
            }
        })
        .await?;
        if let Some((id, spans)) = current {
            emit(&mut each, &id, spans);
        }
        Ok(())
    }

    /// How many logs carry each trace id.
    pub async fn logs_per_trace(&self) -> Result<HashMap<TraceId, u64>, StoreError> {
        let rows = sqlx::query(
            "SELECT trace_id, COUNT(*) AS n FROM logs WHERE trace_id IS NOT NULL GROUP BY trace_id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                let id: Vec<u8> = row.get("trace_id");
                let bytes = <[u8; 16]>::try_from(id.as_slice()).ok()?;
                Some((TraceId(bytes), row.get::<i64, _>("n") as u64))
            })
            .collect())
    }

    /// The ids of the traces matching `query` (every trace: no limit).
    pub async fn sample_scope(&self, query: &Query) -> Result<HashSet<TraceId>, StoreError> {
        let filter = TraceFilter {
            query: query.clone(),
            ..TraceFilter::default()
        };
        Ok(self
            .traces(&filter)
            .await?
            .iter()
            .filter_map(|trace| trace.trace_id.parse().ok())
            .collect())
    }
}

fn emit(each: &mut impl FnMut(SampleTrace), id: &[u8], spans: Vec<SampleSpan>) {
    if let Ok(bytes) = <[u8; 16]>::try_from(id) {
        each(SampleTrace {
            trace_id: TraceId(bytes),
            spans,
        });
    }
}
