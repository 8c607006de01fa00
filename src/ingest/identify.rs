//! A file's identity before it loads — its size, modification time and the blake3
//! hash of those bytes, by which the case knows content it already holds — worked
//! out one file ahead of the load on a thread of its own. Hashing reads the whole
//! file; done between two files it ran alone on one core (the medium bench set's
//! logs file: about a quarter of a second in `scripts/thread_cpu.py`'s timeline).
//! A load of several files hashes the next file while the current one loads.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use super::open::hash_prefix_until;
use super::pipeline::modified_ns;

/// What a load needs to know of a file before its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Identity {
    /// The bytes loaded: the file's size when it was identified (a file still being
    /// written is loaded as the bytes it had then).
    pub size: u64,
    pub modified_ns: i64,
    /// blake3 (hex) of those `size` bytes.
    pub hash: String,
}

/// The identity of the file at `path`, or why it has none; the hash ends early
/// once `stopped` says so.
pub(super) fn identify(path: &Path, stopped: &dyn Fn() -> bool) -> Result<Identity, String> {
    let meta = std::fs::metadata(path).map_err(|error| error.to_string())?;
    let size = meta.len();
    let hash = hash_prefix_until(path, size, stopped).map_err(|error| error.to_string())?;
    Ok(Identity {
        size,
        modified_ns: modified_ns(&meta),
        hash,
    })
}

/// Identities of a list of files, in order, worked out at most one file ahead of
/// the one asked for. Dropping it stops the thread (a hash in progress ends at its
/// next read).
pub(super) struct IdentifyAhead {
    answers: mpsc::Receiver<Result<Identity, String>>,
    stop: Arc<AtomicBool>,
}

impl IdentifyAhead {
    /// Starts identifying `files`; `cancel` (the load's) stops it too.
    pub(super) fn start(files: Vec<PathBuf>, cancel: Arc<AtomicBool>) -> Self {
        let (sender, answers) = mpsc::channel(1);
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::Builder::new()
            .name("weft-identify".into())
            .spawn(move || {
                let stop_now = || stopped.load(Ordering::Relaxed) || cancel.load(Ordering::Relaxed);
                for path in files {
                    if stop_now() {
                        break;
                    }
                    let identity = identify(&path, &stop_now);
                    if sender.blocking_send(identity).is_err() {
                        break;
                    }
                }
            })
            .expect("a thread can be started");
        IdentifyAhead { answers, stop }
    }

    /// The next file's identity (the files in the order given).
    pub(super) async fn next(&mut self) -> Result<Identity, String> {
        self.answers
            .recv()
            .await
            .unwrap_or_else(|| Err("the load was stopped before this file was read".into()))
    }
}

impl Drop for IdentifyAhead {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[tokio::test]
    async fn identities_come_in_the_order_of_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let big = vec![b'x'; 3 << 20];
        let files = vec![
            write(dir.path(), "a.log", b"one\n"),
            dir.path().join("missing.log"),
            write(dir.path(), "b.log", &big),
            write(dir.path(), "c.log", b"one\n"),
        ];
        let mut ahead = IdentifyAhead::start(files.clone(), Arc::new(AtomicBool::new(false)));
        let mut got = Vec::new();
        for _ in &files {
            got.push(ahead.next().await);
        }
        let never = || false;
        assert_eq!(got[0], identify(&files[0], &never));
        assert_eq!(got[0].as_ref().unwrap().size, 4);
        assert_eq!(
            got[0].as_ref().unwrap().hash,
            blake3::hash(b"one\n").to_hex().to_string()
        );
        assert!(got[1].as_ref().unwrap_err().contains("No such file"));
        assert_eq!(got[2].as_ref().unwrap().size, big.len() as u64);
        assert_eq!(
            got[2].as_ref().unwrap().hash,
            blake3::hash(&big).to_hex().to_string()
        );
        // The same content has the same identity but for the time.
        assert_eq!(got[3].as_ref().unwrap().hash, got[0].as_ref().unwrap().hash);
        // Past the last file: an error, not a wait.
        assert!(ahead.next().await.is_err());
    }

    #[test]
    fn a_stopped_hash_ends_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "big.log", &vec![b'y'; 1 << 20]);
        let error = identify(&path, &|| true).unwrap_err();
        assert!(error.contains("stopped"), "{error}");
    }

    #[tokio::test]
    async fn a_cancelled_load_identifies_no_more_files() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![
            write(dir.path(), "a.log", b"1\n"),
            write(dir.path(), "b.log", b"2\n"),
        ];
        let cancel = Arc::new(AtomicBool::new(true));
        let mut ahead = IdentifyAhead::start(files, cancel);
        assert!(ahead.next().await.is_err());
    }
}
