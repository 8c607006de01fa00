//! Loads files and folders into a case: for each file, hash (one file ahead, on a
//! thread of its own: identify.rs) → already loaded? → open (gzip/zstd) → sniff the format → decode on a thread of its own while this
//! task writes the batches it sends over a bounded channel → finish the source
//! (correlation, counts, status). Memory stays bounded by the channel.
//! One `FileReport` per file; a bad file never stops the others.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::mpsc;

use super::identify::{identify, IdentifyAhead, Identity};
use super::open::open_sniffed_prefix;
use super::parallel;
use super::{IngestEvent, LoadPhase};
use crate::formats::{DecodeError, Problem, RecordSink};
use crate::model::service_from_file_name;
use crate::model::{LogRecord, Span};
use crate::store::{
    encode_attributes, words::NewWords, BulkWriter, EncodedAttributes, Loaded, SourceCounts,
    SourceRow, SourceStatus, Store, StoreError, Writer, KEPT_PROBLEMS,
};

/// Records per batch sent to the writer (one transaction each).
const BATCH_RECORDS: usize = 4096;
/// Batches in flight between the decoder thread and the writer.
const CHANNEL_BATCHES: usize = 4;
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Service name for log records that name none (`weft ingest --service`).
    pub service: Option<String>,
    /// Set to stop: the file being loaded is rolled back, the rest are skipped.
    pub cancel: Arc<AtomicBool>,
}

/// The outcome for one file: the `weft ingest --json` object.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileReport {
    pub path: String,
    pub format: Option<String>,
    pub status: FileStatus,
    pub spans: u64,
    pub logs: u64,
    pub unparsed: u64,
    pub errors: Vec<Problem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FileStatus {
    Complete,
    /// The same content is already complete in the case; nothing was loaded.
    AlreadyLoaded,
    Failed,
    Cancelled,
}

impl FileReport {
    /// The report of a source of the case, with its totals.
    pub(super) fn of_source(source: SourceRow, status: FileStatus) -> Self {
        FileReport {
            path: source.path,
            format: source.format,
            status,
            spans: source.spans as u64,
            logs: source.logs as u64,
            unparsed: source.unparsed as u64,
            errors: source.errors,
        }
    }

    fn failed(path: &Path, format: Option<&str>, message: String) -> Self {
        FileReport {
            path: path.display().to_string(),
            format: format.map(str::to_string),
            status: FileStatus::Failed,
            spans: 0,
            logs: 0,
            unparsed: 0,
            errors: vec![Problem::unplaced(message)],
        }
    }
}

/// Loads every file of `paths` (folders recursively, in name order), each in a
/// write turn of its own (`Store::writer`): other writers of this process (a
/// follower, a rename, another load) go between two files, never inside one.
pub async fn ingest(
    store: &Store,
    paths: &[PathBuf],
    options: &IngestOptions,
    on_event: &mut (dyn FnMut(IngestEvent) + Send),
) -> Result<Vec<FileReport>, StoreError> {
    let mut reports = Vec::new();
    let files = expand(paths, &mut reports);
    // Paths that could not even be listed are done already.
    for report in &reports {
        on_event(IngestEvent::Finished {
            report: report.clone(),
        });
    }
    let mut identities = IdentifyAhead::start(files.clone(), options.cancel.clone());
    for path in files {
        if options.cancel.load(Ordering::Relaxed) {
            break;
        }
        let mut writer = store.writer().await?;
        let identity = identities.next();
        let report = ingest_identified(&mut writer, &path, identity, options, on_event).await?;
        on_event(IngestEvent::Finished {
            report: report.clone(),
        });
        drop(writer);
        reports.push(report);
    }
    Ok(reports)
}

/// The files under `paths`; paths that cannot be listed become failed reports.
fn expand(paths: &[PathBuf], reports: &mut Vec<FileReport>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut files, reports),
            Ok(_) => files.push(path.clone()),
            Err(error) => reports.push(FileReport::failed(path, None, error.to_string())),
        }
    }
    files
}

pub(super) fn walk(dir: &Path, files: &mut Vec<PathBuf>, reports: &mut Vec<FileReport>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            reports.push(FileReport::failed(dir, None, error.to_string()));
            return;
        }
    };
    let mut children: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
        .map(|entry| entry.path())
        .collect();
    children.sort();
    for child in children {
        if child.is_dir() {
            walk(&child, files, reports);
        } else {
            files.push(child);
        }
    }
}

/// Loads one file (identified here, on a blocking thread).
pub(super) async fn ingest_file(
    writer: &mut Writer,
    path: &Path,
    options: &IngestOptions,
    on_event: &mut (dyn FnMut(IngestEvent) + Send),
) -> Result<FileReport, StoreError> {
    let owned = path.to_path_buf();
    let cancel = options.cancel.clone();
    let identity = async move {
        tokio::task::spawn_blocking(move || identify(&owned, &|| cancel.load(Ordering::Relaxed)))
            .await
            .unwrap_or_else(|error| Err(error.to_string()))
    };
    ingest_identified(writer, path, identity, options, on_event).await
}

/// Loads one file once `identity` (its size, time and hash) is known: the load is
/// reported started before, so a file whose hash takes a while shows at once.
async fn ingest_identified(
    writer: &mut Writer,
    path: &Path,
    identity: impl std::future::Future<Output = Result<Identity, String>>,
    options: &IngestOptions,
    on_event: &mut (dyn FnMut(IngestEvent) + Send),
) -> Result<FileReport, StoreError> {
    let shown = std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string();
    let listed = std::fs::metadata(path);
    if let Ok(meta) = &listed {
        on_event(IngestEvent::Started {
            path: shown.clone(),
            bytes_total: meta.len(),
        });
    }
    // Awaited whatever happened: `IdentifyAhead` answers for the files in order.
    let identity = identity.await;
    let Identity {
        size,
        modified_ns,
        hash,
    } = match (listed, identity) {
        (Err(error), _) => return Ok(FileReport::failed(path, None, error.to_string())),
        (Ok(_), Err(message)) => return Ok(FileReport::failed(path, None, message)),
        (Ok(_), Ok(identity)) => identity,
    };
    if let Some(existing) = writer.source_by_hash(&hash).await? {
        if existing.status == SourceStatus::Complete {
            return Ok(FileReport {
                path: shown,
                ..FileReport::of_source(existing, FileStatus::AlreadyLoaded)
            });
        }
        // A failed or interrupted earlier try of the same content: start over clean.
        writer.remove_source(existing.id).await?;
    }

    let bytes_read = Arc::new(AtomicU64::new(0));
    // A file still being written is loaded as the `size` bytes it had now.
    let sniffed = match open_sniffed_prefix(path, Some(size), bytes_read.clone()) {
        Ok(sniffed) => sniffed,
        Err(error) => return Ok(FileReport::failed(path, None, error.to_string())),
    };
    let mut input = sniffed.input;
    let Some(format) = sniffed.format else {
        let message = if sniffed.empty {
            "empty file: not a trace or log file".to_string()
        } else {
            "not a trace or log file (no known format matches its first bytes)".to_string()
        };
        let problem = Problem::unplaced(message.clone());
        writer.record_failed(&shown, size, &hash, &problem).await?;
        return Ok(FileReport::failed(path, None, message));
    };

    let default_service = options
        .service
        .clone()
        .unwrap_or_else(|| service_from_file_name(path));
    let dialect = input.fill_buf().ok().and_then(|head| format.dialect(head));
    let source_id = writer
        .begin_source(
            &shown,
            size,
            &hash,
            Some(format.name()),
            dialect,
            options.service.as_deref(),
        )
        .await?;

    let (sender, receiver) = mpsc::channel::<Batch>(CHANNEL_BATCHES);
    let (spent_sender, spent) = std::sync::mpsc::channel::<Batch>();
    let cancel = options.cancel.clone();
    let decoder = spawn_named("weft-decode", move || {
        let mut sink = BatchSink {
            batch: Batch::default(),
            sender,
            cancel,
            times: TimeFill {
                last_ns: None,
                waiting: Vec::new(),
                file_ns: modified_ns,
            },
            words: NewWords::default(),
            spent,
        };
        // Line-oriented content is decoded on several threads when there are cores to
        // spare beside the rows thread; the rest (and all on 2 cores) in one pass.
        let lines = input
            .fill_buf()
            .ok()
            .and_then(|head| format.line_decoder(head));
        let result = match lines {
            Some(decode) if parallel::workers() > 1 => {
                parallel::decode_lines(&mut input, decode, &mut sink, parallel::workers())
            }
            _ => format.decode(&mut input, &mut sink),
        };
        sink.finish();
        result
    });

    // The rows go in on a thread of their own (no await), which reports here.
    let (updates, mut progress) = mpsc::unbounded_channel::<Update>();
    let bulk = writer
        .bulk(source_id, &default_service)?
        .with_given_service(options.service.as_deref());
    let rows = spawn_named("weft-rows", move || {
        write_rows(bulk, receiver, spent_sender, updates)
    });
    let mut last_progress = Instant::now();
    while let Some(update) = progress.recv().await {
        match update {
            Update::Rows { records, problems } => {
                if last_progress.elapsed() >= PROGRESS_EVERY {
                    last_progress = Instant::now();
                    on_event(IngestEvent::Progress {
                        path: shown.clone(),
                        bytes_read: bytes_read.load(Ordering::Relaxed),
                        bytes_total: size,
                        records,
                        problems,
                    });
                }
            }
            Update::Phase { phase, done, total } => on_event(IngestEvent::Phase {
                path: shown.clone(),
                phase,
                done,
                total,
            }),
        }
    }
    let written = tokio::task::spawn_blocking(move || rows.join())
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or(Err(StoreError::RowsThread))
        // The writer's connection comes back with the rows (when they failed, it
        // was closed, which rolled back what was not committed).
        .map(|written| {
            (
                written.counts,
                written.problems,
                writer.take_back(written.loaded),
            )
        });
    let decoded = decoder.join().unwrap_or_else(|_| {
        Err(DecodeError::Io(std::io::Error::other(
            "decoder thread panicked",
        )))
    });
    let (mut counts, mut problems, summary) = match written {
        Ok(written) => written,
        Err(error) => {
            writer.remove_source(source_id).await?;
            return Err(error);
        }
    };
    on_event(IngestEvent::Progress {
        path: shown.clone(),
        bytes_read: bytes_read.load(Ordering::Relaxed),
        bytes_total: size,
        records: counts.spans + counts.logs,
        problems: counts.problems,
    });

    let status = match decoded {
        Ok(()) => FileStatus::Complete,
        Err(DecodeError::Cancelled) => {
            writer.remove_source(source_id).await?;
            return Ok(FileReport {
                status: FileStatus::Cancelled,
                ..FileReport::failed(path, Some(format.name()), "cancelled".into())
            });
        }
        Err(error) => {
            // What was decoded before the error stays; the error is the last problem.
            counts.problems += 1;
            problems.truncate(crate::store::KEPT_PROBLEMS - 1);
            problems.push(match &error {
                DecodeError::Syntax {
                    line,
                    column,
                    message,
                } => Problem {
                    line: Some(*line),
                    offset: None,
                    message: format!(
                        "column {column}: {message}; the rest of the file was not read"
                    ),
                },
                DecodeError::Corrupt { offset, message } => Problem::at_offset(
                    *offset,
                    format!("{message}; the rest of the file was not read"),
                ),
                other => Problem::unplaced(format!("{other}; the rest of the file was not read")),
            });
            FileStatus::Failed
        }
    };
    let source_status = if status == FileStatus::Complete {
        SourceStatus::Complete
    } else {
        SourceStatus::Failed
    };
    let report_counts = counts.clone();
    writer
        .finish_source(source_id, source_status, counts, problems.clone(), summary)
        .await?;
    let counts = report_counts;
    Ok(FileReport {
        path: shown,
        format: Some(format.name().to_string()),
        status,
        spans: counts.spans,
        logs: counts.logs,
        unparsed: counts.unparsed,
        errors: problems,
    })
}

/// A thread with a name (shown by `top -H` and profilers).
fn spawn_named<T: Send + 'static>(
    name: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(work)
        .expect("a thread can be started")
}

/// What the rows thread tells the load while it works.
enum Update {
    Rows {
        records: u64,
        problems: u64,
    },
    Phase {
        phase: LoadPhase,
        done: u64,
        total: u64,
    },
}

/// What the rows thread hands back: counts, kept problems, and the writer's
/// connection with the summary its final transaction needs.
struct Written {
    counts: SourceCounts,
    problems: Vec<Problem>,
    loaded: Loaded,
}

/// The rows thread: writes the decoder's batches (and the full-text index of their
/// logs), then builds the indexes a bulk load deferred.
fn write_rows(
    mut bulk: BulkWriter,
    mut batches: mpsc::Receiver<Batch>,
    spent: std::sync::mpsc::Sender<Batch>,
    updates: mpsc::UnboundedSender<Update>,
) -> Result<Written, StoreError> {
    let mut counts = SourceCounts::default();
    let mut problems = Vec::new();
    let phase = |phase, done, total| {
        let _ = updates.send(Update::Phase { phase, done, total });
    };
    phase(LoadPhase::Rows, 0, 0);
    while let Some(mut batch) = batches.blocking_recv() {
        bulk.add_words(std::mem::take(&mut batch.words));
        bulk.write_encoded(&batch.spans, &batch.logs, &batch.attributes)?;
        counts.spans += batch.spans.len() as u64;
        counts.logs += batch.logs.len() as u64;
        counts.unparsed += batch.logs.iter().filter(|log| log.unparsed).count() as u64;
        counts.problems += batch.problems.len() as u64;
        let room = KEPT_PROBLEMS.saturating_sub(problems.len());
        problems.extend(batch.problems.drain(..).take(room));
        let _ = updates.send(Update::Rows {
            records: counts.spans + counts.logs,
            problems: counts.problems,
        });
        // Freed by the decoder thread (when it has stopped, here).
        let _ = spent.send(batch);
    }
    bulk.commit()?;
    // The indexes are built even when cancelled: the case must not stay without them.
    bulk.build_indexes(&mut |done, total| phase(LoadPhase::Indexing, done, total))?;
    Ok(Written {
        counts,
        problems,
        loaded: bulk.finish()?,
    })
}

#[derive(Default)]
struct Batch {
    spans: Vec<Span>,
    logs: Vec<LogRecord>,
    problems: Vec<Problem>,
    /// The words of the logs' bodies new to this load (found here, on the decoder
    /// thread, to keep them off the rows thread).
    words: Vec<Box<str>>,
    /// The attributes of the spans and logs as JSON text (encoded here too).
    attributes: EncodedAttributes,
}

impl Batch {
    fn len(&self) -> usize {
        self.spans.len() + self.logs.len() + self.problems.len()
    }
}

/// Runs on the decoder thread: fills batches and hands them to the writer task.
struct BatchSink {
    batch: Batch,
    sender: mpsc::Sender<Batch>,
    cancel: Arc<AtomicBool>,
    times: TimeFill,
    words: NewWords,
    /// Batches the rows thread has written, dropped here: freeing their records
    /// was 3.5 % of the rows thread's instructions on pino logs.
    spent: std::sync::mpsc::Receiver<Batch>,
}

/// Gives log records without a time the time of the record before them in the file
/// (records before the first timed one: the first time; a file without any: its
/// modification time), so every log has a place on the time axis.
pub(super) struct TimeFill {
    pub(super) last_ns: Option<i64>,
    /// Records before the first timed one, held until it comes (bounded).
    pub(super) waiting: Vec<LogRecord>,
    pub(super) file_ns: i64,
}

/// How many untimed leading records wait for a time before they take the file's.
const MAX_WAITING: usize = 10_000;

impl TimeFill {
    /// The records ready to be written, in file order.
    pub(super) fn place(&mut self, mut log: LogRecord) -> Vec<LogRecord> {
        match (log.ts_ns, self.last_ns) {
            (Some(ns), _) => {
                self.last_ns = Some(ns);
                let mut ready = self.release(ns);
                ready.push(log);
                ready
            }
            (None, Some(last)) => {
                log.ts_ns = Some(last);
                log.ts_inferred = true;
                vec![log]
            }
            (None, None) => {
                self.waiting.push(log);
                if self.waiting.len() >= MAX_WAITING {
                    self.last_ns = Some(self.file_ns);
                    return self.release(self.file_ns);
                }
                Vec::new()
            }
        }
    }

    pub(super) fn release(&mut self, ns: i64) -> Vec<LogRecord> {
        let mut ready = std::mem::take(&mut self.waiting);
        for log in &mut ready {
            log.ts_ns = Some(ns);
            log.ts_inferred = true;
        }
        ready
    }
}

pub(super) fn modified_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |elapsed| elapsed.as_nanos() as i64)
}

impl BatchSink {
    fn finish(&mut self) {
        let file_ns = self.times.file_ns;
        let waiting = self.times.release(file_ns);
        self.batch.logs.extend(waiting);
        self.flush();
    }

    fn push_if_full(&mut self) {
        if self.batch.len() >= BATCH_RECORDS {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.batch.len() > 0 {
            let mut batch = std::mem::take(&mut self.batch);
            for log in &batch.logs {
                self.words.add(&log.body);
            }
            batch.words = self.words.take();
            batch.attributes = encode_attributes(&batch.spans, &batch.logs);
            while let Ok(spent) = self.spent.try_recv() {
                drop(spent);
            }
            // A closed channel means the writer stopped; `cancelled()` then stops the decoder.
            let _ = self.sender.blocking_send(batch);
        }
    }
}

impl RecordSink for BatchSink {
    fn span(&mut self, span: Span) {
        self.batch.spans.push(span);
        self.push_if_full();
    }

    fn log(&mut self, log: LogRecord) {
        for ready in self.times.place(log) {
            self.batch.logs.push(ready);
        }
        self.push_if_full();
    }

    fn problem(&mut self, problem: Problem) {
        self.batch.problems.push(problem);
        self.push_if_full();
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed) || self.sender.is_closed()
    }
}
