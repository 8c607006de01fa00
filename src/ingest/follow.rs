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
use serde::Serialize;

mod append;
mod files;

use append::append;
use files::{canonical, head_hash_of, inode, inode_of, read_lines, scan_prefix, verdict, Verdict};

use super::pipeline::{ingest_file, walk, FileReport, FileStatus, IngestOptions};
use super::IngestEvent;
use crate::formats::{Format, Problem, FORMATS};
use crate::model::service_from_file_name;
use crate::store::{FollowState, Store, StoreError, Writer, FOLLOW_HEAD_LEN as HEAD_LEN};
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
/// `options.cancel` is set. Every append is committed before it is reported. Each
/// look at the files is one write turn (`Store::writer`), so other writers of this
/// process (loads, renames, other followers) go between two looks.
pub async fn follow(
    store: &Store,
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
    let mut follower = Follower::new(options);
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
            let mut writer = store.writer().await?;
            follower.scan(&mut writer, on_event).await?;
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
    options: IngestOptions,
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
    /// For records that name no service.
    service: String,
    /// What is loaded so far, as committed.
    state: FollowState,
    resumed: bool,
}

impl Follower {
    fn new(options: &IngestOptions) -> Follower {
        Follower {
            options: options.clone(),
            named: Vec::new(),
            folders: Vec::new(),
            entries: Vec::new(),
            loaded_once: HashSet::new(),
            unreadable: HashSet::new(),
        }
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
                    self.start(&path, Some(&path), writer, on_event).await?;
                }
                Some(_) => {}
                None => self.start(&path, Some(&path), writer, on_event).await?,
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
                    None => self.start(&path, None, writer, on_event).await?,
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
    async fn start(
        &mut self,
        path: &Path,
        named: Option<&Path>,
        writer: &mut Writer,
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
        let shown = path.display().to_string();
        if let Some(pid) = writer.followed_elsewhere(&shown, inode).await? {
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
        let source = self.resume(path, &file, inode, writer).await?;
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

    async fn resume(
        &mut self,
        path: &Path,
        file: &File,
        inode: u64,
        writer: &mut Writer,
    ) -> Result<Option<Followable>, FollowError> {
        let shown = path.display().to_string();
        let Some(found) = writer.followed_source(&shown, inode).await? else {
            return Ok(None);
        };
        let held = self.entries.iter().any(|entry| {
            entry
                .source
                .as_ref()
                .is_some_and(|source| source.id == found.id)
        });
        if held {
            return Ok(None);
        }
        let format = FORMATS
            .iter()
            .copied()
            .find(|known| Some(known.name()) == found.format.as_deref());
        let size = file.metadata().map(|meta| meta.len()).unwrap_or(0);
        let state = found.state;
        let same = size >= state.offset
            && head_hash_of(file, state.head_len).ok().as_ref() == Some(&state.head_hash);
        let Some(format) = format.filter(|_| same) else {
            return Ok(None);
        };
        writer.claim_followed(found.id).await?;
        Ok(Some(Followable {
            id: found.id,
            format,
            service: found.service.unwrap_or_else(|| self.default_service(path)),
            state,
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
            let replaced = size < source.state.offset
                || head_hash_of(&entry.file, source.state.head_len)
                    .ok()
                    .as_ref()
                    != Some(&source.state.head_hash);
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
                        let source = self.new_source(&path, inode, format, writer).await?;
                        self.entries[idx].source = Some(source);
                    }
                }
            }
            let entry = &mut self.entries[idx];
            let source = entry.source.as_mut().expect("set above");
            let Some(chunk) = read_lines(&entry.file, source.state.offset, quiet)? else {
                break;
            };
            let appended = append(source, &entry.file, &chunk, writer).await?;
            if entry.reported {
                on_event(FollowEvent::Appended {
                    path: entry.path.display().to_string(),
                    source_id: source.id,
                    spans: appended.spans,
                    logs: appended.logs,
                    unparsed: appended.unparsed,
                    offset: source.state.offset,
                    problems: appended.problems,
                });
            }
        }
        let entry = &mut self.entries[idx];
        if !entry.reported {
            if let Some((id, resumed)) = entry.source.as_ref().map(|s| (s.id, s.resumed)) {
                entry.reported = true;
                let report = report(writer, id).await?;
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
    async fn new_source(
        &mut self,
        path: &Path,
        inode: u64,
        format: &'static dyn Format,
        writer: &mut Writer,
    ) -> Result<Followable, FollowError> {
        let shown = path.display().to_string();
        let (hash, size, newlines, ends_with_newline) = scan_prefix(path, u64::MAX)?;
        let mut adopted: Option<(i64, u64, u64)> = writer
            .loaded_source_with(&hash, size, format.name())
            .await?
            .map(|id| (id, size, newlines + u64::from(!ends_with_newline)));
        if adopted.is_none() {
            let earlier = writer
                .loaded_sources_at(&shown, size, format.name())
                .await?;
            for (id, earlier_hash, earlier_size) in earlier {
                let (prefix_hash, _, newlines, ends_with_newline) =
                    scan_prefix(path, earlier_size)?;
                if prefix_hash == earlier_hash {
                    let lines = newlines + u64::from(!ends_with_newline);
                    adopted = Some((id, earlier_size, lines));
                    break;
                }
            }
        }
        let (offset, lines) = adopted.map_or((0, 0), |(_, offset, lines)| (offset, lines));
        let head_len = offset.min(HEAD_LEN);
        let state = FollowState {
            offset,
            lines,
            head_len,
            head_hash: head_hash_of(&File::open(path)?, head_len)?,
            last_ns: None,
            dialect: None,
        };
        let id = writer
            .begin_followed(
                adopted.map(|(id, _, _)| id),
                &shown,
                &hash,
                format.name(),
                self.options.service.as_deref(),
                inode,
                state.clone(),
            )
            .await?;
        Ok(Followable {
            id,
            format,
            service: self.default_service(path),
            state,
            resumed: adopted.is_some(),
        })
    }
}

/// The report of followed source `source_id`, with its totals.
async fn report(writer: &mut Writer, source_id: i64) -> Result<FileReport, FollowError> {
    let source = writer
        .source(source_id)
        .await?
        .ok_or(StoreError::NoSource(source_id))?;
    Ok(FileReport::of_source(source, FileStatus::Complete))
}
