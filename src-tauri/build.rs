//! Build script: lets `tauri_build` embed the configuration and resolve the
//! capabilities. The app's own commands get generated `allow-…`/`deny-…`
//! permissions here, so `capabilities/main.json` can grant exactly them.

/// Every command the window may call; keep in step with `main.rs`'s handler list.
const COMMANDS: &[&str] = &[
    "case_info",
    "list_sources",
    "set_source_service",
    "cancel_load",
    "open_files",
    "resume_source",
    "remove_source",
    "set_follow",
    "followed_sources",
    "list_traces",
    "search_logs",
    "log_histogram",
    "log_facets",
    "get_trace",
    "logs_of_span",
    "log_context",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script failed");
}
