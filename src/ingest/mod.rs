//! Getting files into a case: opening and decompressing (`open`), the load
//! pipeline from paths to committed records (`pipeline`), following files that
//! are still growing (`follow`), and the progress events it emits (`events`).

mod events;
mod follow;
mod identify;
mod open;
mod parallel;
mod pipeline;

pub use events::{IngestEvent, LoadPhase};
pub use follow::{follow, FollowError, FollowEvent};
pub use open::{
    decode_file, hash_file, hash_prefix, open_decompressed, open_sniffed, open_sniffed_prefix,
    Compression, FileError, Sniffed,
};
pub use pipeline::{ingest, FileReport, FileStatus, IngestOptions};
