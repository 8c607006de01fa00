//! File → Export…: the records of the open trace, of the current search (its
//! traces and logs) or of the whole case written as OTLP. The save dialog is the
//! shell's (the window has no dialog permission); the export is the engine's one
//! function, `weft::export::export_to_file`, whose writing runs on a blocking thread.

use serde::Deserialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use weft::export::{export_to_file, ExportCounts, ExportError, ExportFormat};
use weft::store::RecordSelection;
use weft::TraceId;

use crate::case::Case;
use crate::error::{ApiError, Code};
use crate::search::parse_query;

/// What to export: one trace, the traces and logs of a query, or (neither) the case.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportScope {
    #[ts(optional)]
    pub trace_id: Option<String>,
    #[ts(optional)]
    pub query: Option<String>,
}

/// Asks where to write an export in `format`; `None` when the dialog is cancelled.
#[tauri::command]
pub async fn choose_export_path<R: Runtime>(
    app: AppHandle<R>,
    format: ExportFormat,
) -> Result<Option<String>, ApiError> {
    let dialog = app
        .dialog()
        .file()
        .set_title("Export as OTLP")
        .set_file_name(format!("export.{}", format.extension()))
        .add_filter(format.name(), &[format.extension()]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(|error| ApiError::new(Code::BadInput, error.to_string()))?;
    Ok(picked
        .and_then(|path| path.into_path().ok())
        .map(|path| path.display().to_string()))
}

/// Writes the records of `scope` to `path` in `format`; what was written.
#[tauri::command]
pub async fn export_records(
    case: State<'_, Case>,
    path: String,
    format: ExportFormat,
    scope: ExportScope,
) -> Result<ExportCounts, ApiError> {
    let selection = selection_of(&scope)?;
    let open = case.current();
    let reader = open.reader()?;
    export_to_file(&reader, &selection, std::path::Path::new(&path), format)
        .await
        .map_err(|error| match error {
            ExportError::Store(error) => ApiError::from(error),
            other => ApiError::new(Code::BadInput, other.to_string()),
        })
}

/// The engine's selection of a scope: a trace id and a query are both checked.
fn selection_of(scope: &ExportScope) -> Result<RecordSelection, ApiError> {
    let trace_ids = match scope.trace_id.as_deref() {
        Some(text) => vec![text.parse::<TraceId>()?],
        None => Vec::new(),
    };
    let query = match scope.query.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => Some(parse_query(text)?),
        _ => None,
    };
    Ok(RecordSelection { query, trace_ids })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_becomes_the_engine_selection_and_bad_input_is_refused() {
        let whole = selection_of(&ExportScope::default()).unwrap();
        assert!(whole.is_whole_case());
        let trace = selection_of(&ExportScope {
            trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
            query: None,
        })
        .unwrap();
        assert_eq!(trace.trace_ids.len(), 1);
        assert!(trace.query.is_none());
        let bad = selection_of(&ExportScope {
            trace_id: Some("not hex".into()),
            query: None,
        });
        assert_eq!(bad.unwrap_err().code, Code::BadInput);
        let bad_query = selection_of(&ExportScope {
            trace_id: None,
            query: Some("duration:>".into()),
        });
        assert_eq!(bad_query.unwrap_err().code, Code::Query);
    }
}
