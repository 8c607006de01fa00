//! What the case means, as pure functions over what `store::Reader` returns:
//! no SQL and no I/O here. `tree.rs` is the shape of one trace (parents,
//! children, roots) that the analyses share; `critical_path.rs` self time and the
//! critical path of a trace; `compare.rs` two traces side
//! by side, and what sets a selection of traces apart; `skew.rs`
//! clock skew between hosts; `services.rs` RED per service and operation and the
//! call graph between services; `slo.rs` objectives of operations and the error
//! budget they burned; `sampling/` what a Collector tail sampling policy would have
//! kept; `quality.rs` what is wrong with the telemetry itself (`weft doctor`);
//! `trace.rs` puts them together for `weft trace --json`
//! and the app.

pub mod compare;
pub mod critical_path;
pub mod layout;
pub mod quality;
pub mod sampling;
pub mod services;
pub mod skew;
pub mod slo;
pub mod trace;
pub mod tree;

pub use critical_path::{critical_path, self_times, PathSection};
pub use skew::{clock_skew, Skew};
pub use trace::{
    analyse_trace, analyse_trace_adjusted, analyse_trace_with, AnalysedTrace, MissingParentView,
    TraceAnalysis,
};
pub use tree::{MissingParent, SpanTiming, TraceTree};

/// OTLP `SpanKind` numbers the analyses look at (see `model::Span::kind`).
pub const KIND_PRODUCER: i64 = 4;
pub const KIND_CONSUMER: i64 = 5;
