//! Typed progress events of an ingest. The CLI turns them into a progress bar,
//! the app into Tauri events; neither is known here.

use serde::Serialize;

use super::FileReport;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum IngestEvent {
    /// A file is about to be read; `bytes_total` is its size on disk.
    Started { path: String, bytes_total: u64 },
    /// Bytes read from disk so far, records written, problems met.
    Progress {
        path: String,
        bytes_read: u64,
        bytes_total: u64,
        records: u64,
        problems: u64,
    },
    /// The load of a file moved to another phase (`rows`: writing records;
    /// `indexing`: ids, time and correlation; `search_index`: the full-text index).
    /// `done`/`total` count the phase's own units (bytes, rows); `total` 0 = unknown.
    Phase {
        path: String,
        phase: LoadPhase,
        done: u64,
        total: u64,
    },
    /// The file is done, whatever the outcome.
    Finished { report: FileReport },
}

/// The phases of a load, in order. A file's rows are visible (and joined to their
/// spans) from `rows` on; searchable by words once `search_index` is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum LoadPhase {
    Rows,
    Indexing,
    SearchIndex,
}
