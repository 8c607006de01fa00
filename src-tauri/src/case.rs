//! Which case file the window shows, and the open read handle on it. The path
//! comes from `--case PATH`, else `WEFT_CASE`, else the engine's default case.
//! A case that fails to open still gives a window: the failure is kept here and
//! every command returns it, so the UI can say what went wrong.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use weft::{Reader, Store};

use crate::error::ApiError;

pub const USAGE: &str = "usage: weft-app [--case PATH]\n\
    Opens the case file PATH (else $WEFT_CASE, else the default case) in a window.";

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Launch {
    Open(PathBuf),
    Help,
}

/// Reads `--case PATH` / `--case=PATH` from `args` (program name excluded), falling
/// back to `env_case` (the value of `WEFT_CASE`; empty counts as unset) and then to
/// `default`. Unknown arguments are an error, so a typo does not open the default case.
pub fn launch(
    args: impl IntoIterator<Item = String>,
    env_case: Option<OsString>,
    default: impl FnOnce() -> PathBuf,
) -> Result<Launch, String> {
    let mut case_arg = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--help" || arg == "-h" {
            return Ok(Launch::Help);
        } else if arg == "--case" {
            let value = args.next().ok_or("--case needs a path")?;
            case_arg = Some(PathBuf::from(value));
        } else if let Some(value) = arg.strip_prefix("--case=") {
            case_arg = Some(PathBuf::from(value));
        } else {
            return Err(format!("unexpected argument `{arg}`"));
        }
    }
    let path = case_arg
        .or_else(|| {
            env_case
                .filter(|value| !value.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(default);
    Ok(Launch::Open(path))
}

/// The case shown in the window: managed Tauri state, shared by all commands.
pub struct Case {
    path: PathBuf,
    reader: Result<Reader, ApiError>,
}

impl Case {
    /// Opens (creating when missing) the case at `path`; a failure is kept, not returned.
    pub async fn open(path: PathBuf) -> Case {
        let path = std::path::absolute(&path).unwrap_or(path);
        let reader = match Store::open(&path).await {
            Ok(store) => store.reader().await.map_err(ApiError::from),
            Err(error) => Err(ApiError::from(error)),
        };
        Case { path, reader }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The read pool, or why the case could not be opened.
    pub fn reader(&self) -> Result<&Reader, ApiError> {
        self.reader.as_ref().map_err(Clone::clone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|arg| arg.to_string()).collect()
    }

    fn default_case() -> PathBuf {
        PathBuf::from("/data/weft/default.weft")
    }

    #[test]
    fn the_argument_wins_over_the_environment() {
        let env = Some(OsString::from("/env.weft"));
        let got = launch(args(&["--case", "/arg.weft"]), env.clone(), default_case);
        assert_eq!(got, Ok(Launch::Open("/arg.weft".into())));
        let got = launch(args(&["--case=/eq.weft"]), env, default_case);
        assert_eq!(got, Ok(Launch::Open("/eq.weft".into())));
    }

    #[test]
    fn the_environment_wins_over_the_default() {
        let got = launch(args(&[]), Some(OsString::from("/env.weft")), default_case);
        assert_eq!(got, Ok(Launch::Open("/env.weft".into())));
        let got = launch(args(&[]), Some(OsString::new()), default_case);
        assert_eq!(got, Ok(Launch::Open(default_case())));
        assert_eq!(
            launch(args(&[]), None, default_case),
            Ok(Launch::Open(default_case()))
        );
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(launch(args(&["--case"]), None, default_case).is_err());
        assert!(launch(args(&["--cse", "x"]), None, default_case).is_err());
        assert_eq!(
            launch(args(&["--help"]), None, default_case),
            Ok(Launch::Help)
        );
    }

    #[tokio::test]
    async fn opens_a_new_case_and_reads_it() {
        let dir = std::env::temp_dir().join(format!("weft-app-test-{}", std::process::id()));
        let case = Case::open(dir.join("new.weft")).await;
        let stats = case.reader().unwrap().stats().await.unwrap();
        assert_eq!((stats.sources, stats.spans, stats.logs), (0, 0, 0));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
