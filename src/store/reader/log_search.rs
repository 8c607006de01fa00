//! `Reader::log_page` and `Reader::log_count`: the logs matching a search-box
//! query (`weft logs QUERY`, the app's log view), a page at a time in time order
//! with keyset cursors (stable while data is added, both ways, or from a time),
//! and how many there are; `Reader::log_count_upto` counts them only up to a bound,
//! so the log view can say "364 lines" at once without counting millions; a
//! query the kept log counts answer (`log_counts`) is counted from them, exactly. A rare word: its full-text matches collected and
//! sorted; a common one: windows of the time index checked against the full-text
//! index. The conditions come from `query::LogSql`; only their constant SQL text
//! is pasted here, values are bound. Histogram and facets are `log_histogram` and
//! `log_facets`.

use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::logs::{log_view, LogView, LOG_COLUMNS};
use super::rows::query_with;
use super::Reader;
use crate::query::{Condition, LogSql, Param, Query};
use crate::store::StoreError;

/// A position in the time order of logs: (time, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub ts_ns: i64,
    pub id: i64,
}

/// Where a page of logs starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Anchor {
    /// The oldest rows.
    First,
    /// The newest rows.
    Last,
    /// Rows after this one (scrolling down).
    After(Cursor),
    /// Rows before this one (scrolling up).
    Before(Cursor),
    /// Rows from this time on (jump to a time).
    At { ts_ns: i64 },
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LogPage {
    /// In time order, whichever way the page was read.
    pub rows: Vec<LogView>,
    /// Cursor of the first row, to read the page before (None when at the start).
    pub before: Option<Cursor>,
    /// Cursor of the last row, to read the page after (None when at the end).
    pub after: Option<Cursor>,
}

/// How many logs match a query, as far as `Reader::log_count_upto` counted.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogCount {
    /// Every match when `exact`; else the bound, and there are more.
    pub count: i64,
    pub exact: bool,
}

/// The SQL of a page of logs without a common word (`Reader::log_page`): the rows
/// matching `condition` (SQL over `logs l`) past `bound`, in time order (newest
/// first when `descending`), the number of rows the last parameter. Public so that
/// a test can ask SQLite which index serves it (`it::index_plans`).
pub fn log_page_sql(condition: &str, bound: &str, descending: bool) -> String {
    let order = if descending { "DESC" } else { "ASC" };
    format!(
        "SELECT {LOG_COLUMNS} FROM logs l JOIN sources src ON src.id = l.source_id \
         WHERE ({condition}) AND {bound} ORDER BY l.ts_ns {order}, l.id {order} LIMIT ?"
    )
}

/// From how many matches on a word counts as common (see `log_page`).
const COMMON_MATCHES: i64 = 2_000;
/// Ids per window of the time index when paging a common word.
const WINDOW: i64 = 2_048;

impl Reader {
    /// A page of logs matching `query`, `limit` rows from `anchor`.
    pub async fn log_page(
        &self,
        query: &Query,
        anchor: Anchor,
        limit: u32,
    ) -> Result<LogPage, StoreError> {
        let resolved = &self.with_regex_words(query).await?;
        let mut bound_params = Vec::new();
        let (bound, descending) = match anchor {
            Anchor::First => ("1", false),
            Anchor::Last => ("1", true),
            Anchor::After(cursor) => {
                bound_params.extend([Param::Int(cursor.ts_ns), Param::Int(cursor.id)]);
                ("(l.ts_ns, l.id) > (?, ?)", false)
            }
            Anchor::Before(cursor) => {
                bound_params.extend([Param::Int(cursor.ts_ns), Param::Int(cursor.id)]);
                ("(l.ts_ns, l.id) < (?, ?)", true)
            }
            Anchor::At { ts_ns } => {
                bound_params.push(Param::Int(ts_ns));
                ("l.ts_ns >= ?", false)
            }
        };
        // One row more than asked says whether there is more in that direction.
        let wanted = limit as usize + 1;
        // A word on many rows: walk the time index in windows and ask the full-text
        // index about each window (a page needs few rows). A rare word: collect its
        // rows first and sort them.
        let common_word = match LogSql::fts_match(query, resolved) {
            Some(expr) if self.fts_matches_at_least(&expr, COMMON_MATCHES).await? => Some(expr),
            _ => None,
        };
        let rows = match common_word {
            Some(expr) => {
                let rest = LogSql::condition_without_words(query, resolved);
                self.common_word_rows(&rest, &expr, (bound, bound_params), descending, wanted)
                    .await?
            }
            None => {
                let condition = LogSql::condition(query, resolved);
                let mut params = condition.params.clone();
                params.extend(bound_params);
                params.push(Param::Int(wanted as i64));
                let sql = log_page_sql(&condition.sql, bound, descending);
                query_with(sql, &params).fetch_all(&self.pool).await?
            }
        };
        let more = rows.len() > limit as usize;
        let mut rows: Vec<LogView> = rows.iter().take(limit as usize).map(log_view).collect();
        if descending {
            rows.reverse();
        }
        let cursor = |row: &LogView| Cursor {
            ts_ns: row.ts_ns.unwrap_or(0),
            id: row.id,
        };
        let (more_before, more_after) = match anchor {
            Anchor::First => (false, more),
            Anchor::Last => (more, false),
            Anchor::After(_) | Anchor::At { .. } => (true, more),
            Anchor::Before(_) => (more, true),
        };
        Ok(LogPage {
            before: rows.first().filter(|_| more_before).map(cursor),
            after: rows.last().filter(|_| more_after).map(cursor),
            rows,
        })
    }

    /// Up to `wanted` rows past `bound` that match the full-text expression `expr`
    /// and `rest` (the query's other terms), in time order (reversed when
    /// `descending`), for words that match many rows: windows of ids along the time
    /// index, each checked against the full-text index in one query.
    async fn common_word_rows(
        &self,
        rest: &Condition,
        expr: &str,
        (first_bound, first_params): (&str, Vec<Param>),
        descending: bool,
        wanted: usize,
    ) -> Result<Vec<SqliteRow>, StoreError> {
        let order = if descending { "DESC" } else { "ASC" };
        let mut bound = first_bound.to_string();
        let mut bound_params = first_params;
        let mut rows = Vec::new();
        loop {
            let mut params = bound_params.clone();
            params.push(Param::Int(WINDOW));
            let window_sql = format!(
                "SELECT l.id, l.ts_ns FROM logs l INDEXED BY logs_time WHERE {bound} \
                 ORDER BY l.ts_ns {order}, l.id {order} LIMIT ?"
            );
            let window: Vec<(i64, i64)> = query_with(window_sql, &params)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| (row.get(0), row.get(1)))
                .collect();
            let Some(&(last_id, last_ts)) = window.last() else {
                break;
            };
            let ids: Vec<i64> = window.iter().map(|(id, _)| *id).collect();
            let (low, high) = (ids.iter().min().copied(), ids.iter().max().copied());
            let mut params = vec![
                Param::Text(serde_json::to_string(&ids).expect("ids serialize")),
                Param::Text(expr.to_string()),
                Param::Int(low.unwrap_or(0)),
                Param::Int(high.unwrap_or(0)),
            ];
            params.extend(rest.params.iter().cloned());
            params.push(Param::Int((wanted - rows.len()) as i64));
            let sql = format!(
                "SELECT {LOG_COLUMNS} FROM logs l JOIN sources src ON src.id = l.source_id \
                 WHERE l.id IN (SELECT value FROM json_each(?)) \
                   AND l.id IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH ? \
                                AND rowid BETWEEN ? AND ?) \
                   AND ({}) ORDER BY l.ts_ns {order}, l.id {order} LIMIT ?",
                rest.sql
            );
            rows.extend(query_with(sql, &params).fetch_all(&self.pool).await?);
            if rows.len() >= wanted || window.len() < WINDOW as usize {
                break;
            }
            bound = if descending {
                "(l.ts_ns, l.id) < (?, ?)"
            } else {
                "(l.ts_ns, l.id) > (?, ?)"
            }
            .to_string();
            bound_params = vec![Param::Int(last_ts), Param::Int(last_id)];
        }
        Ok(rows)
    }

    /// Whether the full-text expression matches at least `at_least` logs (reads no more).
    async fn fts_matches_at_least(&self, expr: &str, at_least: i64) -> Result<bool, StoreError> {
        let found: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM logs_fts WHERE logs_fts MATCH ? LIMIT ?)",
        )
        .bind(expr)
        .bind(at_least)
        .fetch_one(&self.pool)
        .await?;
        Ok(found >= at_least)
    }

    /// How many logs match `query`, counting no further than `at_most` (plus one, to
    /// know there are more). It reads at most `at_most + 1` matching rows (index
    /// entries for words alone), plus what the query's condition skips to find them:
    /// no more than a page read of the same query walks when the matches are rare.
    pub async fn log_count_upto(
        &self,
        query: &Query,
        at_most: i64,
    ) -> Result<LogCount, StoreError> {
        let at_most = at_most.max(0);
        if let Some(count) = self.log_count_kept(query).await? {
            return Ok(LogCount {
                count: count.min(at_most),
                exact: count <= at_most,
            });
        }
        let resolved = &self.with_regex_words(query).await?;
        let limit = Param::Int(at_most + 1);
        let found: i64 = if LogSql::is_pure_full_text(query, resolved) {
            let expr = LogSql::fts_match(query, resolved).expect("pure full text has words");
            let sql =
                "SELECT COUNT(*) FROM (SELECT 1 FROM logs_fts WHERE logs_fts MATCH ? LIMIT ?)";
            query_with(sql.to_string(), &[Param::Text(expr), limit])
                .fetch_one(&self.pool)
                .await?
                .get(0)
        } else {
            let condition = LogSql::condition(query, resolved);
            let mut params = condition.params.clone();
            params.push(limit);
            let sql = format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM logs l WHERE {} LIMIT ?)",
                condition.sql
            );
            query_with(sql, &params).fetch_one(&self.pool).await?.get(0)
        };
        Ok(LogCount {
            count: found.min(at_most),
            exact: found <= at_most,
        })
    }

    /// How many logs match `query`.
    pub async fn log_count(&self, query: &Query) -> Result<i64, StoreError> {
        if let Some(count) = self.log_count_kept(query).await? {
            return Ok(count);
        }
        self.log_count_by_rows(query).await
    }

    /// `log_count` counted from the rows (what the kept counts stand in for).
    pub async fn log_count_by_rows(&self, query: &Query) -> Result<i64, StoreError> {
        let resolved = &self.with_regex_words(query).await?;
        if LogSql::is_pure_full_text(query, resolved) {
            // Words alone: the full-text index counts without touching the rows.
            let expr = LogSql::fts_match(query, resolved).expect("pure full text has words");
            return Ok(
                sqlx::query_scalar("SELECT COUNT(*) FROM logs_fts WHERE logs_fts MATCH ?")
                    .bind(expr)
                    .fetch_one(&self.pool)
                    .await?,
            );
        }
        let condition = LogSql::condition(query, resolved);
        let sql = format!("SELECT COUNT(*) FROM logs l WHERE {}", condition.sql);
        Ok(query_with(sql, &condition.params)
            .fetch_one(&self.pool)
            .await?
            .get(0))
    }

    /// How many logs match `query`, from the kept log counts when they answer it.
    async fn log_count_kept(&self, query: &Query) -> Result<Option<i64>, StoreError> {
        let Some(kept) = self.log_counts_condition(query).await? else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT IFNULL(SUM(c.n), 0) FROM log_counts c WHERE {}",
            kept.sql
        );
        Ok(Some(
            query_with(sql, &kept.params)
                .fetch_one(&self.pool)
                .await?
                .get(0),
        ))
    }
}
