//! Build script: lets `tauri_build` embed the configuration and resolve the
//! capabilities. The app's own commands get generated `allow-…`/`deny-…`
//! permissions here, so `capabilities/main.json` can grant exactly them.

// The one list of commands (`command_list!`), shared with `main.rs`.
include!("src/command_list.rs");

/// Every command the window may call.
const COMMANDS: &[&str] = command_list!(command_names);

fn main() {
    println!("cargo:rerun-if-changed=src/command_list.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script failed");
}
