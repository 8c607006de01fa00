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
use weft::store::{Facets, Histogram, LogView, TraceSort, TraceSummary};

use crate::commands::{CaseInfo, WireSource};
use crate::error::ApiError;
use crate::follows::{Followed, Stopped};
use crate::loads::{Finished, Progress, Queued};
use crate::menu::CaseChanged;
use crate::search::{WireAnchor, WireLogPage, WireTrace};
use crate::{follows, loads, menu};

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
        menu::EVENT_CASE_CHANGED => CaseChanged,
        menu::EVENT_NOTICE => ApiError,
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
