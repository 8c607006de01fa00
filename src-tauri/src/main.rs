//! `weft-app`: the desktop window of Weft. Resolves which case to open (see
//! `case.rs`, `recent.rs`), opens it, builds the File menu (`menu.rs`) and the
//! window, and hands the window the commands of `command_list.rs` (the one list of
//! them; the code is in `commands.rs`, `follows.rs` and `search.rs`).
//! Dropped files and folders are queued for loading (`loads.rs`). All querying and
//! loading is the engine's; this crate only wires it to Tauri.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// First: the other modules and build.rs use its `command_list!`.
#[macro_use]
mod command_list;

#[cfg(test)]
mod bindings;
mod case;
mod commands;
mod error;
mod follows;
mod loads;
mod menu;
mod notebook;
mod quality;
mod recent;
mod sampling;
mod search;
mod services;

use std::path::PathBuf;
use std::process::ExitCode;

use case::{Case, Launch, OpenCase};
use follows::Follows;
use loads::Loads;
use recent::Recent;
use tauri::{DragDropEvent, Manager, WindowEvent};

/// As in the CLI: loads free on one thread what another allocated (decoders → writer).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The invoke handler of every command of `command_list!`.
macro_rules! handler {
    ($($module:ident :: $name:ident ($($arg:ident : $type:ty),* $(,)?) -> $result:ty;)*) => {
        tauri::generate_handler![$($module::$name),*]
    };
}

fn main() -> ExitCode {
    let (named, link) = match case::launch(std::env::args().skip(1), std::env::var_os("WEFT_CASE"))
    {
        Ok(Launch::Open { case, link }) => (case, link),
        Ok(Launch::Help) => {
            println!("{}", case::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("weft-app: {message}\n{}", case::USAGE);
            return ExitCode::from(2);
        }
    };
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Loads::default())
        .manage(Follows::default())
        .manage(commands::LaunchLink(link))
        .setup(move |app| {
            let handle = app.handle().clone();
            let path = named.clone().unwrap_or_else(|| last_or_default(&handle));
            let open = tauri::async_runtime::block_on(OpenCase::open(path));
            match open.reader() {
                // The window still opens and shows this error; the terminal gets it too.
                Err(error) => eprintln!("weft-app: {error}"),
                Ok(_) => menu::remember(&handle, open.path()),
            }
            let path = open.path().to_path_buf();
            app.manage(Case::new(open));
            let bar = menu::build(&handle)?;
            app.set_menu(bar)?;
            // The window is made here, after the state its commands need.
            let config = app
                .config()
                .app
                .windows
                .first()
                .cloned()
                .ok_or("no window")?;
            tauri::WebviewWindowBuilder::from_config(&handle, &config)?.build()?;
            menu::set_title(&handle, &path);
            Loads::start(&handle);
            Ok(())
        })
        .on_menu_event(menu::on_event)
        .on_window_event(|window, event| {
            if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                let app = window.app_handle();
                app.state::<Loads>().enqueue(app, paths.clone());
            }
        })
        .invoke_handler(command_list!(handler))
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("weft-app: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The case open when the app last closed, if its file is still there; else the default.
fn last_or_default<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> PathBuf {
    menu::recent_file(app)
        .and_then(|file| Recent::load(&file).last_open().map(PathBuf::from))
        .unwrap_or_else(weft::Store::default_path)
}
