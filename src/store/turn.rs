//! One write handle per case per process, and turns to use it. Every `Store`
//! opened on the same case file in a process shares one `WriteHandle` (found in a
//! process-wide table by the file's canonical path), which holds the case's one
//! `Writer`. `Store::writer` waits for a turn (first come, first served) and
//! hands out a `WriteTurn` that derefs to the `Writer`; the next one waits until
//! it is dropped. So loads, follow appends, edits and removals of one process
//! never write at once, and no caller needs a lock of its own: the CLI, the app's
//! loads, renames and followers all just ask the store.
//!
//! How long a turn lasts is the caller's choice: `ingest` takes one per file,
//! `follow` one per look at its files, an edit one per edit.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use tokio::sync::OwnedMutexGuard;

use super::writer::Writer;
use super::StoreError;

type Slot = tokio::sync::Mutex<Option<Writer>>;

/// The write handle of one case, shared by the `Store`s of this process that
/// opened it.
#[derive(Clone)]
pub(super) struct WriteHandle {
    slot: Arc<Slot>,
}

impl std::fmt::Debug for WriteHandle {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("WriteHandle")
    }
}

/// The handles of the cases this process has open, by canonical path. Weak: a
/// case's writer closes when the last `Store` of it is gone.
fn handles() -> &'static Mutex<HashMap<PathBuf, Weak<Slot>>> {
    static HANDLES: OnceLock<Mutex<HashMap<PathBuf, Weak<Slot>>>> = OnceLock::new();
    HANDLES.get_or_init(Default::default)
}

impl WriteHandle {
    /// The handle of the case at `path` (which exists), shared with every other
    /// `Store` of this process on the same file.
    pub(super) fn of(path: &Path) -> WriteHandle {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let mut handles = handles()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        handles.retain(|_, handle| handle.strong_count() > 0);
        if let Some(slot) = handles.get(&key).and_then(Weak::upgrade) {
            return WriteHandle { slot };
        }
        let slot = Arc::new(Slot::new(None));
        handles.insert(key, Arc::downgrade(&slot));
        WriteHandle { slot }
    }

    /// Waits for this process's turn to write the case at `path`; connects the
    /// writer on the first turn, and settles loads of dead processes on every one.
    pub(super) async fn turn(&self, path: &Path) -> Result<WriteTurn, StoreError> {
        let mut guard = self.slot.clone().lock_owned().await;
        if guard.is_none() {
            *guard = Some(Writer::open(path).await?);
        }
        let mut turn = WriteTurn { guard };
        turn.settle_interrupted().await?;
        Ok(turn)
    }
}

/// The right to write a case, until dropped: derefs to its `Writer`.
pub struct WriteTurn {
    guard: OwnedMutexGuard<Option<Writer>>,
}

impl Deref for WriteTurn {
    type Target = Writer;

    fn deref(&self) -> &Writer {
        self.guard
            .as_ref()
            .expect("a turn is given with its writer")
    }
}

impl DerefMut for WriteTurn {
    fn deref_mut(&mut self) -> &mut Writer {
        self.guard
            .as_mut()
            .expect("a turn is given with its writer")
    }
}
