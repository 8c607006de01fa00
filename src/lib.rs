//! Weft's engine: reads trace exports and log files, normalizes them into one
//! SQLite case file, joins logs to the spans that wrote them, and answers the
//! queries of the CLI and the desktop app. No window, no Tauri: see
//! ARCHITECTURE.md for the map.

pub mod analysis;
pub mod export;
pub mod formats;
pub mod id_forms;
pub mod ids;
pub mod ingest;
pub mod model;
pub mod notebook;
pub mod query;
pub mod receive;
pub mod report;
pub mod severity;
pub mod store;
pub mod time;

pub use ids::{SpanId, TraceId};
pub use store::{known_schema, Reader, Store, StoreError, Writer, APPLICATION_ID};
