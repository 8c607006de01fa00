//! Getting files into a case: opening and decompressing (`open`), the load
//! pipeline from paths to committed records (`pipeline`), and the progress
//! events it emits (`events`).

mod events;
mod open;
mod parallel;
mod pipeline;

pub use events::{IngestEvent, LoadPhase};
pub use open::{
    decode_file, hash_file, open_decompressed, open_sniffed, Compression, FileError, Sniffed,
};
pub use pipeline::{ingest, FileReport, FileStatus, IngestOptions};
