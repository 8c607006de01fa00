//! The sources of `weft receive` (src/receive/): one per receiver session, protocol
//! and peer, named `otlp-http://PEER` / `otlp-grpc://PEER` with format `otlp-http` /
//! `otlp-grpc`. This file only writes their rows; what arrives and when is the
//! receiver's.
//!
//! **Invariant:** a source of the receiver is `complete` from its first row on
//! (so a receiver killed at any moment leaves nothing for `settle_interrupted` to
//! take away), and each append of records — rows, the correlation they cause, the
//! source's counts — is one durable (`synchronous = FULL`) transaction, committed
//! before the requests it holds are acknowledged (`Writer::append_received`, the
//! same `finish_source` as a bulk load and a follow append).

use rusqlite::params;

use super::bulk::BulkWriter;
use super::writer::{finish_source, Finish, SourceCounts, SourceStatus, Writer};
use super::StoreError;
use crate::formats::Problem;
use crate::model::{LogRecord, Span, UNKNOWN_SERVICE};
use crate::time::now_ns;

impl Writer {
    /// A new, empty, complete source for what protocol `format` (`otlp-http`,
    /// `otlp-grpc`) receives from `peer` in this session; returns its id.
    pub async fn begin_received(&mut self, format: &str, peer: &str) -> Result<i64, StoreError> {
        let path = format!("{format}://{peer}");
        let started_ns = now_ns();
        // No file, so no content hash: a unique one, so no load ever takes this
        // source for a file it already has.
        let session = format!("{path} {} {started_ns}", std::process::id());
        let hash = blake3::hash(session.as_bytes()).to_hex().to_string();
        let format = format.to_string();
        self.transaction(move |tx| {
            tx.execute(
                "INSERT INTO sources (path, size, hash, format, status, loader_pid, started_ns) \
                 VALUES (?1, 0, ?2, ?3, 'complete', ?4, ?5)",
                params![
                    path,
                    hash,
                    format,
                    i64::from(std::process::id()),
                    started_ns
                ],
            )?;
            Ok(tx.last_insert_rowid())
        })
        .await
    }

    /// Commits what requests brought for received source `source_id`: their
    /// records, the correlation of the traces they touch, the time rollup, the
    /// full-text index and the source's counts and problems, in one durable
    /// transaction (as `append_followed`, without a file offset).
    pub async fn append_received(
        &mut self,
        source_id: i64,
        spans: Vec<Span>,
        logs: Vec<LogRecord>,
        problems: Vec<Problem>,
    ) -> Result<(), StoreError> {
        let counts = SourceCounts {
            spans: spans.len() as u64,
            logs: logs.len() as u64,
            unparsed: 0,
            problems: problems.len() as u64,
        };
        self.lend(move |conn| {
            let mut bulk = match BulkWriter::durable(conn, source_id, UNKNOWN_SERVICE) {
                Ok(bulk) => bulk,
                Err(error) => return (None, Err(error)),
            };
            let written = bulk.write(&spans, &logs).and_then(|()| {
                let (conn, summary) = bulk.durable_parts();
                let finish = Finish {
                    status: SourceStatus::Complete,
                    counts: &counts,
                    problems: &problems,
                    summary,
                    follow: None,
                };
                finish_source(conn, source_id, &finish)
            });
            match written.and_then(|()| bulk.finish()) {
                Ok(loaded) => (Some(loaded.conn), Ok(())),
                // The connection is dropped: its open transaction rolls back.
                Err(error) => (None, Err(error)),
            }
        })
        .await
    }

    /// Ends the received sources `source_ids` (the receiver stopped): their end
    /// time is now and no process holds them.
    pub async fn end_received(&mut self, source_ids: Vec<i64>) -> Result<(), StoreError> {
        self.transaction(move |tx| {
            let finished_ns = now_ns();
            for source_id in source_ids {
                tx.execute(
                    "UPDATE sources SET finished_ns = ?, loader_pid = NULL WHERE id = ?",
                    params![finished_ns, source_id],
                )?;
            }
            Ok(())
        })
        .await
    }
}
