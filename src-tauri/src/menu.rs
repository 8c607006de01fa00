//! The menu bar — File (Open files…, Open folder…, New case…, Open case…, Recent
//! cases, Quit), Edit, View and Help — and switching the open case. The items of
//! Edit, View and Help (but the standard Cut/Copy/Paste/Select All) are actions of
//! the window's action registry (`ui/src/lib/stores/actions.svelte.ts`): the menu
//! sends a `menu-action` event naming the action and the window runs it, so each
//! action exists once. File dialogs are the dialog plugin's, called from
//! here: the window never gets a dialog permission. A switch cancels the loads, stops
//! the followers,
//! waits for the writer lock, opens the new case, swaps it in, remembers it
//! (`recent.rs`) and tells the window with a `case-changed` event.

use std::path::PathBuf;

use serde::Serialize;
use tauri::menu::{Menu, MenuBuilder, MenuEvent, MenuItemBuilder, Submenu, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_dialog::DialogExt;

use crate::case::{Case, OpenCase};
use crate::error::ApiError;
use crate::follows::Follows;
use crate::loads::Loads;
use crate::recent::{self, Recent};

pub const EVENT_CASE_CHANGED: &str = "case-changed";
/// A failure the window should show that no command returned (a case that would not open).
pub const EVENT_NOTICE: &str = "notice";

const OPEN_FILES: &str = "open-files";
const OPEN_FOLDER: &str = "open-folder";
const NEW_CASE: &str = "new-case";
const OPEN_CASE: &str = "open-case";
const RECENT_PREFIX: &str = "recent:";
const NO_RECENT: &str = "recent-none";
/// File → Quit: Tauri's predefined Quit item does nothing on Linux, so this is ours.
const QUIT: &str = "quit";
/// The menu id of a registry action is this and the action's id.
const ACTION_PREFIX: &str = "action:";
/// The window runs the action this event names (`MenuAction`).
pub const EVENT_MENU_ACTION: &str = "menu-action";

/// A menu item chose an action of the window's registry.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct MenuAction {
    /// The action's id in `ui/src/lib/stores/actions.svelte.ts` (as App.svelte registers it).
    pub action: String,
}

/// A line of a menu: an action of the registry (id, label), or a separator.
type Line = Option<(&'static str, &'static str)>;

/// File, after the case items (the report is written from the case shown).
const FILE: &[Line] = &[
    Some(("records.export", "Export…")),
    Some(("report.export", "Export report…")),
];
/// Edit, after the standard Cut/Copy/Paste/Select All.
const EDIT: &[Line] = &[
    Some(("place.copy-link", "Copy link to this place")),
    Some(("search.focus", "Find…")),
];
/// View: themes, times, views and panes.
const VIEW: &[Line] = &[
    Some(("theme.system", "Theme: system")),
    Some(("theme.light", "Theme: light")),
    Some(("theme.dark", "Theme: dark")),
    None,
    Some(("time.utc", "Times: UTC")),
    Some(("time.local", "Times: local time zone")),
    Some(("time.relative", "Times: relative to the trace")),
    None,
    Some(("view.traces", "Traces")),
    Some(("view.logs", "Logs")),
    Some(("view.services", "Services")),
    Some(("view.quality", "Quality")),
    Some(("view.case", "Case")),
    Some(("view.notebook", "Notebook")),
    None,
    Some(("pane.details", "Show or hide span details")),
    Some(("pane.logs", "Show or hide the logs pane")),
];
/// Help.
const HELP: &[Line] = &[
    Some(("shortcuts.show", "Keyboard shortcuts")),
    Some(("help.formats", "Formats Weft reads")),
    None,
    Some(("help.about", "About Weft")),
];

/// Every registry action a menu item runs.
pub fn menu_actions() -> impl Iterator<Item = &'static str> {
    [FILE, EDIT, VIEW, HELP]
        .into_iter()
        .flatten()
        .flatten()
        .map(|(action, _)| *action)
}

/// The registry action of menu item `id`, if it is one of ours.
fn action_of(id: &str) -> Option<&'static str> {
    let wanted = id.strip_prefix(ACTION_PREFIX)?;
    menu_actions().find(|action| *action == wanted)
}

/// `menu` with `lines` added.
fn with_lines<'m, R: Runtime>(
    menu: SubmenuBuilder<'m, R, AppHandle<R>>,
    lines: &[Line],
) -> SubmenuBuilder<'m, R, AppHandle<R>> {
    lines.iter().fold(menu, |menu, line| match line {
        Some((action, label)) => menu.text(format!("{ACTION_PREFIX}{action}"), *label),
        None => menu.separator(),
    })
}

/// Managed state: the Recent cases submenu, rebuilt when the list changes.
pub struct RecentMenu<R: Runtime>(pub Submenu<R>);

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct CaseChanged {
    pub path: String,
}

/// Where the recent-cases list lives: the app's config folder.
pub fn recent_file<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    let dir = app.path().app_config_dir().ok()?;
    Some(dir.join(recent::FILE_NAME))
}

/// Builds the menu bar and manages the Recent cases submenu.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let recent = SubmenuBuilder::new(app, "Recent cases").build()?;
    let file = SubmenuBuilder::new(app, "File")
        .text(OPEN_FILES, "Open files…")
        .text(OPEN_FOLDER, "Open folder…")
        .separator()
        .text(NEW_CASE, "New case…")
        .text(OPEN_CASE, "Open case…")
        .item(&recent)
        .separator();
    let file = with_lines(file, FILE)
        .separator()
        .item(
            &MenuItemBuilder::with_id(QUIT, "Quit")
                .accelerator("CmdOrCtrl+Q")
                .build(app)?,
        )
        .build()?;
    // The standard items act on the focused text (the webview's own clipboard).
    let edit = SubmenuBuilder::new(app, "Edit")
        .cut()
        .copy()
        .paste()
        .select_all()
        .separator();
    let menu = MenuBuilder::new(app)
        .item(&file)
        .item(&with_lines(edit, EDIT).build()?)
        .item(&with_lines(SubmenuBuilder::new(app, "View"), VIEW).build()?)
        .item(&with_lines(SubmenuBuilder::new(app, "Help"), HELP).build()?)
        .build()?;
    app.manage(RecentMenu(recent));
    refresh_recent(app);
    Ok(menu)
}

/// Lists the remembered cases in File → Recent cases.
pub fn refresh_recent<R: Runtime>(app: &AppHandle<R>) {
    let Some(menu) = app.try_state::<RecentMenu<R>>() else {
        return;
    };
    let submenu = &menu.0;
    if let Ok(items) = submenu.items() {
        for item in items {
            let _ = submenu.remove(&item);
        }
    }
    let cases = recent_file(app)
        .map(|file| Recent::load(&file).cases)
        .unwrap_or_default();
    if cases.is_empty() {
        if let Ok(item) =
            tauri::menu::MenuItem::with_id(app, NO_RECENT, "(none)", false, None::<&str>)
        {
            let _ = submenu.append(&item);
        }
    }
    for (index, case) in cases.iter().enumerate() {
        let id = format!("{RECENT_PREFIX}{index}");
        let text = case.display().to_string();
        if let Ok(item) = tauri::menu::MenuItem::with_id(app, id, text, true, None::<&str>) {
            let _ = submenu.append(&item);
        }
    }
}

/// Puts `case` first in the remembered list and in the menu.
pub fn remember<R: Runtime>(app: &AppHandle<R>, case: &std::path::Path) {
    let Some(file) = recent_file(app) else { return };
    let mut recent = Recent::load(&file);
    recent.opened(case);
    if let Err(error) = recent.save(&file) {
        eprintln!(
            "weft-app: cannot remember recent cases in {}: {error}",
            file.display()
        );
    }
    refresh_recent(app);
}

/// What a menu item does.
pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let id = event.id().as_ref();
    if let Some(action) = action_of(id) {
        let _ = app.emit(
            EVENT_MENU_ACTION,
            MenuAction {
                action: action.to_string(),
            },
        );
        return;
    }
    match id {
        QUIT => app.exit(0),
        OPEN_FILES => pick_and_load(app, false),
        OPEN_FOLDER => pick_and_load(app, true),
        NEW_CASE => {
            let handle = app.clone();
            app.dialog()
                .file()
                .set_title("New case")
                .set_file_name("case.weft")
                .add_filter("Weft case", &["weft"])
                .save_file(move |path| {
                    if let Some(path) = path.and_then(|path| path.into_path().ok()) {
                        spawn_switch(&handle, with_weft_extension(path));
                    }
                });
        }
        OPEN_CASE => {
            let handle = app.clone();
            app.dialog()
                .file()
                .set_title("Open case")
                .add_filter("Weft case", &["weft"])
                .pick_file(move |path| {
                    if let Some(path) = path.and_then(|path| path.into_path().ok()) {
                        spawn_switch(&handle, path);
                    }
                });
        }
        _ => {
            if let Some(index) = id.strip_prefix(RECENT_PREFIX) {
                let cases = recent_file(app)
                    .map(|file| Recent::load(&file).cases)
                    .unwrap_or_default();
                if let Some(case) = index.parse::<usize>().ok().and_then(|at| cases.get(at)) {
                    spawn_switch(app, case.clone());
                }
            }
        }
    }
}

/// Asks for files (or one folder) and queues them for loading.
pub fn pick_and_load<R: Runtime>(app: &AppHandle<R>, folder: bool) {
    let handle = app.clone();
    let dialog = app.dialog().file();
    if folder {
        dialog.set_title("Load a folder").pick_folder(move |path| {
            let paths: Vec<PathBuf> = path
                .and_then(|path| path.into_path().ok())
                .into_iter()
                .collect();
            handle.state::<Loads>().enqueue(&handle, paths);
        });
    } else {
        dialog.set_title("Load files").pick_files(move |paths| {
            let paths: Vec<PathBuf> = paths
                .unwrap_or_default()
                .into_iter()
                .filter_map(|path| path.into_path().ok())
                .collect();
            handle.state::<Loads>().enqueue(&handle, paths);
        });
    }
}

fn with_weft_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_some() {
        path
    } else {
        path.with_extension("weft")
    }
}

fn spawn_switch<R: Runtime>(app: &AppHandle<R>, path: PathBuf) {
    let app = app.clone();
    // A thread of its own: opening a case (sqlx's migrations) is not a `Send` future.
    std::thread::spawn(move || {
        if let Err(error) = tauri::async_runtime::block_on(switch_case(&app, path)) {
            let _ = app.emit(EVENT_NOTICE, error);
        }
    });
}

/// Makes `path` the open case (created when missing). On failure the open case stays.
pub async fn switch_case<R: Runtime>(app: &AppHandle<R>, path: PathBuf) -> Result<(), ApiError> {
    let opened = OpenCase::open(path).await;
    opened.reader()?;
    let loads = app.state::<Loads>();
    loads.cancel_all();
    app.state::<Follows>().stop_all();
    // Listening is per case: the receiver ends its sources in the old case.
    app.state::<crate::listen::Listening>().stop(app).await;
    // The cancelled load and the stopped followers commit what they have; the new
    // case replaces the old one when no writer of the old one is at work.
    let _old_turn = match app.state::<Case>().current().store() {
        Ok(store) => Some(store.writer().await?),
        Err(_) => None,
    };
    let path = opened.path().to_path_buf();
    app.state::<Case>().replace(opened);
    remember(app, &path);
    set_title(app, &path);
    let _ = app.emit(
        EVENT_CASE_CHANGED,
        CaseChanged {
            path: path.display().to_string(),
        },
    );
    Ok(())
}

/// The window's title names the open case.
pub fn set_title<R: Runtime>(app: &AppHandle<R>, case: &std::path::Path) {
    if let Some(window) = app.get_webview_window("main") {
        let name = case
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = window.set_title(&format!("{name} — Weft"));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tauri::menu::MenuId;
    use tauri::Listener;

    use super::*;

    /// The menu's items reach the window as `menu-action` events naming the action;
    /// other ids (a File item, an unknown action) send none. Run through the real
    /// handler on Tauri's mock runtime (GTK menus cannot be clicked by WebDriver).
    #[test]
    fn a_menu_item_sends_its_action_to_the_window() {
        let app = tauri::test::mock_app();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        app.listen_any(EVENT_MENU_ACTION, move |event| {
            let payload: serde_json::Value = serde_json::from_str(event.payload()).unwrap();
            sink.lock()
                .unwrap()
                .push(payload["action"].as_str().unwrap().to_string());
        });
        for id in [
            "action:theme.dark",
            "action:help.formats",
            "action:no.such",
            "recent-none",
        ] {
            on_event(
                app.handle(),
                MenuEvent {
                    id: MenuId::new(id),
                },
            );
        }
        assert_eq!(*seen.lock().unwrap(), ["theme.dark", "help.formats"]);
    }

    /// Every action a menu item names is registered by the window (App.svelte or the
    /// registry itself), so no menu item is dead.
    #[test]
    fn every_menu_action_is_registered_by_the_window() {
        let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src");
        let sources = ["App.svelte", "lib/stores/actions.svelte.ts"]
            .map(|file| std::fs::read_to_string(ui.join(file)).unwrap())
            .concat();
        for action in menu_actions() {
            let registered = match action.strip_prefix("view.") {
                // The rail's views are registered from one list: `{ view: 'logs', … }`.
                Some(view) => sources.contains(&format!("{{ view: '{view}'")),
                None => sources.contains(&format!("id: '{action}'")),
            };
            assert!(
                registered,
                "menu action {action} is not registered by the window"
            );
        }
        assert!(action_of("action:theme.dark").is_some());
        assert_eq!(action_of("theme.dark"), None);
    }
}
