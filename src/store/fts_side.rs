//! The full-text index of a bulk load's log bodies, built off the rows thread: a
//! thread of its own tokenizes the bodies into an FTS5 table of a side database
//! file next to the case (`CASE.fts-SOURCE.tmp`, no journal, no syncs), defined
//! exactly as the case's `logs_fts` (migration 0006). The transaction that
//! finishes the source copies that table's shadow tables (`logs_fts_data`,
//! `logs_fts_idx`) into the case's empty `logs_fts`: a copy of B-tree records,
//! no tokenizing. Used only when the case's `logs_fts` holds no segment when the
//! load starts (the first load of logs into a case); later loads index inline
//! (bulk.rs). Does not decide when: the `BulkWriter` starts it and feeds it.
//!
//! **Why the copy is sound:** an FTS5 index is wholly in its `_data` table (the
//! structure record at rowid 10 — levels, segment ids, the configuration cookie —
//! the averages record at rowid 1, and each segment's pages, whose rowids derive
//! from the segment id) and its `_idx` table (the first term of each leaf page per
//! segment); `_config` holds the options the cookie refers to. Both tables are
//! made by the same SQLite library with the same `CREATE VIRTUAL TABLE` text, so
//! the records mean the same in either file; the copy replaces the empty index's
//! structure and averages records as a whole, and is refused (the bodies are then
//! indexed from the rows, slowly but correctly) when the case's index is no longer
//! empty or the `_config` rows differ. FTS5 caches the structure record per
//! connection and re-reads it only when `PRAGMA data_version` says another
//! connection wrote, so the copy runs on a connection that has not opened
//! `logs_fts` (`Writer::finish_source` connects afresh) and closes after it.
//!
//! **Searchable when:** a load's bodies are word-searchable from the commit of the
//! transaction that finishes it (the `search_index` phase ends there); before, a
//! search by words does not see them (other terms do, from the rows phase on).
//! Nothing of it is in the case's `logs_fts` before that commit, so `fts_upto`
//! stays unset and removing a half-loaded source deletes nothing from the index.
//! A side file left by a killed load is deleted by the next write turn
//! (`remove_stale`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

use rusqlite::{params, Connection};

use super::{process_is_alive, StoreError};

/// The definition of `logs_fts` (migration 0006), for the side file.
const LOGS_FTS: &str = "CREATE VIRTUAL TABLE logs_fts USING fts5 (body, content = 'logs', \
     content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2', columnsize = 0)";

/// Batches of bodies waiting for the index thread; past it the rows thread waits.
const QUEUED_BATCHES: usize = 8;

/// The schema name the side file is attached under for the copy.
const ATTACHED: &str = "fts_side";

/// Log ids with their bodies, in id order.
pub(super) type Bodies = Vec<(i64, String)>;

/// Whether the case's `logs_fts` holds no segment (a fresh case, or one whose logs
/// were never indexed): then a load may build its index on the side.
pub(super) fn logs_index_is_empty(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM logs_fts_idx)",
        [],
        |row| row.get(0),
    )?)
}

/// The side file of source `source_id` of the case at `case`.
fn side_path(case: &Path, source_id: i64) -> PathBuf {
    let mut name = case.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".fts-{source_id}.tmp"));
    case.with_file_name(name)
}

/// The source id a file in the case's folder is the side file of, if it is one.
fn side_source(case: &Path, file_name: &str) -> Option<i64> {
    let case_name = case.file_name()?.to_str()?;
    file_name
        .strip_prefix(case_name)?
        .strip_prefix(".fts-")?
        .strip_suffix(".tmp")?
        .parse()
        .ok()
}

/// Deletes the side files of the case at `case` that no live load writes: left by
/// a load that was killed, or that died between its last commit and the deletion.
pub(super) fn remove_stale(conn: &Connection, case: &Path) -> Result<(), StoreError> {
    let Some(folder) = case.parent() else {
        return Ok(());
    };
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Ok(());
    };
    let mut live =
        conn.prepare("SELECT loader_pid FROM sources WHERE id = ? AND status = 'loading'")?;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(source_id) = file_name.to_str().and_then(|name| side_source(case, name)) else {
            continue;
        };
        let loader: Option<Option<i64>> = live
            .query_row([source_id], |row| row.get(0))
            .map(Some)
            .or_else(|error| match error {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(other),
        })?;
        if loader.flatten().is_some_and(process_is_alive) {
            continue;
        }
        remove_file(&entry.path())?;
    }
    Ok(())
}

fn remove_file(path: &Path) -> Result<(), StoreError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(StoreError::SideIndex {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The thread building a load's side index, fed by the rows thread.
pub(super) struct SideIndex {
    file: SideFile,
    sender: Option<SyncSender<Bodies>>,
    thread: Option<JoinHandle<Result<(), StoreError>>>,
    sent: u64,
    indexed: Arc<AtomicU64>,
}

impl SideIndex {
    /// Creates the side file of source `source_id` of the case at `case` (any old one
    /// is replaced) and starts its thread.
    pub(super) fn start(case: &Path, source_id: i64) -> Result<SideIndex, StoreError> {
        let file = SideFile {
            path: side_path(case, source_id),
        };
        remove_file(&file.path)?;
        let conn = Connection::open(&file.path)?;
        // Nothing here needs to survive a crash: the file is only read by the
        // transaction that finishes the load, after this connection is closed.
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; \
             PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -16384; {LOGS_FTS}; BEGIN;"
        ))?;
        let (sender, receiver) = sync_channel::<Bodies>(QUEUED_BATCHES);
        let indexed = Arc::new(AtomicU64::new(0));
        let counter = indexed.clone();
        let thread = std::thread::Builder::new()
            .name("weft-fts".to_string())
            .spawn(move || -> Result<(), StoreError> {
                {
                    let mut insert =
                        conn.prepare("INSERT INTO logs_fts (rowid, body) VALUES (?, ?)")?;
                    for bodies in receiver {
                        for (id, body) in &bodies {
                            insert.execute(params![id, body])?;
                        }
                        counter.fetch_add(bodies.len() as u64, Ordering::Relaxed);
                    }
                }
                conn.execute_batch("COMMIT")?;
                conn.close().map_err(|(_, error)| error)?;
                Ok(())
            })
            .expect("a thread can be started");
        Ok(SideIndex {
            file,
            sender: Some(sender),
            thread: Some(thread),
            sent: 0,
            indexed,
        })
    }

    /// Hands a batch's bodies to the thread (waits while it is `QUEUED_BATCHES` behind).
    pub(super) fn send(&mut self, bodies: Bodies) -> Result<(), StoreError> {
        let count = bodies.len() as u64;
        let sent = self
            .sender
            .as_ref()
            .is_some_and(|sender| sender.send(bodies).is_ok());
        if !sent {
            // The thread stopped: its error says why.
            return Err(self.join().err().unwrap_or(StoreError::SideIndexThread));
        }
        self.sent += count;
        Ok(())
    }

    /// Bodies indexed so far and bodies sent.
    pub(super) fn progress(&self) -> (u64, u64) {
        (self.indexed.load(Ordering::Relaxed), self.sent)
    }

    /// Waits for the thread to index every body sent and close the file.
    pub(super) fn finish(mut self) -> Result<SideFile, StoreError> {
        self.join()?;
        let path = std::mem::take(&mut self.file.path);
        Ok(SideFile { path })
    }

    fn join(&mut self) -> Result<(), StoreError> {
        self.sender = None;
        match self.thread.take() {
            Some(thread) => thread.join().unwrap_or(Err(StoreError::SideIndexThread)),
            None => Ok(()),
        }
    }
}

impl Drop for SideIndex {
    /// A load that stops early: the thread is stopped before its file is deleted.
    fn drop(&mut self) {
        let _ = self.join();
    }
}

/// A finished side file, deleted when dropped (copied or not).
#[derive(Debug)]
pub struct SideFile {
    path: PathBuf,
}

impl SideFile {
    /// Attaches the file to `conn` (outside a transaction), for `copy_into`.
    pub(super) fn attach(&self, conn: &Connection) -> Result<(), StoreError> {
        let path = self.path.to_str().ok_or_else(|| StoreError::SideIndex {
            path: self.path.clone(),
            source: std::io::Error::other("the path is not UTF-8"),
        })?;
        conn.execute(&format!("ATTACH DATABASE ? AS {ATTACHED}"), [path])?;
        Ok(())
    }

    /// Detaches it again (after the transaction).
    pub(super) fn detach(&self, conn: &Connection) -> Result<(), StoreError> {
        conn.execute_batch(&format!("DETACH DATABASE {ATTACHED}"))?;
        Ok(())
    }

    /// Puts the attached side index into the case's `logs_fts`, in the caller's
    /// transaction: its shadow tables copied when the case's index is still empty
    /// and configured the same; else source `source_id`'s bodies indexed from its
    /// rows. Returns whether it copied.
    pub(super) fn copy_into(&self, conn: &Connection, source_id: i64) -> Result<bool, StoreError> {
        let same_config: bool = conn.query_row(
            &format!(
                "SELECT NOT EXISTS (SELECT k, v FROM main.logs_fts_config \
                 EXCEPT SELECT k, v FROM {ATTACHED}.logs_fts_config) \
                 AND NOT EXISTS (SELECT k, v FROM {ATTACHED}.logs_fts_config \
                 EXCEPT SELECT k, v FROM main.logs_fts_config)"
            ),
            [],
            |row| row.get(0),
        )?;
        if !same_config || !logs_index_is_empty(conn)? {
            conn.execute(
                "INSERT INTO logs_fts (rowid, body) SELECT id, body FROM logs \
                 WHERE source_id = ? ORDER BY id",
                [source_id],
            )?;
            return Ok(false);
        }
        // `SELECT *` of a table of the same definition: SQLite copies the records
        // as they are (its transfer optimization), without decoding them.
        conn.execute_batch(&format!(
            "DELETE FROM main.logs_fts_data; DELETE FROM main.logs_fts_idx; \
             INSERT INTO main.logs_fts_data SELECT * FROM {ATTACHED}.logs_fts_data; \
             INSERT INTO main.logs_fts_idx SELECT * FROM {ATTACHED}.logs_fts_idx;"
        ))?;
        Ok(true)
    }
}

impl Drop for SideFile {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A case-like file: a `logs` table and `logs_fts` as migration 0006 makes it.
    fn case_with_logs(path: &Path, bodies: &[(i64, &str)]) -> Connection {
        let conn = Connection::open(path).unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE logs (id INTEGER PRIMARY KEY, body TEXT NOT NULL, source_id INTEGER);              {LOGS_FTS};"
        ))
        .unwrap();
        for (id, body) in bodies {
            conn.execute(
                "INSERT INTO logs (id, body, source_id) VALUES (?, ?, 1)",
                params![id, body],
            )
            .unwrap();
        }
        conn
    }

    const BODIES: &[(i64, &str)] = &[
        (1, "GET /checkout served in 12 ms"),
        (2, "Café crème: naïve résumé"),
        (3, "connection reset by peer"),
        (4, "upstream connection timed out"),
        (5, "ünïcödé wörds and CAPITALS"),
    ];

    /// Indexes `BODIES` on the side (in batches of two) and puts the side index into
    /// the case at `case` in one transaction; returns whether it was copied.
    fn index_on_the_side(conn: &mut Connection, case: &Path) -> bool {
        let mut side = SideIndex::start(case, 1).unwrap();
        for batch in BODIES.chunks(2) {
            side.send(
                batch
                    .iter()
                    .map(|(id, body)| (*id, body.to_string()))
                    .collect(),
            )
            .unwrap();
        }
        assert_eq!(side.progress().1, BODIES.len() as u64);
        let file = side.finish().unwrap();
        file.attach(conn).unwrap();
        let tx = conn.transaction().unwrap();
        let copied = file.copy_into(&tx, 1).unwrap();
        tx.commit().unwrap();
        file.detach(conn).unwrap();
        drop(file);
        assert!(!side_path(case, 1).exists(), "the side file is deleted");
        copied
    }

    fn matches(conn: &Connection, words: &str) -> Vec<i64> {
        conn.prepare("SELECT rowid FROM logs_fts WHERE logs_fts MATCH ? ORDER BY rowid")
            .unwrap()
            .query_map([words], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    const SEARCHES: &[(&str, &[i64])] = &[
        ("connection", &[3, 4]),
        ("cafe", &[2]),
        ("\"naive resume\"", &[2]),
        ("unicode", &[5]),
        ("capitals", &[5]),
        ("checkout", &[1]),
        ("absent", &[]),
    ];

    #[test]
    fn the_side_index_copied_into_an_empty_index_passes_the_integrity_check_and_finds_every_word() {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("case.weft");
        let mut conn = case_with_logs(&case, BODIES);
        assert!(logs_index_is_empty(&conn).unwrap());
        assert!(index_on_the_side(&mut conn, &case));
        conn.execute(
            "INSERT INTO logs_fts (logs_fts) VALUES ('integrity-check')",
            [],
        )
        .unwrap();
        for (words, expected) in SEARCHES {
            assert_eq!(matches(&conn, words), *expected, "{words}");
        }
        // The copied index takes further rows and deletions as one built inline would.
        conn.execute(
            "INSERT INTO logs (id, body) VALUES (6, 'another connection')",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO logs_fts (rowid, body) VALUES (6, 'another connection')",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO logs_fts (logs_fts, rowid, body) SELECT 'delete', id, body FROM logs              WHERE id = 3",
            [],
        )
        .unwrap();
        conn.execute("DELETE FROM logs WHERE id = 3", []).unwrap();
        conn.execute(
            "INSERT INTO logs_fts (logs_fts) VALUES ('integrity-check')",
            [],
        )
        .unwrap();
        assert_eq!(matches(&conn, "connection"), [4, 6]);
    }

    #[test]
    fn an_index_no_longer_empty_gets_the_bodies_from_the_rows_instead() {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("case.weft");
        let mut conn = case_with_logs(&case, BODIES);
        // Another writer indexed a row of its own while the side index was built.
        conn.execute(
            "INSERT INTO logs (id, body, source_id) VALUES (100, 'connection of another', 2)",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO logs_fts (rowid, body) VALUES (100, 'connection of another')",
            [],
        )
        .unwrap();
        assert!(!logs_index_is_empty(&conn).unwrap());
        assert!(!index_on_the_side(&mut conn, &case));
        conn.execute(
            "INSERT INTO logs_fts (logs_fts) VALUES ('integrity-check')",
            [],
        )
        .unwrap();
        assert_eq!(matches(&conn, "connection"), [3, 4, 100]);
        for (words, expected) in &SEARCHES[1..] {
            assert_eq!(matches(&conn, words), *expected, "{words}");
        }
    }

    #[test]
    fn stale_side_files_are_deleted_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("case.weft");
        let conn = Connection::open(&case).unwrap();
        conn.execute_batch(
            "CREATE TABLE sources (id INTEGER PRIMARY KEY, status TEXT, loader_pid INTEGER); \
             INSERT INTO sources VALUES (1, 'complete', NULL), (2, 'loading', 2147483646);",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO sources VALUES (3, 'loading', ?)",
            [i64::from(std::process::id())],
        )
        .unwrap();
        // Of a complete source, of a dead loader, of no source, of a live loader.
        let stale = [1, 2, 9].map(|id| side_path(&case, id));
        let live = side_path(&case, 3);
        let other = dir.path().join("other.weft.fts-1.tmp");
        for path in stale.iter().chain([&live, &other]) {
            std::fs::write(path, b"half an index").unwrap();
        }
        remove_stale(&conn, &case).unwrap();
        for path in &stale {
            assert!(!path.exists(), "{} is left", path.display());
        }
        assert!(live.exists() && other.exists());
    }

    #[test]
    fn a_side_file_is_known_by_its_case_and_source() {
        let case = Path::new("/cases/incident.weft");
        let side = side_path(case, 42);
        assert_eq!(side, Path::new("/cases/incident.weft.fts-42.tmp"));
        let name = side.file_name().unwrap().to_str().unwrap();
        assert_eq!(side_source(case, name), Some(42));
        assert_eq!(side_source(case, "incident.weft"), None);
        assert_eq!(side_source(case, "incident.weft-wal"), None);
        assert_eq!(side_source(case, "other.weft.fts-42.tmp"), None);
        assert_eq!(side_source(case, "incident.weft.fts-x.tmp"), None);
    }
}
