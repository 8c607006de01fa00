//! Whether WebKitGTK composites the window: off on a machine with no GPU render node,
//! unless the user chose through `WEBKIT_DISABLE_COMPOSITING_MODE`. Decides once, in
//! `main`, before Tauri or WebKit start; the web process inherits the variable.
//! Leaves everything else about WebKit (the DMA-BUF renderer, the hardware acceleration
//! policy) to WebKit's own defaults.
//!
//! Why: WebKitGTK's compositing mode draws through its GL compositor; with no render
//! node (no `/dev/dri/renderD*`: a VM, a container, Xvfb on a server, a machine with no
//! GPU driver) Mesa runs that compositor in software and it costs each frame more than
//! the page itself. Measured back to back on the release build under Xvfb, WebKitGTK
//! 2.50.6, 2 shared cores at load 6–9, no `/dev/dri`, composited → not composited
//! (median/p95 frame, `make measure-frames`, `make measure-app PARTS=trace`):
//! an empty page 16/20 → 16/17 ms; one repainted 900×700 canvas 24–29/32–41 → 16/18–24 ms;
//! the 16 M px scroller with its sticky canvas 36–40/48–50 → 16/18–20 ms; the 1M-span
//! waterfall scrolled a viewport per frame 35/52 ms (27 frames/s) → 16/18 ms (77), the
//! 10k-span one 37/52 → 12/18 ms, End on the 1M-span trace 146 → 37 ms; the idle web
//! process 290 → 197 MiB; launch → first contentful paint 1171–1425 → 1071–1240 ms
//! (p50 of 5–10 launches). With a render node the compositor runs on the GPU and
//! WebKit's default stays.
//!
//! WebKit reads the variable as "set and not `0` turns compositing off"
//! (`HardwareAccelerationManager`), so `0` keeps compositing on a machine without a
//! render node, and any value the user set is left as it is. WebKit takes its render
//! node from `WEBKIT_WEB_RENDER_DEVICE_FILE` when that is set, else from EGL, which
//! names one of `/dev/dri/renderD*`; the same two places are looked at here.

use std::ffi::{OsStr, OsString};
use std::path::Path;

/// The variable WebKitGTK reads (once, in the UI process) to turn its compositing off.
pub const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
/// The render node WebKitGTK uses instead of asking EGL, when set.
pub const RENDER_DEVICE_FILE: &str = "WEBKIT_WEB_RENDER_DEVICE_FILE";
/// Where the kernel puts the GPUs' device files.
pub const DRI: &str = "/dev/dri";

/// What `main` does with `WEBKIT_DISABLE_COMPOSITING_MODE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compositing {
    /// The user set the variable: their value stands, whatever it is.
    UserChoice,
    /// A render node is there: WebKit composites on the GPU, as it does by default.
    Gpu,
    /// No render node: the app sets the variable to `1` (compositing off).
    TurnOff,
}

/// The decision, from the variable as the user left it and whether a render node exists.
pub fn decide(user_value: Option<&OsStr>, render_node: bool) -> Compositing {
    match (user_value, render_node) {
        (Some(_), _) => Compositing::UserChoice,
        (None, true) => Compositing::Gpu,
        (None, false) => Compositing::TurnOff,
    }
}

/// Whether `dri` (normally `/dev/dri`) holds a render node (`renderD128`, …). A folder
/// that is missing or cannot be read holds none.
pub fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Whether WebKit will find a render node: the file `WEBKIT_WEB_RENDER_DEVICE_FILE`
/// names, if it is set and not empty and exists, else one in `dri`.
pub fn render_node_present(device_file: Option<&OsStr>, dri: &Path) -> bool {
    match device_file.filter(|file| !file.is_empty()) {
        Some(file) => Path::new(file).exists(),
        None => has_render_node(dri),
    }
}

/// Applies the decision to this process's environment and returns it. Must run before
/// any other thread starts (the first line of `main`): nothing reads the environment yet.
pub fn apply() -> Compositing {
    let user_value: Option<OsString> = std::env::var_os(DISABLE_COMPOSITING);
    let device_file = std::env::var_os(RENDER_DEVICE_FILE);
    let render_node = render_node_present(device_file.as_deref(), Path::new(DRI));
    let decision = decide(user_value.as_deref(), render_node);
    if decision == Compositing::TurnOff {
        std::env::set_var(DISABLE_COMPOSITING, "1");
    }
    decision
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_render_node_and_no_choice_turns_compositing_off() {
        assert_eq!(decide(None, false), Compositing::TurnOff);
    }

    #[test]
    fn a_render_node_keeps_webkits_default() {
        assert_eq!(decide(None, true), Compositing::Gpu);
    }

    #[test]
    fn the_users_value_wins_with_or_without_a_render_node() {
        for value in ["1", "0", "", "yes"] {
            for render_node in [false, true] {
                assert_eq!(
                    decide(Some(OsStr::new(value)), render_node),
                    Compositing::UserChoice,
                    "{value:?}, render node {render_node}"
                );
            }
        }
    }

    #[test]
    fn a_render_node_is_a_renderd_entry_of_the_dri_folder() {
        let dri = tempfile::tempdir().unwrap();
        assert!(!has_render_node(dri.path()), "an empty folder");
        std::fs::write(dri.path().join("card0"), "").unwrap();
        std::fs::create_dir(dri.path().join("by-path")).unwrap();
        assert!(
            !has_render_node(dri.path()),
            "a primary node is not a render node"
        );
        std::fs::write(dri.path().join("renderD128"), "").unwrap();
        assert!(has_render_node(dri.path()));
        assert!(!has_render_node(&dri.path().join("missing")), "no folder");
    }

    #[test]
    fn webkits_render_device_variable_is_looked_at_first() {
        let dri = tempfile::tempdir().unwrap();
        let device = dri.path().join("my-gpu");
        assert!(!render_node_present(Some(device.as_os_str()), dri.path()));
        std::fs::write(&device, "").unwrap();
        assert!(render_node_present(Some(device.as_os_str()), dri.path()));
        assert!(
            !render_node_present(Some(OsStr::new("")), dri.path()),
            "empty: the folder"
        );
        std::fs::write(dri.path().join("renderD129"), "").unwrap();
        assert!(render_node_present(None, dri.path()));
        assert!(render_node_present(Some(OsStr::new("")), dri.path()));
    }
}
