//! Follow mode (`weft ingest --follow`): files that are still being written are
//! loaded as they grow. Each followed file is a source that stays `complete`
//! between appends; every append of complete lines is decoded with the file's
//! format and committed in ONE durable transaction together with the byte offset
//! reached, the source's counts and the correlation of the traces it touched, so
//! a crash neither loses a reported line nor loads one twice, and a restart goes
//! on from the stored offset (`sources.follow_*`, migration 0005).
//!
//! Files are told apart by inode and by a hash of their first bytes: a named path
//! whose inode changes was rotated (the old file is read to its end through the
//! handle still open, then the new one is a new source from byte 0); a file that
//! shrinks or whose first bytes change was truncated (its new content is a new
//! source). `notify` wakes the loop; a short poll is the safety net.
//! Files of formats that are not line-oriented are loaded once by the pipeline.

use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

mod append;
mod files;

use append::append;
use files::{canonical, head_hash_of, inode, inode_of, read_lines, scan_prefix, verdict, Verdict};

use super::pipeline::{
    ingest_file, service_from_file_name, walk, FileReport, FileStatus, IngestOptions,
};
use super::IngestEvent;
use crate::formats::{Format, Problem, FORMATS};
use crate::store::{BulkWriter, StoreError, Writer};

/// Bytes of a file's start whose hash tells its content apart from a new one.
const HEAD_LEN: u64 = 1024;
/// The loop looks at every followed file at least this often, events or not.
const POLL: Duration = Duration::from_millis(250);
/// A file rotated away is read until it has not grown for this long; only then is
/// a last line without a newline loaded.
const ROTATED_GRACE: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read a followed file: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot watch {path}: {source}")]
    Watch {
        path: PathBuf,
        source: notify::Error,
    },
}

impl From<rusqlite::Error> for FollowError {
    fn from(error: rusqlite::Error) -> Self {
        FollowError::Store(StoreError::Bulk(error))
    }
}

/// What follow mode reports, as it happens (`weft ingest --follow --json` prints each).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FollowEvent {
    /// Progress of a file loaded once by the pipeline.
    Ingest { progress: IngestEvent },
    /// A file is loaded up to its last complete line and followed from now on;
    /// `report` holds the source's totals.
    Following { report: FileReport, resumed: bool },
    /// Loaded once and not followed: a format that is not line-oriented, or compressed.
    NotFollowable { report: FileReport },
    /// Complete lines appended to a followed file are committed (and visible).
    Appended {
        path: String,
        source_id: i64,
        spans: u64,
        logs: u64,
        unparsed: u64,
        /// Byte offset of the file loaded so far.
        offset: u64,
        problems: Vec<Problem>,
    },
    /// The file at a followed path shrank or its first bytes changed (`truncated`),
    /// or another file took its path (`rotated`): what comes next is a new source.
    Restarted { path: String, reason: String },
    /// A file rotated away or deleted was read to its end and is no longer followed.
    Finished { path: String, source_id: i64 },
    /// A path that cannot be read now (it is tried again).
    Unreadable { path: String, message: String },
}

/// Loads `paths` (files and folders) and keeps loading what is appended to them until
/// `options.cancel` is set. Every append is committed before it is reported.
pub async fn follow(
    writer: &mut Writer,
    paths: &[PathBuf],
    options: &IngestOptions,
    on_event: &mut (dyn FnMut(FollowEvent) + Send),
) -> Result<(), FollowError> {
    let (wake, mut woken) = tokio::sync::mpsc::unbounded_channel::<()>();
    let mut watcher = notify::recommended_watcher(move |_event| {
        let _ = wake.send(());
    })
    .map_err(|source| FollowError::Watch {
        path: PathBuf::new(),
        source,
    })?;
    let mut follower = Follower::new(writer.case_path(), options)?;
    for path in paths {
        let path = canonical(path);
        let (watched, mode) = if path.is_dir() {
            follower.folders.push(path.clone());
            (path.clone(), RecursiveMode::Recursive)
        } else {
            if !path.exists() {
                on_event(FollowEvent::Unreadable {
                    path: path.display().to_string(),
                    message: "no such file yet; waiting for it".into(),
                });
            }
            follower.named.push(path.clone());
            let parent = path.parent().unwrap_or(Path::new(".")).to_path_buf();
            (parent, RecursiveMode::NonRecursive)
        };
        watcher
            .watch(&watched, mode)
            .map_err(|source| FollowError::Watch {
                path: watched.clone(),
                source,
            })?;
    }
    loop {
        {
            let _turn = match &options.write_turn {
                Some(turn) => Some(turn.lock().await),
                None => None,
            };
            follower.scan(writer, on_event).await?;
        }
        if options.cancel.load(Ordering::Relaxed) {
            return Ok(());
        }
        tokio::select! {
            _ = woken.recv() => while woken.try_recv().is_ok() {},
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

struct Follower {
    case: PathBuf,
    options: IngestOptions,
    /// Reads and source rows; the appends go through each source's `BulkWriter`.
    db: rusqlite::Connection,
    named: Vec<PathBuf>,
    folders: Vec<PathBuf>,
    entries: Vec<Followed>,
    /// Inodes of files loaded once (not followable): not looked at again.
    loaded_once: HashSet<u64>,
    unreadable: HashSet<PathBuf>,
}

/// A file being followed, through a handle that stays open across renames.
struct Followed {
    path: PathBuf,
    /// The named path it was found at (`None`: found in a followed folder).
    named: Option<PathBuf>,
    file: File,
    inode: u64,
    /// `None` until the file's first complete line (or after a truncation).
    source: Option<Followable>,
    /// Rotated away or deleted: read to its end, then dropped.
    retired: bool,
    /// The size last seen and when it last changed (a rotated file is done once quiet).
    last_size: u64,
    last_growth: Instant,
    reported: bool,
}

struct Followable {
    id: i64,
    format: &'static dyn Format,
    bulk: BulkWriter,
    offset: u64,
    lines: u64,
    head_len: u64,
    head_hash: String,
    last_ns: Option<i64>,
    resumed: bool,
}

impl Follower {
    fn new(case: &Path, options: &IngestOptions) -> Result<Follower, FollowError> {
        let db = rusqlite::Connection::open(case)?;
        db.busy_timeout(Duration::from_secs(30))?;
        db.execute_batch("PRAGMA synchronous = FULL")?;
        Ok(Follower {
            case: case.to_path_buf(),
            options: options.clone(),
            db,
            named: Vec::new(),
            folders: Vec::new(),
            entries: Vec::new(),
            loaded_once: HashSet::new(),
            unreadable: HashSet::new(),
        })
    }

    /// One look at every followed path: new files, rotations, appends.
    async fn scan(
        &mut self,
        writer: &mut Writer,
        on_event: &mut (dyn FnMut(FollowEvent) + Send),
    ) -> Result<(), FollowError> {
        for path in self.named.clone() {
            let Some(inode) = inode_of(&path) else {
                continue; // rotated away and not yet created again: the old handle goes on
            };
            let live = self
                .entries
                .iter_mut()
                .find(|entry| !entry.retired && entry.named.as_ref() == Some(&path));
            match live {
                Some(entry) if entry.inode != inode => {
                    entry.retired = true;
                    on_event(FollowEvent::Restarted {
                        path: path.display().to_string(),
                        reason: "rotated".into(),
                    });
                    self.start(&path, Some(&path), on_event)?;
                }
                Some(_) => {}
                None => self.start(&path, Some(&path), on_event)?,
            }
        }
        for folder in self.folders.clone() {
            let mut files = Vec::new();
            walk(&folder, &mut files, &mut Vec::new());
            let mut seen = HashSet::new();
            for path in files {
                let Some(inode) = inode_of(&path) else {
                    continue;
                };
                seen.insert(inode);
                let known = self
                    .entries
                    .iter_mut()
                    .find(|entry| !entry.retired && entry.inode == inode);
                match known {
                    // Renamed inside the folder: the same file, followed on.
                    Some(entry) => entry.path = path,
                    None => self.start(&path, None, on_event)?,
                }
            }
            for entry in &mut self.entries {
                if entry.named.is_none() && entry.path.starts_with(&folder) {
                    entry.retired |= !seen.contains(&entry.inode);
                }
            }
        }
        let mut idx = 0;
        while idx < self.entries.len() {
            let done = self.pump(idx, writer, on_event).await?;
            if done {
                let entry = self.entries.remove(idx);
                if let Some(source) = entry.source {
                    on_event(FollowEvent::Finished {
                        path: entry.path.display().to_string(),
                        source_id: source.id,
                    });
                }
            } else {
                idx += 1;
            }
        }
        Ok(())
    }

    /// Starts following the file at `path`, going on from a source that followed it
    /// before (same inode or path, same first bytes, not shorter) if there is one.
    fn start(
        &mut self,
        path: &Path,
        named: Option<&Path>,
        on_event: &mut (dyn FnMut(FollowEvent) + Send),
    ) -> Result<(), FollowError> {
        let file = match File::open(path) {
            Ok(file) => file,
            Err(error) => {
                if self.unreadable.insert(path.to_path_buf()) {
                    on_event(FollowEvent::Unreadable {
                        path: path.display().to_string(),
                        message: error.to_string(),
                    });
                }
                return Ok(());
            }
        };
        let inode = file.metadata().map(|meta| inode(&meta)).unwrap_or(0);
        let taken = self
            .entries
            .iter()
            .any(|entry| !entry.retired && entry.inode == inode);
        if taken || self.loaded_once.contains(&inode) {
            return Ok(());
        }
        if let Some(pid) = self.followed_elsewhere(path, inode)? {
            // Two followers of one file would load its appends twice.
            if self.unreadable.insert(path.to_path_buf()) {
                on_event(FollowEvent::Unreadable {
                    path: path.display().to_string(),
                    message: format!("followed by process {pid}; waiting until it stops"),
                });
            }
            return Ok(());
        }
        self.unreadable.remove(path);
        let source = self.resume(path, &file, inode)?;
        self.entries.push(Followed {
            path: path.to_path_buf(),
            named: named.map(Path::to_path_buf),
            file,
            inode,
            source,
            retired: false,
            last_size: 0,
            last_growth: Instant::now(),
            reported: false,
        });
        Ok(())
    }

    /// The live process other than this one that follows the file (same inode or
    /// path), if any: a follower keeps its id in `loader_pid` of its sources.
    fn followed_elsewhere(&self, path: &Path, inode: u64) -> Result<Option<i64>, FollowError> {
        let pids: Vec<i64> = self
            .db
            .prepare(
                "SELECT DISTINCT loader_pid FROM sources WHERE follow_offset IS NOT NULL \
                 AND loader_pid IS NOT NULL AND loader_pid != ?1 \
                 AND (follow_inode = ?2 OR path = ?3)",
            )?
            .query_map(
                params![
                    i64::from(std::process::id()),
                    inode as i64,
                    path.display().to_string()
                ],
                |row| row.get(0),
            )?
            .collect::<Result<_, _>>()?;
        Ok(pids.into_iter().find(|pid| process_is_alive(*pid)))
    }

    fn resume(
        &mut self,
        path: &Path,
        file: &File,
        inode: u64,
    ) -> Result<Option<Followable>, FollowError> {
        let row = self
            .db
            .query_row(
                "SELECT id, format, follow_offset, follow_lines, follow_head_len, \
                 follow_head_hash, follow_last_ns, service FROM sources \
                 WHERE status = 'complete' AND follow_offset IS NOT NULL \
                 AND (follow_inode = ?1 OR path = ?2) \
                 ORDER BY follow_inode = ?1 DESC, id DESC LIMIT 1",
                params![inode as i64, path.display().to_string()],
                |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, Option<String>>(1)?,
                        row.get::<_, i64>(2)?,
                        row.get::<_, i64>(3)?,
                        row.get::<_, i64>(4)?,
                        row.get::<_, String>(5)?,
                        row.get::<_, Option<i64>>(6)?,
                        row.get::<_, Option<String>>(7)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, format, offset, lines, head_len, head_hash, last_ns, service)) = row else {
            return Ok(None);
        };
        let held = self
            .entries
            .iter()
            .any(|entry| entry.source.as_ref().is_some_and(|source| source.id == id));
        if held {
            return Ok(None);
        }
        let format = FORMATS
            .iter()
            .copied()
            .find(|known| Some(known.name()) == format.as_deref());
        let size = file.metadata().map(|meta| meta.len()).unwrap_or(0);
        let same = size >= offset as u64
            && head_hash_of(file, head_len as u64).ok().as_ref() == Some(&head_hash);
        let Some(format) = format.filter(|_| same) else {
            return Ok(None);
        };
        let service = service.unwrap_or_else(|| self.default_service(path));
        self.db.execute(
            "UPDATE sources SET loader_pid = ? WHERE id = ?",
            params![i64::from(std::process::id()), id],
        )?;
        Ok(Some(Followable {
            id,
            format,
            bulk: BulkWriter::open_durable(&self.case, id, &service)?,
            offset: offset as u64,
            lines: lines as u64,
            head_len: head_len as u64,
            head_hash,
            last_ns,
            resumed: true,
        }))
    }

    fn default_service(&self, path: &Path) -> String {
        self.options
            .service
            .clone()
            .unwrap_or_else(|| service_from_file_name(path))
    }

    /// Loads what entry `idx` has gained; true when the entry is done (rotated
    /// away and read to its end, or loaded once).
    async fn pump(
        &mut self,
        idx: usize,
        writer: &mut Writer,
        on_event: &mut (dyn FnMut(FollowEvent) + Send),
    ) -> Result<bool, FollowError> {
        let entry = &mut self.entries[idx];
        let size = entry.file.metadata().map(|meta| meta.len()).unwrap_or(0);
        if let Some(source) = &entry.source {
            let replaced = size < source.offset
                || head_hash_of(&entry.file, source.head_len).ok().as_ref()
                    != Some(&source.head_hash);
            if replaced {
                if entry.retired {
                    return Ok(true);
                }
                entry.source = None;
                on_event(FollowEvent::Restarted {
                    path: entry.path.display().to_string(),
                    reason: "truncated".into(),
                });
            }
        }
        if size != entry.last_size {
            entry.last_size = size;
            entry.last_growth = Instant::now();
        }
        let quiet = entry.retired && entry.last_growth.elapsed() >= ROTATED_GRACE;
        loop {
            if self.options.cancel.load(Ordering::Relaxed) {
                return Ok(false); // every append so far is committed
            }
            let entry = &mut self.entries[idx];
            if entry.source.is_none() {
                match verdict(&entry.file)? {
                    Verdict::Wait => return Ok(quiet),
                    Verdict::LoadOnce => {
                        let path = entry.path.clone();
                        self.loaded_once.insert(entry.inode);
                        self.load_once(&path, writer, on_event).await?;
                        return Ok(true);
                    }
                    Verdict::Follow(format) => {
                        let path = entry.path.clone();
                        let inode = entry.inode;
                        let source = self.new_source(&path, inode, format)?;
                        self.entries[idx].source = Some(source);
                    }
                }
            }
            let entry = &mut self.entries[idx];
            let source = entry.source.as_mut().expect("set above");
            let Some(chunk) = read_lines(&entry.file, source.offset, quiet)? else {
                break;
            };
            let appended = append(source, &entry.file, &chunk)?;
            if entry.reported {
                on_event(FollowEvent::Appended {
                    path: entry.path.display().to_string(),
                    source_id: source.id,
                    spans: appended.spans,
                    logs: appended.logs,
                    unparsed: appended.unparsed,
                    offset: source.offset,
                    problems: appended.problems,
                });
            }
        }
        let entry = &mut self.entries[idx];
        if !entry.reported {
            if let Some((id, resumed)) = entry.source.as_ref().map(|s| (s.id, s.resumed)) {
                entry.reported = true;
                let report = self.report(id)?;
                on_event(FollowEvent::Following { report, resumed });
            }
        }
        Ok(quiet)
    }

    /// A file that cannot be followed, loaded by the pipeline as `weft ingest` does.
    async fn load_once(
        &mut self,
        path: &Path,
        writer: &mut Writer,
        on_event: &mut (dyn FnMut(FollowEvent) + Send),
    ) -> Result<(), FollowError> {
        let mut forward = |event: IngestEvent| on_event(FollowEvent::Ingest { progress: event });
        let report = ingest_file(writer, path, &self.options, &mut forward).await?;
        on_event(FollowEvent::NotFollowable { report });
        Ok(())
    }

    /// A new followed source for the file at `path`, or a complete source loaded
    /// before by `weft ingest` from this file's content, or from this path when its
    /// content is the start of this file's (the file has grown since): then it is
    /// followed from where that load ended.
    fn new_source(
        &mut self,
        path: &Path,
        inode: u64,
        format: &'static dyn Format,
    ) -> Result<Followable, FollowError> {
        let shown = path.display().to_string();
        let (hash, size, newlines, ends_with_newline) = scan_prefix(path, u64::MAX)?;
        let mut adopted: Option<(i64, u64, u64)> = self
            .db
            .query_row(
                "SELECT id FROM sources WHERE hash = ? AND size = ? AND status = 'complete' \
                 AND follow_offset IS NULL AND format = ? ORDER BY id DESC LIMIT 1",
                params![hash, size as i64, format.name()],
                |row| row.get(0),
            )
            .optional()?
            .map(|id| (id, size, newlines + u64::from(!ends_with_newline)));
        if adopted.is_none() {
            let earlier: Vec<(i64, String, i64)> = self
                .db
                .prepare(
                    "SELECT id, hash, size FROM sources WHERE path = ? AND size <= ? \
                     AND status = 'complete' AND follow_offset IS NULL AND format = ? \
                     ORDER BY id DESC",
                )?
                .query_map(params![shown, size as i64, format.name()], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                })?
                .collect::<Result<_, _>>()?;
            for (id, earlier_hash, earlier_size) in earlier {
                let (prefix_hash, _, newlines, ends_with_newline) =
                    scan_prefix(path, earlier_size as u64)?;
                if prefix_hash == earlier_hash {
                    let lines = newlines + u64::from(!ends_with_newline);
                    adopted = Some((id, earlier_size as u64, lines));
                    break;
                }
            }
        }
        let (adopted_id, offset, lines) = adopted.unwrap_or((0, 0, 0));
        let head_len = offset.min(HEAD_LEN);
        let head_hash = head_hash_of(&File::open(path)?, head_len)?;
        // The source row and its follow state in one transaction: a crash between
        // them would leave an empty source claiming this content.
        let tx = self
            .db
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let id = if adopted.is_some() {
            adopted_id
        } else {
            tx.execute(
                "INSERT INTO sources (path, size, hash, format, status, service, started_ns, \
                 finished_ns) VALUES (?1, 0, ?2, ?3, 'complete', ?4, ?5, ?5)",
                params![shown, hash, format.name(), self.options.service, now_ns()],
            )?;
            tx.last_insert_rowid()
        };
        tx.execute(
            "UPDATE sources SET follow_offset = ?, follow_lines = ?, follow_head_len = ?, \
             follow_head_hash = ?, follow_inode = ?, loader_pid = ? WHERE id = ?",
            params![
                offset as i64,
                lines as i64,
                head_len as i64,
                head_hash,
                inode as i64,
                i64::from(std::process::id()),
                id
            ],
        )?;
        tx.commit()?;
        Ok(Followable {
            id,
            format,
            bulk: BulkWriter::open_durable(&self.case, id, &self.default_service(path))?,
            offset,
            lines,
            head_len,
            head_hash,
            last_ns: None,
            resumed: adopted.is_some(),
        })
    }

    fn report(&self, source_id: i64) -> Result<FileReport, FollowError> {
        Ok(self.db.query_row(
            "SELECT path, format, spans, logs, unparsed, errors FROM sources WHERE id = ?",
            [source_id],
            |row| {
                Ok(FileReport {
                    path: row.get(0)?,
                    format: row.get(1)?,
                    status: FileStatus::Complete,
                    spans: row.get::<_, i64>(2)? as u64,
                    logs: row.get::<_, i64>(3)? as u64,
                    unparsed: row.get::<_, i64>(4)? as u64,
                    errors: serde_json::from_str(&row.get::<_, String>(5)?).unwrap_or_default(),
                })
            },
        )?)
    }
}

/// Whether a process of this machine with that id is running (as `Writer` judges
/// loads of dead processes; where there is no `/proc`, none is).
fn process_is_alive(pid: i64) -> bool {
    cfg!(target_os = "linux") && Path::new(&format!("/proc/{pid}")).exists()
}

fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() as i64)
}
