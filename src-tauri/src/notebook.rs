//! The postmortem notebook's commands (issue 18), for the app's Notebook view: the
//! marks with their notes as trees (`weft::notebook::markdown`) and the timeline's
//! groups, adding, editing and removing a mark, a note's tree for a live preview,
//! and writing the report to a path (the save dialog that picks it is the UI's
//! next step). Each is one engine call; times cross as decimal strings (JavaScript
//! numbers cannot hold nanoseconds exactly), as in `search.rs`.

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use weft::notebook::markdown::{self, Block};
use weft::notebook::{self, Mark, MarkEdit, MarkTarget, NewMark};
use weft::report::{self, ReportError, ReportFormat};
use weft::store::{MarkError, Reader};
use weft::{Store, StoreError};

use crate::case::Case;
use crate::error::{ApiError, Code};

/// A mark as the Notebook view shows it: `weft marks --json` with the times as
/// decimal strings and the note also as a tree to render with elements.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct WireMark {
    pub id: i64,
    /// trace, span, log, range, search or note.
    pub kind: String,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    pub log_id: Option<i64>,
    pub from_ns: Option<String>,
    pub to_ns: Option<String>,
    pub query: Option<String>,
    /// Markdown, as written.
    pub note: String,
    /// The note as blocks (no HTML in them).
    pub note_blocks: Vec<Block>,
    pub tags: Vec<String>,
    pub author: String,
    pub created_ns: String,
    pub at_ns: String,
    /// The span, trace or log it points at is no longer in the case.
    pub target_missing: bool,
    pub colour: Option<String>,
    pub phase: Option<String>,
    pub position: i64,
}

impl From<Mark> for WireMark {
    fn from(mark: Mark) -> Self {
        WireMark {
            note_blocks: markdown::parse(&mark.note),
            id: mark.id,
            kind: mark.kind,
            trace_id: mark.trace_id,
            span_id: mark.span_id,
            log_id: mark.log_id,
            from_ns: mark.from_ns.map(|ns| ns.to_string()),
            to_ns: mark.to_ns.map(|ns| ns.to_string()),
            query: mark.query,
            note: mark.note,
            tags: mark.tags,
            author: mark.author,
            created_ns: mark.created_ns.to_string(),
            at_ns: mark.at_ns.to_string(),
            target_missing: mark.target_missing,
            colour: mark.colour,
            phase: mark.phase,
            position: mark.position,
        }
    }
}

/// One heading of the timeline: its phase (`None`: marks without one) and its
/// marks' ids in order.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct WireGroup {
    pub phase: Option<String>,
    pub mark_ids: Vec<i64>,
}

/// The notebook: every mark in timeline order, the timeline's groups, and the
/// standard phases the view offers as headings.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Notebook {
    pub marks: Vec<WireMark>,
    pub groups: Vec<WireGroup>,
    pub phases: Vec<String>,
}

/// A mark to add. `kind` says which of the target fields count: trace (trace_id),
/// span (trace_id, span_id), log (log_id), range (from_ns, to_ns), search (query),
/// note (none; `at_ns` is its time).
#[derive(Debug, Clone, PartialEq, Deserialize, ts_rs::TS)]
pub struct WireNewMark {
    pub kind: String,
    #[ts(optional)]
    pub trace_id: Option<String>,
    #[ts(optional)]
    pub span_id: Option<String>,
    #[ts(optional)]
    pub log_id: Option<i64>,
    #[ts(optional)]
    pub from_ns: Option<String>,
    #[ts(optional)]
    pub to_ns: Option<String>,
    #[ts(optional)]
    pub query: Option<String>,
    pub note: String,
    pub tags: Vec<String>,
    #[ts(optional)]
    pub colour: Option<String>,
    /// The time of the evidence; default its own (a note's: now).
    #[ts(optional)]
    pub at_ns: Option<String>,
    #[ts(optional)]
    pub phase: Option<String>,
    /// The author setting; default the OS user name.
    #[ts(optional)]
    pub author: Option<String>,
}

/// Changes to a mark: each field given replaces that one; an empty `colour` or
/// `phase` clears it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct WireMarkEdit {
    #[ts(optional)]
    pub note: Option<String>,
    #[ts(optional)]
    pub tags: Option<Vec<String>>,
    #[ts(optional)]
    pub colour: Option<String>,
    #[ts(optional)]
    pub at_ns: Option<String>,
    #[ts(optional)]
    pub phase: Option<String>,
    #[ts(optional)]
    pub position: Option<i64>,
}

impl From<MarkError> for ApiError {
    fn from(error: MarkError) -> Self {
        let code = match error {
            MarkError::UnknownTrace(_)
            | MarkError::UnknownSpan { .. }
            | MarkError::UnknownLog(_)
            | MarkError::NoMark(_) => Code::NotFound,
            MarkError::BackwardRange { .. } | MarkError::EmptyQuery | MarkError::BadQuery(_) => {
                Code::BadInput
            }
        };
        ApiError::new(code, error.to_string())
    }
}

impl From<ReportError> for ApiError {
    fn from(error: ReportError) -> Self {
        match error {
            ReportError::Store(error) => error.into(),
            ReportError::Write { .. } => ApiError::new(Code::BadInput, error.to_string()),
        }
    }
}

/// A time of the UI: a decimal string of Unix nanoseconds.
fn time_arg(name: &str, text: &str) -> Result<i64, ApiError> {
    text.trim().parse().map_err(|_| {
        ApiError::new(
            Code::BadInput,
            format!("{name}: `{text}` is not a time in ns"),
        )
    })
}

fn optional_time(name: &str, text: Option<&str>) -> Result<Option<i64>, ApiError> {
    text.map(|text| time_arg(name, text)).transpose()
}

/// The engine's mark of a `WireNewMark`, written by `author` at `created_ns`.
fn new_mark(draft: WireNewMark, created_ns: i64) -> Result<NewMark, ApiError> {
    let missing = |field: &str| {
        ApiError::new(
            Code::BadInput,
            format!("a {} mark needs {field}", draft.kind),
        )
    };
    let trace = || -> Result<weft::TraceId, ApiError> {
        Ok(draft
            .trace_id
            .as_deref()
            .ok_or_else(|| missing("trace_id"))?
            .parse()?)
    };
    let target = match draft.kind.as_str() {
        "trace" => MarkTarget::Trace(trace()?),
        "span" => MarkTarget::Span(
            trace()?,
            draft
                .span_id
                .as_deref()
                .ok_or_else(|| missing("span_id"))?
                .parse()?,
        ),
        "log" => MarkTarget::Log(draft.log_id.ok_or_else(|| missing("log_id"))?),
        "range" => MarkTarget::Range {
            from_ns: time_arg(
                "from_ns",
                draft.from_ns.as_deref().ok_or_else(|| missing("from_ns"))?,
            )?,
            to_ns: time_arg(
                "to_ns",
                draft.to_ns.as_deref().ok_or_else(|| missing("to_ns"))?,
            )?,
        },
        "search" => MarkTarget::Search(draft.query.clone().ok_or_else(|| missing("query"))?),
        "note" => MarkTarget::Note,
        other => {
            return Err(ApiError::new(
                Code::BadInput,
                format!("`{other}` is not a kind of mark (trace, span, log, range, search, note)"),
            ))
        }
    };
    Ok(NewMark {
        target,
        note: draft.note,
        tags: draft.tags,
        colour: draft.colour,
        author: notebook::author(draft.author.as_deref(), |name| std::env::var(name).ok()),
        created_ns,
        at_ns: optional_time("at_ns", draft.at_ns.as_deref())?,
        phase: draft.phase,
        position: 0,
    })
}

/// The notebook of the case `reader` reads.
pub async fn read_notebook(reader: &Reader) -> Result<Notebook, StoreError> {
    let marks = reader.marks().await?;
    let groups = notebook::timeline(&marks)
        .into_iter()
        .map(|group| WireGroup {
            phase: group.phase,
            mark_ids: group.marks.iter().map(|mark| mark.id).collect(),
        })
        .collect();
    Ok(Notebook {
        marks: marks.into_iter().map(WireMark::from).collect(),
        groups,
        phases: notebook::PHASES
            .iter()
            .map(|phase| phase.to_string())
            .collect(),
    })
}

/// Adds `draft` to the case of `store`; the new mark's id.
pub async fn add(store: &Store, draft: WireNewMark, created_ns: i64) -> Result<i64, ApiError> {
    let mark = new_mark(draft, created_ns)?;
    Ok(store.writer().await?.add_mark(mark).await??)
}

/// Changes mark `id` of the case of `store`.
pub async fn edit(store: &Store, id: i64, edit: WireMarkEdit) -> Result<(), ApiError> {
    let edit = MarkEdit {
        note: edit.note,
        tags: edit.tags,
        colour: edit.colour,
        at_ns: optional_time("at_ns", edit.at_ns.as_deref())?,
        phase: edit.phase,
        position: edit.position,
    };
    Ok(store.writer().await?.edit_mark(id, edit).await??)
}

/// Every mark with its note as a tree, and the timeline's groups.
#[tauri::command]
pub async fn list_marks(case: State<'_, Case>) -> Result<Notebook, ApiError> {
    let reader = case.reader()?;
    Ok(crate::timings::timed("list_marks", read_notebook(&reader)).await?)
}

/// Adds a mark; its id. Its author is `draft.author`, else the OS user name.
#[tauri::command]
pub async fn add_mark(case: State<'_, Case>, draft: WireNewMark) -> Result<i64, ApiError> {
    add(&case.current().store()?, draft, weft::time::now_ns()).await
}

/// Changes mark `id`.
#[tauri::command]
pub async fn edit_mark(case: State<'_, Case>, id: i64, edit: WireMarkEdit) -> Result<(), ApiError> {
    self::edit(&case.current().store()?, id, edit).await
}

/// Removes mark `id`; whether there was one.
#[tauri::command]
pub async fn remove_mark(case: State<'_, Case>, id: i64) -> Result<bool, ApiError> {
    Ok(case
        .current()
        .store()?
        .writer()
        .await?
        .remove_mark(id)
        .await?)
}

/// A note's tree, for a preview while it is written.
#[tauri::command]
pub async fn render_note(note: String) -> Result<Vec<Block>, ApiError> {
    Ok(markdown::parse(&note))
}

/// Asks where to write the report (File → Export report…): the path chosen and the
/// format its extension names (`.md` Markdown, anything else HTML with `.html`
/// added when it has no extension); `None` when the dialog is cancelled.
#[tauri::command]
pub async fn choose_report_path<R: Runtime>(
    app: AppHandle<R>,
) -> Result<Option<ReportTarget>, ApiError> {
    let dialog = app
        .dialog()
        .file()
        .set_title("Export report")
        .set_file_name("report.html")
        .add_filter("HTML report", &["html"])
        .add_filter("Markdown report", &["md"]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(|error| ApiError::new(Code::BadInput, error.to_string()))?;
    Ok(picked
        .and_then(|path| path.into_path().ok())
        .map(|path| report_target(&path)))
}

/// Where a report goes and in which format.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ReportTarget {
    pub path: String,
    pub format: ReportFormat,
}

/// The format a chosen path names by its extension: `.md`/`.markdown` Markdown,
/// `.html`/`.htm` HTML; any other (or none) HTML with `.html` added.
fn report_target(path: &std::path::Path) -> ReportTarget {
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase);
    let (path, format) = match extension.as_deref() {
        Some("md" | "markdown") => (path.to_path_buf(), ReportFormat::Markdown),
        Some("html" | "htm") => (path.to_path_buf(), ReportFormat::Html),
        _ => {
            let mut name = path.as_os_str().to_os_string();
            name.push(".html");
            (std::path::PathBuf::from(name), ReportFormat::Html)
        }
    };
    ReportTarget {
        path: path.display().to_string(),
        format,
    }
}

/// Writes the report of the case to `path` in `format`; the files written.
#[tauri::command]
pub async fn export_report(
    case: State<'_, Case>,
    path: String,
    format: ReportFormat,
) -> Result<Vec<String>, ApiError> {
    let open = case.current();
    let reader = open.reader()?;
    let written =
        report::write_report(&reader, open.path(), format, std::path::Path::new(&path)).await?;
    Ok(written
        .iter()
        .map(|path| path.display().to_string())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chosen_extension_names_the_report_format() {
        let target = |path: &str| report_target(std::path::Path::new(path));
        assert_eq!(target("/tmp/r.md").format, ReportFormat::Markdown);
        assert_eq!(target("/tmp/r.MD").path, "/tmp/r.MD");
        assert_eq!(target("/tmp/r.html").format, ReportFormat::Html);
        assert_eq!(target("/tmp/r.htm").path, "/tmp/r.htm");
        assert_eq!(
            target("/tmp/report"),
            ReportTarget {
                path: "/tmp/report.html".into(),
                format: ReportFormat::Html
            }
        );
        assert_eq!(target("/tmp/r.txt").path, "/tmp/r.txt.html");
    }

    fn draft(kind: &str) -> WireNewMark {
        WireNewMark {
            kind: kind.into(),
            trace_id: None,
            span_id: None,
            log_id: None,
            from_ns: None,
            to_ns: None,
            query: None,
            note: String::new(),
            tags: Vec::new(),
            colour: None,
            at_ns: None,
            phase: None,
            author: Some("ana".into()),
        }
    }

    #[tokio::test]
    async fn marks_are_added_listed_edited_and_removed_with_exact_times() {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("case.weft");
        let store = Store::open(&case).await.unwrap();
        let mut note = draft("note");
        note.note = "deploy <b>3.2.1</b>".into();
        note.at_ns = Some("1793700000123456789".into());
        note.phase = Some("impact".into());
        let id = add(&store, note, 1).await.unwrap();
        let mut range = draft("range");
        range.from_ns = Some("1793700000000000001".into());
        range.to_ns = Some("1793700060000000001".into());
        let range_id = add(&store, range, 2).await.unwrap();

        let notebook = read_notebook(&store.reader().await.unwrap()).await.unwrap();
        assert_eq!(notebook.marks.len(), 2);
        let first = &notebook.marks[1];
        assert_eq!(first.id, id);
        assert_eq!(
            first.at_ns, "1793700000123456789",
            "exact through the boundary"
        );
        assert_eq!(first.author, "ana");
        assert_eq!(
            first.note_blocks,
            markdown::parse("deploy <b>3.2.1</b>"),
            "the note's tree travels with it"
        );
        assert_eq!(
            notebook.marks[0].from_ns.as_deref(),
            Some("1793700000000000001")
        );
        assert_eq!(notebook.groups.len(), 2);
        assert_eq!(
            notebook.phases,
            ["detection", "impact", "mitigation", "resolution"]
        );

        let change = WireMarkEdit {
            note: Some("deploy of 3.2.1".into()),
            at_ns: Some("5".into()),
            ..WireMarkEdit::default()
        };
        edit(&store, id, change).await.unwrap();
        let notebook = read_notebook(&store.reader().await.unwrap()).await.unwrap();
        assert_eq!(notebook.marks[0].id, id, "now first in time");
        assert_eq!(notebook.marks[0].note, "deploy of 3.2.1");
        assert!(store
            .writer()
            .await
            .unwrap()
            .remove_mark(range_id)
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn bad_marks_are_refused_with_a_code() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("case.weft")).await.unwrap();
        let mut trace = draft("trace");
        trace.trace_id = Some("00000000000000000000000000000001".into());
        assert_eq!(
            add(&store, trace, 1).await.unwrap_err().code,
            Code::NotFound
        );
        let mut bad_id = draft("trace");
        bad_id.trace_id = Some("xyz".into());
        assert_eq!(
            add(&store, bad_id, 1).await.unwrap_err().code,
            Code::BadInput
        );
        assert_eq!(
            add(&store, draft("span"), 1).await.unwrap_err().code,
            Code::BadInput
        );
        assert_eq!(
            add(&store, draft("bogus"), 1).await.unwrap_err().code,
            Code::BadInput
        );
        let mut time = draft("note");
        time.at_ns = Some("soon".into());
        assert_eq!(add(&store, time, 1).await.unwrap_err().code, Code::BadInput);
        let missing = edit(&store, 7, WireMarkEdit::default()).await.unwrap_err();
        assert_eq!(missing.code, Code::NotFound);
    }

    #[tokio::test]
    async fn the_report_is_written_where_asked_and_a_bad_path_is_bad_input() {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("case.weft");
        let store = Store::open(&case).await.unwrap();
        let mut note = draft("note");
        note.note = "<script>x</script>".into();
        add(&store, note, 1).await.unwrap();
        let reader = store.reader().await.unwrap();
        let out = dir.path().join("report.html");
        report::write_report(&reader, &case, ReportFormat::Html, &out)
            .await
            .unwrap();
        let html = std::fs::read_to_string(&out).unwrap();
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;") && !html.contains("<script>"));
        let error = report::write_report(
            &reader,
            &case,
            ReportFormat::Html,
            &dir.path().join("no/such/dir/r.html"),
        )
        .await
        .unwrap_err();
        assert_eq!(ApiError::from(error).code, Code::BadInput);
    }
}
