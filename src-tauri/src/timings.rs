//! Startup timings for `make measure-app` (issue 19): when `WEFT_TIMINGS` names a
//! file, the shell appends one JSON line per moment to it — `{"at_ms": <epoch ms>,
//! "what": "…", "name": "…"}` — the case's opening begun and ended, each command as
//! the shell receives it, and the engine call of each command of the window's first
//! view begun and ended (`timed`). `scripts/measure-app.mjs` sets it and reads the
//! file back, next to the web view's own marks. Without the variable nothing is
//! noted and `timed` only awaits its future.

use std::fs::File;
use std::future::Future;
use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

/// The most lines noted: a window left open does not grow the file without end.
const MOST_LINES: usize = 2_000;

struct Sink {
    file: File,
    lines: usize,
}

fn sink() -> Option<&'static Mutex<Sink>> {
    static SINK: OnceLock<Option<Mutex<Sink>>> = OnceLock::new();
    SINK.get_or_init(|| {
        let path = std::env::var_os("WEFT_TIMINGS").filter(|path| !path.is_empty())?;
        let path = std::path::PathBuf::from(path);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|error| eprintln!("weft-app: WEFT_TIMINGS {}: {error}", path.display()))
            .ok()?;
        Some(Mutex::new(Sink { file, lines: 0 }))
    })
    .as_ref()
}

/// Notes moment `what` of `name` (a command, the case) now, when timings are on.
pub fn note(what: &str, name: &str) {
    let Some(sink) = sink() else { return };
    let at_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64() * 1000.0);
    let mut sink = sink.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if sink.lines >= MOST_LINES {
        return;
    }
    sink.lines += 1;
    let line = serde_json::json!({ "at_ms": at_ms, "what": what, "name": name });
    // A failed write loses a measurement, never the command.
    let _ = writeln!(sink.file, "{line}");
}

/// Awaits `work`, noting when it began and ended under `name`.
pub async fn timed<T>(name: &str, work: impl Future<Output = T>) -> T {
    note("begin", name);
    let out = work.await;
    note("end", name);
    out
}

/// `handler`, noting when the shell received each command (its name) first.
pub fn received(
    handler: impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static,
) -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    move |invoke| {
        note("received", invoke.message.command());
        handler(invoke)
    }
}
