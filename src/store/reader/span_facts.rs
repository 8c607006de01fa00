//! `Reader::each_trace_facts`: every trace of the case with what its spans say
//! (service, name, status, span and resource attributes), one trace at a time in
//! trace id order — what `analysis::compare` tallies to find what sets a selection
//! of traces apart (`compare_selection` does the whole of it). Spans are read in pages by their primary key, so memory holds
//! one page and the resources, whatever the case's size.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::Value;
use sqlx::Row;

use super::rows::json_column;
use super::trace_list::TraceFilter;
use super::Reader;
use crate::analysis::compare::{span_facts, AttributeTally, SelectionComparison, TraceFacts};
use crate::ids::TraceId;
use crate::model::StatusCode;
use crate::query::Query;
use crate::store::StoreError;

impl Reader {
    /// What sets the traces matching `selection` apart from those matching `baseline`
    /// (`None`: every other trace of the case): `weft compare --selection` and the
    /// app's box on the scatter.
    pub async fn compare_selection(
        &self,
        selection: &Query,
        baseline: Option<&Query>,
    ) -> Result<SelectionComparison, StoreError> {
        let selected = self.trace_ids(selection).await?;
        let baseline = match baseline {
            Some(query) => Some(self.trace_ids(query).await?),
            None => None,
        };
        let mut tally = AttributeTally::default();
        self.each_trace_facts(|id, facts| {
            if selected.contains(&id) {
                tally.add(facts, true);
            } else if baseline.as_ref().is_none_or(|ids| ids.contains(&id)) {
                tally.add(facts, false);
            }
        })
        .await?;
        Ok(tally.rank())
    }

    async fn trace_ids(&self, query: &Query) -> Result<HashSet<TraceId>, StoreError> {
        let filter = TraceFilter {
            query: query.clone(),
            ..TraceFilter::default()
        };
        let found = self.traces(&filter).await?;
        Ok(found
            .iter()
            .filter_map(|trace| trace.trace_id.parse().ok())
            .collect())
    }

    /// Calls `each` with every trace that has spans and the facts of its spans.
    pub async fn each_trace_facts(
        &self,
        mut each: impl FnMut(TraceId, &TraceFacts),
    ) -> Result<(), StoreError> {
        let resources = self.resource_attributes().await?;
        let empty = Arc::new(Value::Null);
        let mut current: Option<(Vec<u8>, TraceFacts)> = None;
        let columns = "s.trace_id, s.service, s.name, s.status_code, s.attributes, s.resource_id";
        self.each_span_page(columns, &[], |rows| {
            for row in rows {
                let trace: Vec<u8> = row.get("trace_id");
                if current.as_ref().is_some_and(|(id, _)| *id != trace) {
                    let (id, facts) = current.take().expect("checked");
                    emit(&mut each, &id, &facts);
                }
                let (_, facts) = current.get_or_insert_with(|| (trace, TraceFacts::new()));
                let resource = resources
                    .get(&row.get::<i64, _>("resource_id"))
                    .unwrap_or(&empty);
                span_facts(
                    facts,
                    row.get("service"),
                    row.get("name"),
                    StatusCode::from_i64(row.get("status_code")),
                    &json_column(row, "attributes"),
                    resource,
                );
            }
        })
        .await?;
        if let Some((id, facts)) = current {
            emit(&mut each, &id, &facts);
        }
        Ok(())
    }
}

fn emit(each: &mut impl FnMut(TraceId, &TraceFacts), id: &[u8], facts: &TraceFacts) {
    if let Ok(bytes) = <[u8; 16]>::try_from(id) {
        each(TraceId(bytes), facts);
    }
}
