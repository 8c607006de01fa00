//! `Reader::facets`: the services, levels and sources of the logs matching a
//! query, with counts, most first (the search box's facet lists). The condition
//! comes from `query::LogSql`; severity names from `severity`.

use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::rows::query_with;
use super::Reader;
use crate::query::{LogSql, Query};
use crate::severity;
use crate::store::StoreError;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Facet {
    pub value: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Facets {
    pub services: Vec<Facet>,
    pub levels: Vec<Facet>,
    pub sources: Vec<Facet>,
}

impl Reader {
    /// Services, levels and sources of the matching logs, with counts, most first.
    /// Each is counted from the log rows alone (the sources' paths are joined to the
    /// counts after), so for the whole case SQLite counts along the service,
    /// severity and source indexes without reading a row: 2.5 s instead of ~26 s for
    /// the three at 5M logs (measured with the sqlite3 shell on the large bench case).
    pub async fn facets(&self, query: &Query) -> Result<Facets, StoreError> {
        let resolved = self.with_regex_words(query).await?;
        let condition = LogSql::condition(query, &resolved);
        let read = |rows: Vec<SqliteRow>| -> Vec<Facet> {
            rows.iter()
                .map(|row| Facet {
                    value: row.get("value"),
                    count: row.get("n"),
                })
                .collect()
        };
        let services = query_with(
            format!(
                "SELECT l.service AS value, COUNT(*) AS n FROM logs l WHERE {} \
                 GROUP BY l.service ORDER BY n DESC, value",
                condition.sql
            ),
            &condition.params,
        );
        let sources = query_with(
            format!(
                "SELECT src.path AS value, counted.n AS n FROM \
                 (SELECT l.source_id, COUNT(*) AS n FROM logs l WHERE {} GROUP BY l.source_id) \
                 AS counted JOIN sources src ON src.id = counted.source_id \
                 ORDER BY n DESC, value",
                condition.sql
            ),
            &condition.params,
        );
        let severities = query_with(
            format!(
                "SELECT l.severity AS severity, COUNT(*) AS n FROM logs l WHERE {} \
                 GROUP BY l.severity",
                condition.sql
            ),
            &condition.params,
        );
        // Severity numbers into their classes (`info` is 9–12).
        let mut classes: Vec<(i64, i64)> = Vec::new();
        for row in severities.fetch_all(&self.pool).await? {
            let class = (row.get::<i64, _>("severity") + 3) / 4;
            let n: i64 = row.get("n");
            match classes.iter_mut().find(|(known, _)| *known == class) {
                Some((_, count)) => *count += n,
                None => classes.push((class, n)),
            }
        }
        classes.sort_by_key(|&(class, n)| (std::cmp::Reverse(n), class));
        Ok(Facets {
            services: read(services.fetch_all(&self.pool).await?),
            levels: classes
                .into_iter()
                .map(|(class, count)| Facet {
                    value: severity::name((class * 4 - 3).clamp(0, 24) as u8).to_string(),
                    count,
                })
                .collect(),
            sources: read(sources.fetch_all(&self.pool).await?),
        })
    }
}
