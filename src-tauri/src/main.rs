//! `weft-app`: the desktop window of Weft. Resolves which case to open (see
//! `case.rs`), opens it, and hands the window the read-only commands of
//! `commands.rs`. All querying is the engine's; this crate only wires it to Tauri.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod case;
mod commands;
mod error;
mod search;

use std::process::ExitCode;

use case::{Case, Launch};

fn main() -> ExitCode {
    let launch = case::launch(
        std::env::args().skip(1),
        std::env::var_os("WEFT_CASE"),
        weft::Store::default_path,
    );
    let path = match launch {
        Ok(Launch::Open(path)) => path,
        Ok(Launch::Help) => {
            println!("{}", case::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("weft-app: {message}\n{}", case::USAGE);
            return ExitCode::from(2);
        }
    };
    let case = tauri::async_runtime::block_on(Case::open(path));
    if let Err(error) = case.reader() {
        // The window still opens and shows this error; the terminal gets it too.
        eprintln!("weft-app: {error}");
    }
    let result = tauri::Builder::default()
        .manage(case)
        .invoke_handler(tauri::generate_handler![
            commands::case_info,
            commands::list_sources,
            search::list_traces,
            search::search_logs,
            search::log_histogram,
            search::log_facets,
            search::get_trace,
            search::logs_of_span,
            search::log_context,
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("weft-app: {error}");
            ExitCode::FAILURE
        }
    }
}
