//! One append of follow mode: the complete lines of a followed file decoded with
//! its format, numbered on from the lines loaded before and given times where they
//! have none, then committed by the store with the correlation of the traces they
//! touch, the source's counts and problems and the new offset, in one durable
//! transaction (`Writer::append_followed`).

use std::fs::File;

use super::files::head_hash_of;
use super::{FollowError, Followable, HEAD_LEN};
use crate::formats::{Collected, Problem};
use crate::ingest::pipeline::{modified_ns, TimeFill};
use crate::store::{FollowState, SourceCounts, Writer};

/// What one append committed.
pub(super) struct Appended {
    pub(super) spans: u64,
    pub(super) logs: u64,
    pub(super) unparsed: u64,
    pub(super) problems: Vec<Problem>,
}

/// Decodes `chunk` (complete lines from `source.state.offset`) and has the store
/// commit its records with the source's new state; only then does `source` move on.
pub(super) async fn append(
    source: &mut Followable,
    file: &File,
    chunk: &[u8],
    writer: &mut Writer,
) -> Result<Appended, FollowError> {
    let mut decoded = Collected::default();
    if let Err(error) = source.format.decode(&mut &chunk[..], &mut decoded) {
        decoded.problems.push(Problem::unplaced(error.to_string()));
    }
    let first_line = source.state.lines;
    let file_ns = file.metadata().map(|meta| modified_ns(&meta)).unwrap_or(0);
    let mut times = TimeFill {
        last_ns: source.state.last_ns,
        waiting: Vec::new(),
        file_ns,
    };
    let mut logs = Vec::with_capacity(decoded.logs.len());
    for mut log in decoded.logs {
        log.line = log.line.map(|line| line + first_line);
        logs.extend(times.place(log));
    }
    logs.extend(times.release(file_ns));
    for problem in &mut decoded.problems {
        problem.line = problem.line.map(|line| line + first_line);
    }
    let spans = decoded.spans;
    let n_lines = chunk.iter().filter(|&&b| b == b'\n').count() as u64
        + u64::from(chunk.last() != Some(&b'\n'));
    let offset = source.state.offset + chunk.len() as u64;
    let head_len = offset.min(HEAD_LEN);
    let head_hash = if head_len == source.state.head_len {
        source.state.head_hash.clone()
    } else {
        head_hash_of(file, head_len)?
    };
    let state = FollowState {
        offset,
        lines: first_line + n_lines,
        head_len,
        head_hash,
        last_ns: times.last_ns,
        dialect: source.format.dialect(chunk),
    };
    let counts = SourceCounts {
        spans: spans.len() as u64,
        logs: logs.len() as u64,
        unparsed: logs.iter().filter(|log| log.unparsed).count() as u64,
        problems: decoded.problems.len() as u64,
    };
    let appended = Appended {
        spans: counts.spans,
        logs: counts.logs,
        unparsed: counts.unparsed,
        problems: decoded.problems.clone(),
    };
    writer
        .append_followed(
            source.id,
            &source.service,
            spans,
            logs,
            counts,
            decoded.problems,
            state.clone(),
        )
        .await?;
    source.state = state;
    Ok(appended)
}
