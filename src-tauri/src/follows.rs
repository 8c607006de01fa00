//! Following sources: the switch on a source row. Switching it on runs the engine's
//! `weft::ingest::follow` on the source's file in a task of its own; the engine takes
//! a write turn of the case for each look at the file (`Store::writer`), so loads,
//! renames and followers take turns and never write at once. The engine takes over
//! the loaded source and loads what the file gains from then on.
//!
//! Events to the window:
//! - `follow` `{source_id, event}` — an engine `FollowEvent` (following, appended, …);
//! - `follow-stopped` `{source_id, error}` — switched off, case switched, or failed.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use weft::ingest::{FollowEvent, IngestOptions};

use crate::case::Case;
use crate::error::{ApiError, Code};

pub const EVENT_FOLLOW: &str = "follow";
pub const EVENT_STOPPED: &str = "follow-stopped";

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Followed {
    pub source_id: i64,
    pub event: FollowEvent,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Stopped {
    pub source_id: i64,
    pub error: Option<ApiError>,
}

/// Managed state: the running followers, by the source row whose switch started them.
#[derive(Default)]
pub struct Follows {
    running: Mutex<HashMap<i64, Arc<AtomicBool>>>,
}

impl Follows {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<AtomicBool>>> {
        self.running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The sources being followed now.
    pub fn sources(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.map().keys().copied().collect();
        ids.sort_unstable();
        ids
    }

    /// Stops every follower (before the case is switched); each commits what it has.
    pub fn stop_all(&self) {
        for flag in self.map().values() {
            flag.store(true, Ordering::Relaxed);
        }
    }
}

/// Follows source `source_id`'s file (`on`) or stops following it; returns the sources
/// followed afterwards.
#[tauri::command]
pub async fn set_follow<R: Runtime>(
    app: AppHandle<R>,
    case: State<'_, Case>,
    follows: State<'_, Follows>,
    source_id: i64,
    on: bool,
) -> Result<Vec<i64>, ApiError> {
    if !on {
        if let Some(flag) = follows.map().get(&source_id) {
            flag.store(true, Ordering::Relaxed);
        }
        return Ok(follows.sources());
    }
    if follows.map().contains_key(&source_id) {
        return Ok(follows.sources());
    }
    let open = case.current();
    let source = crate::commands::source_of(&open, source_id).await?;
    let path = PathBuf::from(&source.path);
    if !path.is_file() {
        return Err(ApiError::new(
            Code::NotFound,
            format!("{}: the file is not there any more", source.path),
        ));
    }
    let store = open.store()?;
    let cancel = Arc::new(AtomicBool::new(false));
    follows.map().insert(source_id, cancel.clone());
    let options = IngestOptions {
        cancel,
        ..IngestOptions::default()
    };
    let task_app = app.clone();
    tauri::async_runtime::spawn(async move {
        let error = follow(&task_app, store, path, options, source_id)
            .await
            .err();
        task_app.state::<Follows>().map().remove(&source_id);
        let _ = task_app.emit(EVENT_STOPPED, Stopped { source_id, error });
    });
    Ok(follows.sources())
}

/// The sources followed now.
#[tauri::command]
pub fn followed_sources(follows: State<'_, Follows>) -> Vec<i64> {
    follows.sources()
}

async fn follow<R: Runtime>(
    app: &AppHandle<R>,
    store: weft::Store,
    path: PathBuf,
    options: IngestOptions,
    source_id: i64,
) -> Result<(), ApiError> {
    let emitter = app.clone();
    let mut on_event = move |event: FollowEvent| {
        let _ = emitter.emit(EVENT_FOLLOW, Followed { source_id, event });
    };
    weft::ingest::follow(&store, &[path], &options, &mut on_event)
        .await
        .map_err(|error| ApiError::new(Code::Database, error.to_string()))
}
