//! Read-only queries over a case for the CLI and the app, one `impl Reader` per
//! concern in `reader/`: `stats`, the trace list (`trace_list`), one trace
//! (`trace_view`), logs by filter and context lines (`logs`), the search box's log
//! pages and counts (`log_search`), its histogram (`log_histogram`) and facets
//! (`log_facets`), the words it completes (`vocabulary`), the traces and logs per
//! minute the charts fit their time axes to (`time_density`), every trace's span
//! facts for comparisons (`span_facts`), the spans and logs the services
//! analysis counts (`services`), the objectives kept and the calls they are
//! judged on (`slo`), the `log_words` of a query's regexes (`regex_words`), the
//! traces a tail sampling policy reads (`sample_traces`), the records of an
//! export a page at a time (`export_rows`), a trace a window of rows at a time
//! (`trace_rows`), and `sources`; `rows` binds parameters and reads columns for all of them
//! (`span_pages` pages every span for the readers that look at all of them;
//! `Reader::source_services` sits in `edit.rs`, beside the edit it describes).
//! The structs are the `--json` contract of DESIGN.md "CLI": field names and order
//! matter. Every list takes a limit and an offset; nothing here writes. The SQL
//! conditions of a query come from `query::{LogSql, TraceSql}`.

mod export_rows;
mod log_counts;
mod log_facets;
mod log_histogram;
mod log_search;
mod logs;
mod quality;
mod regex_words;
pub(super) mod rows;
mod sample_traces;
mod services;
mod slo;
mod sources;
mod span_facts;
mod span_pages;
mod stats;
mod time_density;
mod trace_findings;
mod trace_list;
mod trace_rows;
mod trace_view;
mod vocabulary;

use sqlx::SqlitePool;

pub use export_rows::{ExportLog, InternedRows, RecordSelection, SelectionSql};
pub use log_facets::{Facet, Facets};
pub use log_histogram::Histogram;
pub use log_search::{log_page_sql, Anchor, Cursor, LogCount, LogPage};
pub use logs::{LogFilter, LogView};
pub use services::{rollup_filter, ServiceLogs};
pub use sources::SourceView;
pub use stats::{ServiceStats, Stats};
pub use time_density::{DensityBucket, TimeDensity, DENSITY_BUCKET_NS};
pub use trace_list::{TraceFilter, TraceSort, TraceSummary};
pub use trace_rows::{
    FindMatch, OverviewCell, SpanDetail, TraceFind, TraceOutline, TraceOverview, TraceRow,
    TraceRowJson, TraceRows, TraceRowsJson, MAX_FIND_MATCHES, MAX_WINDOW_ROWS,
};
pub use trace_view::{EventView, LinkView, ScopeView, SpanView, TraceView};
pub use vocabulary::{FieldWords, Vocabulary};

/// Read-only pool for the UI and the CLI; cheap to clone.
#[derive(Clone)]
pub struct Reader {
    pub(super) pool: SqlitePool,
    /// The case file, for the readers that open a rusqlite connection of their own
    /// (the services scan: `services.rs`).
    pub(super) path: std::path::PathBuf,
    /// The last collapsed set of many keys of a big trace made by this reader and
    /// its clones (`trace_rows`).
    collapsed_sets: std::sync::Arc<trace_rows::CollapsedCache>,
}

impl Reader {
    pub(super) fn new(pool: SqlitePool, path: std::path::PathBuf) -> Self {
        Reader {
            pool,
            path,
            collapsed_sets: Default::default(),
        }
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}
