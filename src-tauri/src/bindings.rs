//! The window's TypeScript types, generated from the Rust ones: every command's
//! arguments and result (`command_list!`), every event's payload, the error.
//! `ts-rs` writes each type's declaration as serde sends it; this module puts them
//! in one file, `ui/src/lib/api/generated/bindings.ts`, with a `Commands` map (name
//! → args, result) and an `Events` map (name → payload). The test
//! `bindings_are_up_to_date` fails when the checked-in file differs from what the
//! types give; `UPDATE_BINDINGS=1` (or `make bindings`) rewrites it.
//! JSON numbers are JavaScript numbers, so `i64`/`u64` are `number` here: times
//! that must stay exact travel as decimal strings (`search.rs`).

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use ts_rs::{Config, TypeVisitor, TS};
use weft::analysis::compare::{CompareNode, SelectionComparison};
use weft::analysis::quality::{Doctor, Finding};
use weft::analysis::sampling::SamplingOutcome;
use weft::export::{ExportCounts, ExportFormat};
use weft::notebook::markdown::Block;
use weft::report::ReportFormat;
use weft::store::{
    AppliedSampling, Facets, Histogram, LogCount, LogView, TimeDensity, TraceFind, TraceOutline,
    TraceOverview, TraceRows, TraceSort, TraceSummary, Vocabulary,
};

use crate::commands::{CaseInfo, LaunchInfo, WireSource};
use crate::error::ApiError;
use crate::export::ExportScope;
use crate::follows::{Followed, Stopped};
use crate::listen::{ListenCounts, ListenState, ListenStopped};
use crate::loads::{Finished, Progress, Queued};
use crate::menu::{CaseChanged, MenuAction};
use crate::notebook::{Notebook, ReportTarget, WireMarkEdit, WireNewMark};
use crate::sampling::PolicyFile;
use crate::search::{WireAnchor, WireLogPage, WireSpan, WireTrace};
use crate::services::{ServiceReport, WireSloReport};
use crate::{follows, listen, loads, menu};

/// Where the generated file is checked in.
pub fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/api/generated/bindings.ts")
}

/// Every declaration reached from the boundary, each once, by name (ts-rs does not
/// visit dependencies in a stable order; names do not repeat: two Rust types that
/// give one, `serde_json::Value` and its shadow, give one declaration).
struct Declarations<'a> {
    config: &'a Config,
    seen: HashSet<TypeId>,
    text: BTreeMap<String, String>,
}

impl TypeVisitor for Declarations<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        // A built-in (number, Array, …) has no declaration, only parts.
        if T::output_path().is_some() {
            let docs = T::docs().unwrap_or_default();
            let decl = format!("{docs}export {}\n\n", T::decl(self.config));
            self.text.insert(T::ident(self.config), decl);
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

/// lowerCamelCase, as Tauri names a command's arguments (`source_id` → `sourceId`).
fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for ch in name.chars() {
        if ch == '_' {
            upper = true;
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// One command's entry of `Commands`; a nullable argument may be left out.
fn command_entry(name: &str, args: &[(&str, String)], result: String) -> String {
    let args = if args.is_empty() {
        "Record<string, never>".to_string()
    } else {
        let fields: Vec<String> = args
            .iter()
            .map(|(arg, ts)| match ts.strip_suffix(" | null") {
                Some(_) => format!("{}?: {ts}", camel(arg)),
                None => format!("{}: {ts}", camel(arg)),
            })
            .collect();
        format!("{{ {} }}", fields.join("; "))
    };
    format!("  {name}: {{ args: {args}; result: {result} }};\n")
}

/// Renders the whole file from `command_list!` and the events below.
macro_rules! render_commands {
    ($($module:ident :: $name:ident ($($arg:ident : $type:ty),* $(,)?) -> $result:ty;)*) => {
        |config: &Config, declarations: &mut Declarations<'_>, map: &mut String| {
            $(
                $(declarations.visit::<$type>();)*
                declarations.visit::<$result>();
                map.push_str(&command_entry(
                    stringify!($name),
                    &[$((stringify!($arg), <$type as TS>::name(config))),*],
                    <$result as TS>::name(config),
                ));
            )*
        }
    };
}

/// The generated file's text.
pub fn render() -> String {
    let config = Config::new().with_large_int("number");
    let mut declarations = Declarations {
        config: &config,
        seen: HashSet::new(),
        text: BTreeMap::new(),
    };
    let mut commands = String::new();
    let add_commands = command_list!(render_commands);
    add_commands(&config, &mut declarations, &mut commands);

    let mut events = String::new();
    let mut event = |name: &str, payload: String| {
        events.push_str(&format!("  '{name}': {payload};\n"));
    };
    macro_rules! events {
        ($($name:expr => $payload:ty,)*) => {
            $(
                declarations.visit::<$payload>();
                event($name, <$payload as TS>::name(&config));
            )*
        };
    }
    events! {
        loads::EVENT_QUEUED => Queued,
        loads::EVENT_INGEST => Progress,
        loads::EVENT_FINISHED => Finished,
        follows::EVENT_FOLLOW => Followed,
        follows::EVENT_STOPPED => Stopped,
        listen::EVENT_LISTEN => ListenState,
        listen::EVENT_STOPPED => ListenStopped,
        menu::EVENT_CASE_CHANGED => CaseChanged,
        menu::EVENT_NOTICE => ApiError,
        menu::EVENT_MENU_ACTION => MenuAction,
    }
    declarations.visit::<ApiError>();

    format!(
        "// Generated by src-tauri/src/bindings.rs from the Rust types: do not edit.\n\
         // `UPDATE_BINDINGS=1 cargo test -p weft-app bindings` (`make bindings`) rewrites it.\n\n\
         {}\
         /** Every command: its arguments as `invoke` sends them and its result. */\n\
         export type Commands = {{\n{commands}}};\n\n\
         /** Every event the shell emits, by name: its payload. */\n\
         export type Events = {{\n{events}}};\n",
        declarations.text.into_values().collect::<String>()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_are_up_to_date() {
        let generated = render();
        let path = path();
        if std::env::var_os("UPDATE_BINDINGS").is_some_and(|value| value == "1") {
            std::fs::write(&path, &generated).unwrap();
            return;
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "{} differs from what the Rust types give: run `make bindings` \
             (UPDATE_BINDINGS=1 cargo test -p weft-app bindings) and review the diff",
            path.display()
        );
    }

    #[test]
    fn arguments_are_named_as_tauri_names_them() {
        assert_eq!(camel("source_id"), "sourceId");
        assert_eq!(camel("log_id"), "logId");
        assert_eq!(camel("query"), "query");
    }

    /// Each command of `command_list!` as text: (module, name, [(argument, type)], result).
    macro_rules! command_signatures {
        ($($module:ident :: $name:ident ($($arg:ident : $type:ty),* $(,)?) -> $result:ty;)*) => {
            vec![$((
                stringify!($module),
                stringify!($name),
                vec![$((stringify!($arg), stringify!($type))),*],
                stringify!($result),
            )),*]
        };
    }

    /// A type as text without white space and module paths (`weft::store::X` → `X`).
    fn bare_type(text: &str) -> String {
        let text: String = text.chars().filter(|ch| !ch.is_whitespace()).collect();
        let mut out = String::new();
        for (idx, segment) in text.split("::").enumerate() {
            if idx > 0 {
                // Drop the module path that ends here (the lowercase run before `::`).
                let kept = out.trim_end_matches(|ch: char| ch.is_ascii_lowercase() || ch == '_');
                out.truncate(kept.len());
            }
            out.push_str(segment);
        }
        out
    }

    /// The parts of `text` split at commas outside `<>` and `()`.
    fn top_level_parts(text: &str) -> Vec<&str> {
        let (mut depth, mut start, mut parts) = (0i32, 0, Vec::new());
        for (idx, ch) in text.char_indices() {
            match ch {
                '<' | '(' => depth += 1,
                '>' | ')' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(&text[start..idx]);
                    start = idx + 1;
                }
                _ => {}
            }
        }
        parts.push(&text[start..]);
        parts
            .into_iter()
            .filter(|part| !part.trim().is_empty())
            .collect()
    }

    /// The functions of the commands take the arguments and give the result that
    /// `command_list!` names (the list the TypeScript types are made from), read from
    /// their source: the state and handles Tauri passes itself aside, and a command's
    /// `Result<T, ApiError>` read as `T` (the error is `ApiError` for every command).
    #[test]
    fn the_list_matches_the_command_functions() {
        for (module, name, args, result) in command_list!(command_signatures) {
            let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("src")
                .join(format!("{module}.rs"));
            let source = std::fs::read_to_string(&file).unwrap();
            let start = [format!("fn {name}("), format!("fn {name}<")]
                .iter()
                .find_map(|head| source.find(head.as_str()))
                .unwrap_or_else(|| panic!("{module}.rs has no fn {name}"));
            let signature = &source[start..start + source[start..].find("{\n").unwrap()];
            let open = signature.find('(').unwrap();
            let mut depth = 0;
            let close = signature[open..]
                .char_indices()
                .find_map(|(idx, ch)| {
                    match ch {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    (depth == 0).then_some(open + idx)
                })
                .unwrap();
            let given: Vec<(String, String)> = top_level_parts(&signature[open + 1..close])
                .into_iter()
                .filter_map(|param| {
                    let (arg, ty) = param.split_once(':').unwrap();
                    let ty = bare_type(ty);
                    let passed_by_tauri = ["State<", "AppHandle<", "Window<", "Webview<"]
                        .iter()
                        .any(|prefix| ty.starts_with(prefix));
                    (!passed_by_tauri).then(|| (arg.trim().to_string(), ty))
                })
                .collect();
            let listed: Vec<(String, String)> = args
                .iter()
                .map(|(arg, ty)| (arg.to_string(), bare_type(ty)))
                .collect();
            assert_eq!(given, listed, "arguments of {module}::{name}");
            let returned = signature[close + 1..]
                .trim()
                .strip_prefix("->")
                .map_or("()".to_string(), bare_type);
            let returned = returned
                .strip_prefix("Result<")
                .and_then(|inner| inner.strip_suffix(",ApiError>"))
                .map_or(returned.clone(), str::to_string);
            assert_eq!(returned, bare_type(result), "result of {module}::{name}");
        }
    }

    #[test]
    fn types_are_compared_without_paths_and_spaces() {
        assert_eq!(
            bare_type("Option < weft::store::TraceSort >"),
            "Option<TraceSort>"
        );
        assert_eq!(bare_type("Vec<i64>"), "Vec<i64>");
        assert_eq!(
            top_level_parts("a: u64, b: Option<(u8, u8)>,"),
            ["a: u64", " b: Option<(u8, u8)>"]
        );
    }

    /// capabilities/main.json grants exactly the commands of `command_list!`.
    #[test]
    fn the_capability_grants_every_command_and_no_other() {
        let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("capabilities/main.json");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let granted: Vec<&str> = json["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|permission| permission.as_str())
            .filter_map(|permission| permission.strip_prefix("allow-"))
            .collect();
        let names: &[&str] = command_list!(command_names);
        let wanted: Vec<String> = names.iter().map(|name| name.replace('_', "-")).collect();
        assert_eq!(granted, wanted, "capabilities/main.json vs command_list!");
    }
}
