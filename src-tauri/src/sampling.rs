//! The sampling panel's commands (issue 17): what an OpenTelemetry Collector tail
//! sampling configuration, pasted or loaded into the panel, would have kept of the
//! case's traces, with the dropped error and slow traces to open. Each simulation
//! the panel runs is applied: its policy text and every trace's decision are kept
//! in the case (`Writer::apply_sampling`), so the trace list's `sampled:kept` /
//! `sampled:dropped` show what the panel shows, and reopening the case shows the
//! policy again (`applied_sampling`). "Load config…" opens the file dialog here,
//! in the shell (the window has no dialog permission), and reads the file with
//! the engine's `read_policy_file` (size-limited, a non-UTF-8 byte named).

use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use weft::analysis::sampling::{parse_config, read_policy_file, SamplingOutcome};
use weft::store::AppliedSampling;

use crate::case::Case;
use crate::error::{ApiError, Code};
use crate::search::parse_query;

/// How many lost traces the panel lists (`lost_total` says how many there are).
const LOST_SHOWN: usize = 200;

/// Simulates `config` (a Collector configuration, or its `tail_sampling` section)
/// over the case's traces, those matching `query` when given, and applies it (see
/// the module comment). A bad config is a `bad_input` error naming its YAML line.
#[tauri::command]
pub async fn simulate_sampling(
    case: State<'_, Case>,
    config: String,
    query: Option<String>,
) -> Result<SamplingOutcome, ApiError> {
    let policy = parse_config(&config).map_err(|message| ApiError::new(Code::BadInput, message))?;
    let query_text = query.as_deref().map(str::trim).unwrap_or_default();
    let parsed = match query_text {
        "" => None,
        text => Some(parse_query(text)?),
    };
    let open = case.current();
    let simulation = open
        .reader()?
        .simulate_sampling(&policy, parsed.as_ref())
        .await?;
    let decided = simulation
        .decided
        .iter()
        .map(|(trace_id, kept, _, _)| (*trace_id, *kept))
        .collect();
    open.store()?
        .writer()
        .await?
        .apply_sampling(&config, query_text, decided)
        .await?;
    Ok(SamplingOutcome::of(simulation, LOST_SHOWN))
}

/// The simulation applied last in the case (its policy text), if any.
#[tauri::command]
pub async fn applied_sampling(case: State<'_, Case>) -> Result<Option<AppliedSampling>, ApiError> {
    Ok(case.reader()?.applied_sampling().await?)
}

/// A policy file the user picked.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct PolicyFile {
    pub path: String,
    pub text: String,
}

/// Asks for a policy file and reads it; `None` when the dialog is cancelled. A file
/// too big or not UTF-8 is a `bad_input` error naming it.
#[tauri::command]
pub async fn load_sampling_config<R: Runtime>(
    app: AppHandle<R>,
) -> Result<Option<PolicyFile>, ApiError> {
    let dialog = app
        .dialog()
        .file()
        .set_title("Load a tail sampling policy")
        .add_filter("Collector configuration", &["yaml", "yml"]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .map_err(|error| ApiError::new(Code::BadInput, error.to_string()))?;
    let Some(path) = picked.and_then(|path| path.into_path().ok()) else {
        return Ok(None);
    };
    let text = read_policy_file(&path)
        .map_err(|error| ApiError::new(Code::BadInput, error.to_string()))?;
    Ok(Some(PolicyFile {
        path: path.display().to_string(),
        text,
    }))
}
