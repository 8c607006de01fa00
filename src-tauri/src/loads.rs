//! Loading files into the open case, one load at a time. Dropped paths, File →
//! Open files… and the UI's open button all `enqueue` a load; one task takes them
//! in order and runs the engine's `weft::ingest::ingest`, forwarding each
//! `IngestEvent` to the window. The engine takes a write turn of the case for each
//! file (`Store::writer`), so renames and followers go between two files; the
//! shell keeps no lock of its own.
//!
//! Events to the window (all carry the load's `id`):
//! - `load-queued` `{id, paths}` — accepted, waiting for its turn;
//! - `ingest` `{id, event}` — an engine `IngestEvent` (started, progress, phase, finished);
//! - `load-finished` `{id, cancelled, reports, error}` — the load is over: one report per
//!   file (also for paths that could not be read, which got no `ingest` events), or
//!   `error` (`{code, message}`) when the case could not be written.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::mpsc;
use weft::ingest::{FileReport, IngestEvent, IngestOptions};

use crate::case::Case;
use crate::error::ApiError;

pub const EVENT_QUEUED: &str = "load-queued";
pub const EVENT_INGEST: &str = "ingest";
pub const EVENT_FINISHED: &str = "load-finished";

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Queued {
    pub id: u64,
    pub paths: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Progress {
    pub id: u64,
    pub event: IngestEvent,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Finished {
    pub id: u64,
    pub cancelled: bool,
    pub reports: Vec<FileReport>,
    pub error: Option<ApiError>,
}

struct Job {
    id: u64,
    paths: Vec<PathBuf>,
    cancel: Arc<AtomicBool>,
}

/// Managed state: the queue of loads.
pub struct Loads {
    sender: mpsc::UnboundedSender<Job>,
    receiver: Mutex<Option<mpsc::UnboundedReceiver<Job>>>,
    next_id: AtomicU64,
    cancels: Mutex<HashMap<u64, Arc<AtomicBool>>>,
}

impl Default for Loads {
    fn default() -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        Loads {
            sender,
            receiver: Mutex::new(Some(receiver)),
            next_id: AtomicU64::new(1),
            cancels: Mutex::new(HashMap::new()),
        }
    }
}

impl Loads {
    /// Queues a load of `paths` (files or folders) and tells the window; returns its id.
    pub fn enqueue<R: Runtime>(&self, app: &AppHandle<R>, paths: Vec<PathBuf>) -> Option<u64> {
        if paths.is_empty() {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let cancel = Arc::new(AtomicBool::new(false));
        self.cancels_map().insert(id, cancel.clone());
        let shown = paths
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        let _ = app.emit(EVENT_QUEUED, Queued { id, paths: shown });
        let _ = self.sender.send(Job { id, paths, cancel });
        Some(id)
    }

    /// Asks load `id` to stop: its current file is rolled back, the rest skipped.
    pub fn cancel(&self, id: u64) -> bool {
        match self.cancels_map().get(&id) {
            Some(flag) => {
                flag.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// Cancels every load, running or waiting (before the case is switched).
    pub fn cancel_all(&self) {
        for flag in self.cancels_map().values() {
            flag.store(true, Ordering::Relaxed);
        }
    }

    fn cancels_map(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<AtomicBool>>> {
        self.cancels
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts the task that runs the loads, in the order they were queued (once).
    pub fn start<R: Runtime>(app: &AppHandle<R>) {
        let loads = app.state::<Loads>();
        let Some(mut receiver) = loads
            .receiver
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
        else {
            return;
        };
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            while let Some(job) = receiver.recv().await {
                let finished = run(&app, &job).await;
                app.state::<Loads>().cancels_map().remove(&job.id);
                let _ = app.emit(EVENT_FINISHED, finished);
            }
        });
    }
}

async fn run<R: Runtime>(app: &AppHandle<R>, job: &Job) -> Finished {
    let cancelled = || job.cancel.load(Ordering::Relaxed);
    let finished = |result: Result<Vec<FileReport>, ApiError>| {
        let (reports, error) = match result {
            Ok(reports) => (reports, None),
            Err(error) => (Vec::new(), Some(error)),
        };
        Finished {
            id: job.id,
            cancelled: cancelled(),
            reports,
            error,
        }
    };
    if cancelled() {
        return finished(Ok(Vec::new()));
    }
    let store = match app.state::<Case>().current().store() {
        Ok(store) => store,
        Err(error) => return finished(Err(error)),
    };
    let options = IngestOptions {
        cancel: job.cancel.clone(),
        ..IngestOptions::default()
    };
    let id = job.id;
    let emitter = app.clone();
    let mut on_event = move |event: IngestEvent| {
        let _ = emitter.emit(EVENT_INGEST, Progress { id, event });
    };
    let result = weft::ingest::ingest(&store, &job.paths, &options, &mut on_event).await;
    finished(result.map_err(ApiError::from))
}
