//! Typed progress events of an ingest. The CLI turns them into a progress bar,
//! the app into Tauri events; neither is known here.

use serde::Serialize;

use super::FileReport;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
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
    /// The file is done, whatever the outcome.
    Finished { report: FileReport },
}
