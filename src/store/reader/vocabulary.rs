//! `Reader::vocabulary`: the words the search box completes — the query language's
//! fields (`query::FIELDS`) with their fixed values, the services of the case and
//! the attribute keys of its records. Kept cheap on a case of millions of logs:
//! services are read by seeking along the `logs_service_time` index once per
//! distinct service (not by walking it), plus the small `resources` and `sources`
//! tables (a span's service comes from one of those); attribute keys are the
//! top-level keys of the newest `KEY_SAMPLE` logs and spans, a sample, not every
//! key of the case.

use serde::Serialize;

use super::Reader;
use crate::query::FIELDS;
use crate::store::StoreError;

/// Rows of logs and of spans whose attribute keys are offered.
const KEY_SAMPLE: i64 = 5_000;
/// The most services or attribute keys returned.
const MAX_WORDS: i64 = 1_000;

/// A field of the query language and the values it takes from a fixed list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldWords {
    /// As typed before the `:`; `attr.` is followed by an attribute key.
    pub name: String,
    /// Empty: any value (services and keys are offered from the case instead).
    pub values: Vec<String>,
}

/// What the search box offers to complete, sorted within each list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Vocabulary {
    pub fields: Vec<FieldWords>,
    /// The services of the case's logs and spans (at most `MAX_WORDS`).
    pub services: Vec<String>,
    /// Top-level attribute keys of the newest logs and spans (at most `MAX_WORDS`).
    pub attribute_keys: Vec<String>,
}

impl Reader {
    /// The fields, services and attribute keys the search box completes.
    pub async fn vocabulary(&self) -> Result<Vocabulary, StoreError> {
        let fields = FIELDS
            .iter()
            .map(|field| FieldWords {
                name: field.name.to_string(),
                values: field.values.iter().map(|value| value.to_string()).collect(),
            })
            .collect();
        // The recursive step seeks the next service after the one before: one index
        // seek per distinct service instead of a walk over every log.
        let services: Vec<String> = sqlx::query_scalar(
            "WITH RECURSIVE each_service(service) AS ( \
                 SELECT MIN(service) FROM logs \
                 UNION ALL \
                 SELECT (SELECT MIN(service) FROM logs WHERE service > each_service.service) \
                 FROM each_service WHERE each_service.service IS NOT NULL) \
             SELECT service FROM ( \
                 SELECT service FROM each_service WHERE service IS NOT NULL \
                 UNION SELECT service FROM resources \
                 UNION SELECT service FROM sources WHERE service IS NOT NULL) \
             WHERE service != '' ORDER BY service LIMIT ?",
        )
        .bind(MAX_WORDS)
        .fetch_all(&self.pool)
        .await?;
        let attribute_keys: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT key FROM ( \
                 SELECT each.key AS key FROM \
                     (SELECT attributes FROM logs ORDER BY id DESC LIMIT ?) AS sampled, \
                     json_each(sampled.attributes) AS each \
                 WHERE json_valid(sampled.attributes) \
                 UNION \
                 SELECT each.key AS key FROM \
                     (SELECT attributes FROM spans ORDER BY rowid DESC LIMIT ?) AS sampled, \
                     json_each(sampled.attributes) AS each \
                 WHERE json_valid(sampled.attributes)) \
             WHERE key != '' ORDER BY key LIMIT ?",
        )
        .bind(KEY_SAMPLE)
        .bind(KEY_SAMPLE)
        .bind(MAX_WORDS)
        .fetch_all(&self.pool)
        .await?;
        Ok(Vocabulary {
            fields,
            services,
            attribute_keys,
        })
    }
}
