//! The commands the window calls, each one engine call on the open case (or one
//! step of the shell's own: a load's cancel, the open-files dialog). Shapes are the
//! engine's `Serialize` structs (the CLI's `--json` contract); errors are
//! `ApiError`. Every command here is listed in `command_list.rs` (with its
//! arguments and result) and granted in `capabilities/main.json`, which a test
//! checks. The search commands are in `search.rs`.

use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use weft::store::{SourceView, Stats};

use crate::case::{Case, OpenCase};
use crate::error::{ApiError, Code};
use crate::loads::Loads;
use crate::timings::timed;

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct CaseInfo {
    pub path: String,
    pub stats: Stats,
}

/// The case's path and its counts (sources, traces, spans, logs by link state).
#[tauri::command]
pub async fn case_info(case: State<'_, Case>) -> Result<CaseInfo, ApiError> {
    let open = case.current();
    let stats = timed("case_info", open.reader()?.stats()).await?;
    let path = open.path().display().to_string();
    Ok(CaseInfo { path, stats })
}

/// The `weft://` link the app was started with (`weft-app 'weft://…'`, see `case.rs`).
pub struct LaunchLink(pub Option<String>);

/// What the window needs once, at start: the link to open and what can be loaded.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct LaunchInfo {
    /// The `weft://` link of the command line, if any: the UI opens that place.
    pub link: Option<String>,
    /// The names of the formats a case reads (`weft::formats::FORMATS`), for the
    /// empty case's "drop files" hint.
    pub formats: Vec<String>,
    /// The logger dialects `json-log` reads (`weft::formats::dialects::DIALECTS`), for
    /// Help → Formats.
    pub dialects: Vec<String>,
    /// The app's version, from the build (Help → About).
    pub version: String,
}

/// The launch link, the format and dialect names and the version.
#[tauri::command]
pub async fn launch_info(link: State<'_, LaunchLink>) -> Result<LaunchInfo, ApiError> {
    let formats = weft::formats::FORMATS
        .iter()
        .map(|format| format.name().to_string())
        .collect();
    Ok(LaunchInfo {
        link: link.0.clone(),
        formats,
        dialects: weft::formats::dialects::DIALECTS
            .iter()
            .map(|dialect| dialect.name.to_string())
            .collect(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    })
}

/// A source as the sidebar shows it: the engine's `SourceView` plus the service its
/// records without one carry, and whether the user gave that name.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct WireSource {
    #[serde(flatten)]
    pub source: SourceView,
    pub service: String,
    pub service_given: bool,
}

/// Every source of the case, in load order.
#[tauri::command]
pub async fn list_sources(case: State<'_, Case>) -> Result<Vec<WireSource>, ApiError> {
    let reader = case.reader()?;
    let both = async { tokio::try_join!(reader.sources(), reader.source_services()) };
    let (sources, services) = timed("list_sources", both).await?;
    Ok(sources
        .into_iter()
        .map(|source| {
            let (service, service_given) = services
                .iter()
                .find(|(id, _, _)| *id == source.id)
                .map(|(_, name, given)| (name.clone(), *given))
                .unwrap_or_default();
            WireSource {
                source,
                service,
                service_given,
            }
        })
        .collect())
}

/// Names the service of source `source_id`'s records that name none (empty: the
/// file name again). Waits for its write turn: a load gives it up between files.
#[tauri::command]
pub async fn set_source_service(
    case: State<'_, Case>,
    source_id: i64,
    name: String,
) -> Result<u64, ApiError> {
    if name.len() > 200 {
        return Err(ApiError::new(
            Code::BadInput,
            "a service name is at most 200 bytes",
        ));
    }
    let mut writer = case.current().store()?.writer().await?;
    let changed = writer.set_source_service(source_id, &name).await?;
    changed.ok_or_else(|| ApiError::new(Code::NotFound, format!("no source {source_id}")))
}

/// Loads the file of source `source_id` again (an interrupted or failed load starts
/// over clean); returns the load's id, as for dropped files.
#[tauri::command]
pub async fn resume_source<R: Runtime>(
    app: AppHandle<R>,
    case: State<'_, Case>,
    loads: State<'_, Loads>,
    source_id: i64,
) -> Result<Option<u64>, ApiError> {
    let source = source_of(&case.current(), source_id).await?;
    Ok(loads.enqueue(&app, vec![std::path::PathBuf::from(source.path)]))
}

/// Removes source `source_id` and everything it brought. Waits for its write turn.
#[tauri::command]
pub async fn remove_source(case: State<'_, Case>, source_id: i64) -> Result<(), ApiError> {
    source_of(&case.current(), source_id).await?;
    let mut writer = case.current().store()?.writer().await?;
    writer.remove_source(source_id).await?;
    Ok(())
}

/// Source `source_id` of the open case `open`, or `NotFound`.
pub(crate) async fn source_of(open: &OpenCase, source_id: i64) -> Result<SourceView, ApiError> {
    open.reader()?
        .sources()
        .await?
        .into_iter()
        .find(|source| source.id == source_id)
        .ok_or_else(|| ApiError::new(Code::NotFound, format!("no source {source_id}")))
}

/// Stops load `id` (its current file is rolled back); false when it is already over.
#[tauri::command]
pub fn cancel_load(loads: State<'_, Loads>, id: u64) -> bool {
    loads.cancel(id)
}

/// The trace and log files named on the command line (`weft-app trace.json`, see
/// `case.rs`), waiting for the window to listen to load events.
pub struct LaunchFiles(pub std::sync::Mutex<Vec<std::path::PathBuf>>);

/// Queues the files of the command line for loading into the open case, once: the
/// window calls it when it listens to load events, so their progress shows. Returns
/// the load's id (`None`: no files were named, or they were queued already).
#[tauri::command]
pub fn load_launch_files<R: Runtime>(
    app: AppHandle<R>,
    files: State<'_, LaunchFiles>,
    loads: State<'_, Loads>,
) -> Option<u64> {
    let paths = std::mem::take(&mut *files.0.lock().unwrap_or_else(|p| p.into_inner()));
    loads.enqueue(&app, paths)
}

/// Asks for files (or a folder) to load, as File → Open files… does.
#[tauri::command]
pub fn open_files<R: Runtime>(app: AppHandle<R>, folder: bool) {
    crate::menu::pick_and_load(&app, folder);
}
