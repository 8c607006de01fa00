//! Which case file the window shows, and the open handles on it. The path comes
//! from `--case PATH`, else `WEFT_CASE`, else the case open when the app last
//! closed (`recent.rs`), else the engine's default case. A case that fails to open
//! still gives a window: the failure is kept here and every command returns it,
//! so the UI can say what went wrong. File → New/Open case swaps the open case
//! (`Case::replace`); commands take a snapshot of it, so a swap never tears one.
//! A `weft://` link on the command line (`weft-app 'weft://trace/<hex>'`) is kept
//! for the UI, which opens that place once the case is shown (`commands::launch_info`).
//! Other arguments are paths, as the desktop passes them (`weft-app case.weft` on a
//! double-click): a case file (`.weft`, or a file with SQLite's header) is the case to
//! open; any other file or folder is loaded into the case that opens
//! (`commands::load_launch_files`, once the window listens to loads).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use weft::{Reader, Store};

use crate::error::ApiError;

pub const USAGE: &str = "usage: weft-app [--case PATH | CASE.weft] [FILE…] [weft://LINK]\n\
    Opens the case file PATH (else $WEFT_CASE, else the case open last time, else the\n\
    default case) in a window; at LINK (weft://trace/<hex>, weft://trace/<hex>/span/<hex>,\n\
    weft://log/<id>, weft://search?q=<query>), that place of it. Each FILE (a trace or\n\
    log file or folder) is loaded into that case. While Weft runs, another launch hands\n\
    its arguments to the open window.";

/// The scheme of the links to places of a case (the UI's `model/links.ts` reads them).
pub const LINK_PREFIX: &str = "weft://";

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Launch {
    /// Open `case` (`None`: none was named, so the one open last time, or the
    /// default) and, when given, the place a `weft://` `link` names.
    Open {
        case: Option<PathBuf>,
        link: Option<String>,
        /// Trace and log files (or folders) to load into the case.
        files: Vec<PathBuf>,
    },
    Help,
}

/// Whether `path` names a case file rather than a file to load: its extension is
/// `.weft` (a new case may not exist yet), or it starts with SQLite's header (what the
/// desktop's mime entry also matches, for a case renamed without the extension).
pub fn is_case_file(path: &Path) -> bool {
    use std::io::Read;
    if path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("weft"))
    {
        return true;
    }
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut head))
        .is_ok_and(|()| &head == b"SQLite format 3\0")
}

/// Reads `--case PATH` / `--case=PATH` from `args` (program name excluded), falling
/// back to `env_case` (the value of `WEFT_CASE`; empty counts as unset). Unknown
/// options are an error, so a typo does not open another case; one argument that
/// starts with `weft://` is the link to open (the UI judges the rest of it). Other
/// arguments are paths: the one `is_case` says is a case is opened, the rest loaded.
pub fn launch(
    args: impl IntoIterator<Item = String>,
    env_case: Option<OsString>,
    is_case: impl Fn(&Path) -> bool,
) -> Result<Launch, String> {
    let mut case_arg: Option<PathBuf> = None;
    let mut files = Vec::new();
    let mut link = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--help" || arg == "-h" {
            return Ok(Launch::Help);
        } else if arg == "--case" {
            let value = args.next().ok_or("--case needs a path")?;
            case_arg = Some(PathBuf::from(value));
        } else if let Some(value) = arg.strip_prefix("--case=") {
            case_arg = Some(PathBuf::from(value));
        } else if arg.starts_with(LINK_PREFIX) && link.is_none() {
            link = Some(arg);
        } else if arg.starts_with('-') || arg.contains("://") || arg.is_empty() {
            return Err(format!("unexpected argument `{arg}`"));
        } else if is_case(Path::new(&arg)) {
            if let Some(first) = &case_arg {
                return Err(format!(
                    "two cases named: `{}` and `{arg}`; a window shows one",
                    first.display()
                ));
            }
            case_arg = Some(PathBuf::from(arg));
        } else {
            files.push(PathBuf::from(arg));
        }
    }
    let path = case_arg.or_else(|| {
        env_case
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    });
    Ok(Launch::Open {
        case: path,
        link,
        files,
    })
}

/// One opened case file: its path and its store and read pool, or why they failed.
pub struct OpenCase {
    path: PathBuf,
    store: Result<Store, ApiError>,
    reader: Result<Reader, ApiError>,
}

impl OpenCase {
    /// Opens (creating when missing) the case at `path`; a failure is kept, not returned.
    pub async fn open(path: PathBuf) -> OpenCase {
        let path = std::path::absolute(&path).unwrap_or(path);
        let store = Store::open(&path).await.map_err(ApiError::from);
        // Opening the writer once settles loads a dead process left half done: they
        // are removed and shown as `interrupted`, for the user to resume or remove.
        let store = match store {
            Ok(store) => match store.writer().await {
                Ok(_settled) => Ok(store),
                Err(error) => Err(ApiError::from(error)),
            },
            Err(error) => Err(error),
        };
        let reader = match &store {
            Ok(store) => store.reader().await.map_err(ApiError::from),
            Err(error) => Err(error.clone()),
        };
        OpenCase {
            path,
            store,
            reader,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The read pool, or why the case could not be opened.
    pub fn reader(&self) -> Result<Reader, ApiError> {
        self.reader.clone()
    }

    /// The store (to get the one writer from), or why the case could not be opened.
    pub fn store(&self) -> Result<Store, ApiError> {
        self.store.clone()
    }
}

/// The case shown in the window: managed Tauri state, shared by all commands.
pub struct Case {
    current: RwLock<Arc<OpenCase>>,
}

impl Case {
    pub fn new(open: OpenCase) -> Case {
        Case {
            current: RwLock::new(Arc::new(open)),
        }
    }

    /// The case open now. A command holds this snapshot for its whole call.
    pub fn current(&self) -> Arc<OpenCase> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Shows `open` from now on; calls that hold the old one finish on it.
    pub fn replace(&self, open: OpenCase) {
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(open);
    }

    /// The read pool of the open case, or why it could not be opened.
    pub fn reader(&self) -> Result<Reader, ApiError> {
        self.current().reader()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|arg| arg.to_string()).collect()
    }

    fn open(case: Option<&str>) -> Result<Launch, String> {
        Ok(Launch::Open {
            case: case.map(PathBuf::from),
            link: None,
            files: Vec::new(),
        })
    }

    /// The command line judged with `is_case_file` (the real file system).
    fn launch(
        args: impl IntoIterator<Item = String>,
        env_case: Option<OsString>,
    ) -> Result<Launch, String> {
        super::launch(args, env_case, is_case_file)
    }

    #[test]
    fn the_argument_wins_over_the_environment() {
        let env = Some(OsString::from("/env.weft"));
        let got = launch(args(&["--case", "/arg.weft"]), env.clone());
        assert_eq!(got, open(Some("/arg.weft")));
        let got = launch(args(&["--case=/eq.weft"]), env);
        assert_eq!(got, open(Some("/eq.weft")));
    }

    #[test]
    fn without_either_no_case_is_named() {
        let got = launch(args(&[]), Some(OsString::from("/env.weft")));
        assert_eq!(got, open(Some("/env.weft")));
        let got = launch(args(&[]), Some(OsString::new()));
        assert_eq!(got, open(None));
        assert_eq!(launch(args(&[]), None), open(None));
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(launch(args(&["--case"]), None).is_err());
        assert!(launch(args(&["--cse", "x"]), None).is_err());
        assert_eq!(launch(args(&["--help"]), None), Ok(Launch::Help));
    }

    #[test]
    fn a_weft_link_is_kept_for_the_window() {
        let link = "weft://trace/0af7651916cd43dd8448eb211c80319c/span/b7ad6b7169203331";
        let got = launch(args(&["--case", "/a.weft", link]), None);
        let want = Launch::Open {
            case: Some("/a.weft".into()),
            link: Some(link.to_string()),
            files: Vec::new(),
        };
        assert_eq!(got, Ok(want));
        assert!(
            launch(args(&[link, link]), None).is_err(),
            "one link at most"
        );
        assert!(launch(args(&["http://x"]), None).is_err());
    }

    #[test]
    fn a_case_argument_is_opened_and_other_paths_are_loaded_into_it() {
        let dir = tempfile_dir("args");
        let renamed = dir.join("sent-by-a-colleague");
        std::fs::write(&renamed, b"SQLite format 3\0 and the rest of a case").unwrap();
        let trace = dir.join("trace.json");
        std::fs::write(&trace, b"{}").unwrap();
        let arg = |path: &Path| path.display().to_string();
        let got = launch(vec![arg(&trace), "new.weft".into(), "logs/".into()], None);
        let want = Launch::Open {
            case: Some("new.weft".into()),
            link: None,
            files: vec![trace.clone(), "logs/".into()],
        };
        assert_eq!(got, Ok(want));
        // The desktop's double-click on a case without its extension: SQLite's header.
        let got = launch(vec![arg(&renamed)], Some(OsString::from("/env.weft")));
        assert_eq!(got, open(Some(renamed.to_str().unwrap())));
        // Files alone: loaded into the case that opens ($WEFT_CASE here).
        let got = launch(vec![arg(&trace)], Some(OsString::from("/env.weft")));
        let want = Launch::Open {
            case: Some("/env.weft".into()),
            link: None,
            files: vec![trace.clone()],
        };
        assert_eq!(got, Ok(want));
        let two = launch(args(&["a.weft", "b.WEFT"]), None).unwrap_err();
        assert!(
            two.contains("two cases named: `a.weft` and `b.WEFT`"),
            "{two}"
        );
        assert!(launch(args(&["--case", "a.weft", "b.weft"]), None).is_err());
        assert!(launch(args(&["-x"]), None).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("weft-app-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[tokio::test]
    async fn opens_a_new_case_reads_it_and_swaps_it() {
        let dir = std::env::temp_dir().join(format!("weft-app-test-{}", std::process::id()));
        let case = Case::new(OpenCase::open(dir.join("new.weft")).await);
        let stats = case.reader().unwrap().stats().await.unwrap();
        assert_eq!((stats.sources, stats.spans, stats.logs), (0, 0, 0));
        let held = case.current();
        case.replace(OpenCase::open(dir.join("other.weft")).await);
        assert!(case.current().path().ends_with("other.weft"));
        assert!(
            held.path().ends_with("new.weft"),
            "a snapshot keeps its case"
        );
        assert!(case.current().store().is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
