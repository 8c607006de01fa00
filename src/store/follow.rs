//! The followed sources of a case (`sources.follow_*`, migration 0005): finding
//! the source a restarted follower goes on with, claiming it, starting a new one,
//! and committing an append. Which file is which, what is new in it and how it
//! decodes are `ingest::follow`'s; this file only reads and writes the rows.
//!
//! **Invariant:** an append's rows, the correlation they cause, the source's
//! counts and its new offset are committed in one durable transaction
//! (`Writer::append_followed`, through the same `finish_source` as a bulk load).

use rusqlite::{params, OptionalExtension};

use super::bulk::BulkWriter;
use super::writer::{finish_source, Finish, FollowState, SourceCounts, SourceStatus, Writer};
use super::{process_is_alive, StoreError};
use crate::formats::Problem;
use crate::model::{LogRecord, Span};
use crate::time::now_ns;

/// Bytes of a file's start whose hash tells its content apart from a new one
/// (`sources.follow_head_hash`).
pub const FOLLOW_HEAD_LEN: u64 = 1024;

/// A complete source with follow state: where a follower of its file goes on.
#[derive(Debug, Clone)]
pub struct FollowedSource {
    pub id: i64,
    pub format: Option<String>,
    /// The service the user gave the source, if any.
    pub service: Option<String>,
    pub state: FollowState,
}

impl Writer {
    /// The live process other than this one that follows the file with this inode
    /// or path, if any: a follower keeps its id in `loader_pid` of its sources.
    pub async fn followed_elsewhere(
        &mut self,
        path: &str,
        inode: u64,
    ) -> Result<Option<i64>, StoreError> {
        let path = path.to_string();
        let pids: Vec<i64> = self
            .run(move |conn| {
                Ok(conn
                    .prepare(
                        "SELECT DISTINCT loader_pid FROM sources WHERE follow_offset IS NOT NULL \
                         AND loader_pid IS NOT NULL AND loader_pid != ?1 \
                         AND (follow_inode = ?2 OR path = ?3)",
                    )?
                    .query_map(
                        params![i64::from(std::process::id()), inode as i64, path],
                        |row| row.get(0),
                    )?
                    .collect::<Result<_, _>>()?)
            })
            .await?;
        Ok(pids.into_iter().find(|pid| process_is_alive(*pid)))
    }

    /// The newest complete followed source of this inode (first) or path.
    pub async fn followed_source(
        &mut self,
        path: &str,
        inode: u64,
    ) -> Result<Option<FollowedSource>, StoreError> {
        let path = path.to_string();
        self.run(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT id, format, follow_offset, follow_lines, follow_head_len, \
                     follow_head_hash, follow_last_ns, service FROM sources \
                     WHERE status = 'complete' AND follow_offset IS NOT NULL \
                     AND (follow_inode = ?1 OR path = ?2) \
                     ORDER BY follow_inode = ?1 DESC, id DESC LIMIT 1",
                    params![inode as i64, path],
                    |row| {
                        Ok(FollowedSource {
                            id: row.get(0)?,
                            format: row.get(1)?,
                            state: FollowState {
                                offset: row.get::<_, i64>(2)? as u64,
                                lines: row.get::<_, i64>(3)? as u64,
                                head_len: row.get::<_, i64>(4)? as u64,
                                head_hash: row.get(5)?,
                                last_ns: row.get(6)?,
                                // Kept in the source row; an append only fills it in.
                                dialect: None,
                            },
                            service: row.get(7)?,
                        })
                    },
                )
                .optional()?)
        })
        .await
    }

    /// Marks source `source_id` as followed by this process.
    pub async fn claim_followed(&mut self, source_id: i64) -> Result<(), StoreError> {
        self.run(move |conn| {
            conn.execute(
                "UPDATE sources SET loader_pid = ? WHERE id = ?",
                params![i64::from(std::process::id()), source_id],
            )?;
            Ok(())
        })
        .await
    }

    /// The newest complete source loaded once (not followed) with this content, if any.
    pub async fn loaded_source_with(
        &mut self,
        hash: &str,
        size: u64,
        format: &str,
    ) -> Result<Option<i64>, StoreError> {
        let (hash, format) = (hash.to_string(), format.to_string());
        self.run(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT id FROM sources WHERE hash = ? AND size = ? AND status = 'complete' \
                     AND follow_offset IS NULL AND format = ? ORDER BY id DESC LIMIT 1",
                    params![hash, size as i64, format],
                    |row| row.get(0),
                )
                .optional()?)
        })
        .await
    }

    /// Complete sources loaded once from `path` with at most `size` bytes, newest
    /// first: (id, content hash, size).
    pub async fn loaded_sources_at(
        &mut self,
        path: &str,
        size: u64,
        format: &str,
    ) -> Result<Vec<(i64, String, u64)>, StoreError> {
        let (path, format) = (path.to_string(), format.to_string());
        self.run(move |conn| {
            Ok(conn
                .prepare(
                    "SELECT id, hash, size FROM sources WHERE path = ? AND size <= ? \
                     AND status = 'complete' AND follow_offset IS NULL AND format = ? \
                     ORDER BY id DESC",
                )?
                .query_map(params![path, size as i64, format], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get::<_, i64>(2)? as u64))
                })?
                .collect::<Result<_, _>>()?)
        })
        .await
    }

    /// Starts following a file: source `adopted` (loaded once before; `None`: a new,
    /// empty complete source at `path`) gets follow state `state` and this process
    /// as its follower, in one transaction (a crash between the two would leave an
    /// empty source claiming this content). Returns the source's id.
    #[allow(clippy::too_many_arguments)]
    pub async fn begin_followed(
        &mut self,
        adopted: Option<i64>,
        path: &str,
        hash: &str,
        format: &str,
        service: Option<&str>,
        inode: u64,
        state: FollowState,
    ) -> Result<i64, StoreError> {
        let (path, hash, format) = (path.to_string(), hash.to_string(), format.to_string());
        let service = service.map(str::to_string);
        self.transaction(move |tx| {
            let id = match adopted {
                Some(id) => id,
                None => {
                    tx.execute(
                        "INSERT INTO sources (path, size, hash, format, status, service, \
                         started_ns, finished_ns) VALUES (?1, 0, ?2, ?3, 'complete', ?4, ?5, ?5)",
                        params![path, hash, format, service, now_ns()],
                    )?;
                    tx.last_insert_rowid()
                }
            };
            tx.execute(
                "UPDATE sources SET follow_offset = ?, follow_lines = ?, follow_head_len = ?, \
                 follow_head_hash = ?, follow_inode = ?, loader_pid = ? WHERE id = ?",
                params![
                    state.offset as i64,
                    state.lines as i64,
                    state.head_len as i64,
                    state.head_hash,
                    inode as i64,
                    i64::from(std::process::id()),
                    id
                ],
            )?;
            Ok(id)
        })
        .await
    }

    /// Commits one append of followed source `source_id`: its records (those that
    /// name no service get `default_service`), the correlation of the traces they
    /// touch, the time rollup, the span full-text index, the source's counts and
    /// problems, and the file's new follow state `state`, in one durable
    /// (`synchronous = FULL`) transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn append_followed(
        &mut self,
        source_id: i64,
        default_service: &str,
        spans: Vec<Span>,
        logs: Vec<LogRecord>,
        counts: SourceCounts,
        problems: Vec<Problem>,
        state: FollowState,
    ) -> Result<(), StoreError> {
        let default_service = default_service.to_string();
        self.lend(move |conn| {
            let mut bulk = match BulkWriter::durable(conn, source_id, &default_service) {
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
                    follow: Some(&state),
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
}
