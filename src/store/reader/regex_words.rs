//! `Reader::with_regex_words`: what the store looks up for a query before it is
//! compiled. For each positive `/regex/` with required pieces
//! (`query::literals`), the `log_words` containing one of them, so the regex runs
//! only on the lines the full-text index finds for those words. The answer is a
//! `query::Resolved` that the readers pass to `LogSql`/`TraceSql` beside the
//! query; the `Query` is not written. Which words a body has is `store::words`.
//! It also refuses an id prefix (`trace:62a29941`) that more than one id of the
//! case starts with, naming them (`QueryError::AmbiguousId`).

use std::collections::BTreeSet;

use super::Reader;
use crate::query::literals::required_pieces;
use crate::query::{IdPrefix, Query, QueryError, Resolved, TermKind};
use crate::store::StoreError;

/// At most this many `log_words` stand for one regex; a regex whose pieces are in
/// more words runs over the logs without them.
const MAX_REGEX_WORDS: usize = 256;

impl Reader {
    /// For each positive `/regex/` of `query` that has required pieces, the
    /// `log_words` containing one of them; a regex found in more than
    /// `MAX_REGEX_WORDS` words is left out (it runs without the index).
    pub async fn with_regex_words(&self, query: &Query) -> Result<Resolved, StoreError> {
        for term in &query.terms {
            let (kind, prefix, sql) = match &term.kind {
                TermKind::TracePrefix(prefix) => (
                    "trace",
                    prefix,
                    "SELECT trace_id FROM traces WHERE trace_id >= ?1 AND trace_id < ?2 \
                     UNION SELECT trace_id FROM logs WHERE trace_id >= ?1 AND trace_id < ?2 \
                     LIMIT 5",
                ),
                // Spans have no index by span id alone: this reads them all (once).
                TermKind::SpanPrefix(prefix) => (
                    "span",
                    prefix,
                    "SELECT DISTINCT span_id FROM spans WHERE span_id >= ?1 AND span_id < ?2 \
                     LIMIT 5",
                ),
                _ => continue,
            };
            let ids = self.ids_with_prefix(sql, prefix).await?;
            if ids.len() > 1 {
                return Err(QueryError::AmbiguousId {
                    column: term.column,
                    kind,
                    prefix: prefix.hex.clone(),
                    candidates: ids.join(", "),
                }
                .into());
            }
        }
        let mut resolved = Resolved::default();
        for term in query.terms.iter().filter(|term| !term.negated) {
            let TermKind::Regex(pattern) = &term.kind else {
                continue;
            };
            let Some(pieces) = required_pieces(pattern) else {
                continue;
            };
            if let Some(words) = self.words_containing(&pieces).await? {
                resolved.regex_words.push(words);
            }
        }
        Ok(resolved)
    }

    /// The ids (hex) that `sql` finds between the prefix's bounds (`?1`, `?2`).
    async fn ids_with_prefix(
        &self,
        sql: &str,
        prefix: &IdPrefix,
    ) -> Result<Vec<String>, StoreError> {
        // No id comes after an all-`f` prefix: a bound above every id of that length.
        let high = prefix
            .high
            .clone()
            .unwrap_or_else(|| vec![0xff; prefix.low.len() + 1]);
        let ids: Vec<Vec<u8>> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(&prefix.low)
            .bind(high)
            .fetch_all(&self.pool)
            .await?;
        Ok(ids
            .iter()
            .map(|id| id.iter().map(|byte| format!("{byte:02x}")).collect())
            .collect())
    }

    /// The words of `log_words` containing one of `pieces` (lowercase ASCII letters
    /// and digits); `None` when there are more than `MAX_REGEX_WORDS`.
    async fn words_containing(&self, pieces: &[String]) -> Result<Option<Vec<String>>, StoreError> {
        let mut found = BTreeSet::new();
        for piece in pieces {
            // The trigram index narrows the words down; `instr` is the exact check.
            let words: Vec<String> = sqlx::query_scalar(
                "SELECT w.word FROM log_words w \
                 WHERE w.id IN (SELECT rowid FROM log_words_tri WHERE word LIKE ?) \
                   AND instr(w.word, ?) > 0 LIMIT ?",
            )
            .bind(format!("%{piece}%"))
            .bind(piece)
            .bind(MAX_REGEX_WORDS as i64 + 1)
            .fetch_all(&self.pool)
            .await?;
            found.extend(words);
            if found.len() > MAX_REGEX_WORDS {
                return Ok(None);
            }
        }
        Ok(Some(found.into_iter().collect()))
    }
}
