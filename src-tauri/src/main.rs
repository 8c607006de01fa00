//! `weft-app`: the desktop window of Weft. Resolves which case to open (see
//! `case.rs`, `recent.rs`), opens it, builds the File menu (`menu.rs`) and the
//! window, and hands the window the commands of `command_list.rs` (the one list of
//! them; the code is in `commands.rs`, `follows.rs`, `listen.rs` and `search.rs`).
//! Dropped files and folders are queued for loading (`loads.rs`), as are those named
//! on the command line. One instance runs per user session: a second launch (the
//! desktop's double-click on a case while Weft is open) hands its arguments to the
//! running window through D-Bus (tauri-plugin-single-instance) and exits before it
//! opens any case, so a case never gets a second writer process from the app.
//! All querying and loading is the engine's; this crate only wires it to Tauri.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// First: the other modules and build.rs use its `command_list!`.
#[macro_use]
mod command_list;

#[cfg(test)]
mod bindings;
mod case;
mod commands;
// WebKitGTK is the window's engine on Linux only.
#[cfg(target_os = "linux")]
mod compositing;
mod error;
mod export;
mod follows;
// JavaScriptCore's options reach WebKitGTK's web process through the environment.
#[cfg(target_os = "linux")]
mod js_heap;
mod listen;
mod loads;
mod menu;
mod notebook;
mod quality;
mod recent;
mod sampling;
mod search;
mod services;
mod timings;
mod trace_rows;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use case::{Case, Launch, OpenCase};
use follows::Follows;
use listen::Listening;
use loads::Loads;
use recent::Recent;
use tauri::{DragDropEvent, Emitter, Manager, RunEvent, WindowEvent};

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
    // First, before any thread or WebKit starts: compositing off where there is no GPU.
    #[cfg(target_os = "linux")]
    compositing::apply();
    // Also first: the web view's JavaScript heap collects before it grows far.
    #[cfg(target_os = "linux")]
    js_heap::apply();
    let launched = case::launch(
        std::env::args().skip(1),
        std::env::var_os("WEFT_CASE"),
        case::is_case_file,
    );
    let (named, link, files) = match launched {
        Ok(Launch::Open { case, link, files }) => (case, link, files),
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
        // First: a second launch forwards its arguments and exits in this plugin's setup.
        .plugin(tauri_plugin_single_instance::init(second_launch))
        .plugin(tauri_plugin_dialog::init())
        .manage(Loads::default())
        .manage(Follows::default())
        .manage(Listening::default())
        .manage(commands::LaunchLink(link))
        .manage(commands::LaunchFiles(std::sync::Mutex::new(files)))
        .setup(move |app| {
            let handle = app.handle().clone();
            let path = named.clone().unwrap_or_else(|| last_or_default(&handle));
            let open =
                tauri::async_runtime::block_on(timings::timed("case-open", OpenCase::open(path)));
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
            timings::note("begin", "window");
            tauri::WebviewWindowBuilder::from_config(&handle, &config)?.build()?;
            timings::note("end", "window");
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
        .invoke_handler(timings::received(command_list!(handler)))
        .build(tauri::generate_context!())
        .map(|app| {
            app.run(|handle, event| {
                // The Listen switch's receiver ends its sources before the process goes.
                if let RunEvent::Exit = event {
                    listen::stop_on_close(handle);
                }
            })
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("weft-app: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Another `weft-app` was started while this one runs (`argv` and `cwd` are its): its
/// case is opened here (when it names another one) and its files are loaded into the
/// case open then; the window comes to the front. A bad command line is shown as a
/// notice, as the other process has already exited.
fn second_launch<R: tauri::Runtime>(app: &tauri::AppHandle<R>, argv: Vec<String>, cwd: String) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    let cwd = Path::new(&cwd);
    let (case, files) = match case::launch(argv.into_iter().skip(1), None, |path| {
        case::is_case_file(&cwd.join(path))
    }) {
        Ok(Launch::Open { case, files, .. }) => (case.map(|path| cwd.join(path)), files),
        Ok(Launch::Help) => return,
        Err(message) => {
            let _ = app.emit(
                menu::EVENT_NOTICE,
                error::ApiError::new(error::Code::BadInput, format!("weft-app: {message}")),
            );
            return;
        }
    };
    let files: Vec<PathBuf> = files.into_iter().map(|path| cwd.join(path)).collect();
    let app = app.clone();
    // A thread of its own, as File → Open case: opening a case is not a `Send` future.
    std::thread::spawn(move || {
        let current = app.state::<Case>().current().path().to_path_buf();
        if let Some(case) =
            case.filter(|case| std::path::absolute(case).ok() != Some(current.clone()))
        {
            if let Err(error) = tauri::async_runtime::block_on(menu::switch_case(&app, case)) {
                let _ = app.emit(menu::EVENT_NOTICE, error);
                return;
            }
        }
        app.state::<Loads>().enqueue(&app, files);
    });
}

/// The case open when the app last closed, if its file is still there; else the default.
fn last_or_default<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> PathBuf {
    menu::recent_file(app)
        .and_then(|file| Recent::load(&file).last_open().map(PathBuf::from))
        .unwrap_or_else(weft::Store::default_path)
}
